package org.sessionregistry.http;

import java.util.Optional;

/**
 * Checks a login's credentials: implemented by the embedding application over its user directory. The runnable server
 * ships one backed by a users file ({@code org.sessionregistry.server.UsersFile}).
 *
 * <p>Must be thread-safe, should take the same time for unknown users as for wrong passwords, and must never log the
 * password.
 */
@FunctionalInterface
public interface LoginVerifier {

  /** The user if {@code loginId} (a username or email) and {@code password} match, else empty. */
  Optional<LoginUser> verify(String loginId, String password);

  /**
   * The id of the user {@code loginId} names (by username or email), without checking any password: failed logins
   * are then counted per user, whatever the spelling. Must be cheap. Default: empty, and failed logins are counted
   * per login id, lower-cased (a user's username and email then have a count each).
   */
  default Optional<String> userIdOf(String loginId) {
    return Optional.empty();
  }
}
