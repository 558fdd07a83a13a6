package org.sessionregistry;

import org.jspecify.annotations.Nullable;

/**
 * Looks up a user's current roles, so that the registry can tell whether the target of a request is a system admin
 * (holders of {@code edit_other_users} alone may not manage an admin's sessions). Implemented by the embedding
 * application over its user directory.
 */
@FunctionalInterface
public interface UserRoles {

  /** The user's space-separated roles, or {@code null} when the user is unknown. Must be thread-safe. */
  @Nullable String rolesOf(String userId);

  /**
   * What the registry uses when the application gives no directory: every user is unknown, so callers' permissions
   * come from the roles their sessions were issued with, and a holder of {@code edit_other_users} without
   * {@code manage_system} may manage only its own sessions (no target's roles are known). Once an application gives
   * its directory, a caller it does not know holds no role at all.
   */
  static UserRoles unknown() {
    return userId -> null;
  }
}
