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
   * The default when the application gives none: every user is unknown, so a caller holding {@code edit_other_users}
   * without {@code manage_system} may manage only its own sessions. Safe, and it never matters with the default role
   * mapping, where only {@code system_admin} holds {@code edit_other_users}.
   */
  static UserRoles unknown() {
    return userId -> null;
  }
}
