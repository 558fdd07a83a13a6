package org.sessionregistry;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A user's current roles, by the application's own role names: what a {@link SessionAccessRule} decides by, and what
 * {@link SessionRegistry#currentRoles} answers. Implemented by the embedding application over its user directory, so
 * that a demoted admin loses its power on its next request, whatever roles its session was issued with.
 */
@FunctionalInterface
public interface UserRoles {

  /**
   * The user's current roles (possibly empty), or {@code null} when the user is unknown. Called on requests that ask
   * what a caller may do: it must be quick (an in-memory look-up), thread-safe, and must not call back into the
   * registry.
   */
  @Nullable Set<String> rolesOf(String userId);

  /**
   * What the registry uses when the application gives no directory: every user is unknown, so a caller's roles are
   * those its session was issued with, and no other user's roles are known. Once an application gives its directory,
   * a caller it does not know holds no role at all.
   */
  static UserRoles unknown() {
    return userId -> null;
  }
}
