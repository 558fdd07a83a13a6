package org.sessionregistry;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Tells the registry whether a user still exists and since when its credentials are valid, so that sessions die with
 * them: a session of a user that no longer exists, or created before its user's credentials last changed (a new
 * password, a reset, a deactivation), never authenticates and grants no permission. Implemented by the embedding
 * application over its user directory, beside {@link UserRoles}.
 *
 * <p>Called on every authentication: it must be quick (an in-memory look-up, not a database query), thread-safe, and
 * must not call back into the registry. An exception it throws fails the authentication, which is then refused.
 */
@FunctionalInterface
public interface UserCredentials {

  /**
   * Since when the user's credentials are valid: sessions created before this instant are dead. {@code null} when the
   * user no longer exists (deleted, or deactivated), which kills all of its sessions.
   */
  @Nullable Instant validSince(String userId);

  /** The default when the application gives none: every user exists, and its credentials never changed. */
  static UserCredentials unchecked() {
    return userId -> Instant.EPOCH;
  }
}
