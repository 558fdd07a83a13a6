package org.sessionregistry.http;

import java.util.Optional;

/**
 * Finds users, for the server's own endpoints ({@link SessionRegistryApi}): the caller by its id, another user by the
 * username or email an administrator typed. Implemented by the application over its user directory; the runnable
 * server's users file is one. Must be thread-safe and cheap (no password check).
 */
public interface UserDirectory {

  /** The user with this id, or empty. */
  Optional<LoginUser> findById(String userId);

  /** The user this username or email names (as a login would take it), or empty. */
  Optional<LoginUser> findByLoginId(String loginId);
}
