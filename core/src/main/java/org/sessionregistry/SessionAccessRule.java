package org.sessionregistry;

import static org.sessionregistry.internal.Arguments.require;
import static org.sessionregistry.internal.Arguments.requireNonNull;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Who may manage whose sessions: the application's rule, given to {@link SessionRegistry.Builder#accessRule} and asked
 * through {@link SessionRegistry#mayManageSessionsOf} and {@link SessionRegistry#mayRevokeEveryone}. The registry asks
 * it only about a caller whose user exists with the credentials its session was created under
 * ({@link UserCredentials}), and only about another user's sessions: a user may always list and revoke its own. It
 * decides by current roles ({@link UserRoles}), never by those a session was issued with, once the application gives
 * its directory.
 *
 * <p>Implementations must be quick, thread-safe, and must not call back into the registry.
 */
public interface SessionAccessRule {

  /** Whether {@code caller} may list and revoke the sessions of {@code target}, another user. */
  boolean mayManageSessionsOf(Subject caller, Subject target);

  /** Whether {@code caller} may revoke every session of every user. Default: no one may. */
  default boolean mayRevokeEveryone(Subject caller) {
    return false;
  }

  /** The default rule: each user manages its own sessions only, and no one revokes everyone's. */
  static SessionAccessRule selfOnly() {
    return (caller, target) -> false;
  }

  /**
   * Holders of {@code role} may manage anyone's sessions and revoke everyone's; every other user manages its own only.
   *
   * @throws IllegalArgumentException if the role is null or empty
   */
  static SessionAccessRule administeredBy(String role) {
    requireNonNull(role, "role");
    require(!role.isEmpty(), "role must not be empty");
    return new SessionAccessRule() {
      @Override
      public boolean mayManageSessionsOf(Subject caller, Subject target) {
        return caller.roles().contains(role);
      }

      @Override
      public boolean mayRevokeEveryone(Subject caller) {
        return caller.roles().contains(role);
      }

      @Override
      public String toString() {
        return "SessionAccessRule.administeredBy(" + role + ")";
      }
    };
  }

  /**
   * A user as the rule sees it: its id and current roles. A target's roles are looked up ({@link UserRoles}) only if
   * the rule asks for them.
   */
  final class Subject {
    private final String userId;
    private @Nullable UserRoles directory;
    private Set<String> roles = Set.of();
    private boolean known;

    /**
     * @param userId the user's id
     * @param roles its current roles; empty when they are not known
     * @param known whether its roles are known: the application's directory knows the user, or, when the application
     *     gave no directory, the user is the caller and its roles are those its session was issued with
     */
    public Subject(String userId, Set<String> roles, boolean known) {
      this.userId = requireNonNull(userId, "userId");
      this.roles = sorted(requireNonNull(roles, "roles"));
      this.known = known;
    }

    /** A user whose roles the directory is asked for on first use. */
    Subject(String userId, UserRoles directory) {
      this.userId = userId;
      this.directory = directory;
    }

    public String userId() {
      return userId;
    }

    /** The user's current roles; empty when they are not known. */
    public Set<String> roles() {
      lookUp();
      return roles;
    }

    /** Whether the user's roles are known (see the constructor). */
    public boolean known() {
      lookUp();
      return known;
    }

    private void lookUp() {
      if (directory != null) {
        Set<String> current = directory.rolesOf(userId);
        roles = current == null ? Set.of() : sorted(current);
        known = current != null;
        directory = null;
      }
    }

    private static Set<String> sorted(Set<String> roles) {
      return roles.isEmpty() ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(roles));
    }

    @Override
    public String toString() {
      return "Subject[userId=" + userId + ", roles=" + roles() + ", known=" + known() + "]";
    }
  }
}
