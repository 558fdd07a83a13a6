package org.sessionregistry.http;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.sessionregistry.SessionAccessRule;

/**
 * Mattermost's rule for managing sessions, as a {@link SessionAccessRule}: a user manages its own; a holder of
 * {@code manage_system} anyone's, and may revoke everyone's; a holder of {@code edit_other_users} the sessions of a
 * user who is not a system admin (whose current roles are known and grant no {@code manage_system}). Roles grant
 * permissions as {@link #withRole} says; by default only {@code system_admin} grants any (both), as in Mattermost.
 *
 * <pre>{@code
 * SessionRegistry registry = SessionRegistry.builder()
 *     .store(store)
 *     .userRoles(directory)                          // current roles: a demoted admin loses its power at once
 *     .accessRule(MattermostAccessRule.standard())
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class MattermostAccessRule implements SessionAccessRule {

  /** The Mattermost permissions that decide who may manage another user's sessions. */
  public enum Permission {
    /** {@code manage_system}: a system admin; may manage anyone's sessions. */
    MANAGE_SYSTEM,
    /** {@code edit_other_users}: may manage other users' sessions, except those of a system admin. */
    EDIT_OTHER_USERS
  }

  private static final MattermostAccessRule STANDARD =
      new MattermostAccessRule(Map.of("system_admin", EnumSet.allOf(Permission.class)));

  private final Map<String, Set<Permission>> permissionsByRole;

  private MattermostAccessRule(Map<String, Set<Permission>> permissionsByRole) {
    this.permissionsByRole = Map.copyOf(permissionsByRole);
  }

  /** Mattermost's defaults: {@code system_admin} holds {@code manage_system} and {@code edit_other_users}. */
  public static MattermostAccessRule standard() {
    return STANDARD;
  }

  /**
   * This rule with {@code role} granting exactly {@code permissions} (none revokes what it granted).
   *
   * @throws IllegalArgumentException if the role is empty or holds whitespace, or an argument is null
   */
  public MattermostAccessRule withRole(String role, Set<Permission> permissions) {
    if (role == null || role.isEmpty() || role.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "role must be one word, was " + (role == null ? "null" : '"' + role + '"'));
    }
    if (permissions == null || permissions.stream().anyMatch(p -> p == null)) {
      throw new IllegalArgumentException(
          "permissions must not be null or hold null"); // Set.of's contains(null) throws
    }
    Map<String, Set<Permission>> changed = new HashMap<>(permissionsByRole);
    changed.put(role, permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions)));
    return new MattermostAccessRule(changed);
  }

  @Override
  public boolean mayManageSessionsOf(Subject caller, Subject target) {
    Set<Permission> held = permissionsOf(caller.roles());
    if (held.contains(Permission.MANAGE_SYSTEM)) {
      return true;
    }
    return held.contains(Permission.EDIT_OTHER_USERS)
        && target.known()
        && !permissionsOf(target.roles()).contains(Permission.MANAGE_SYSTEM);
  }

  @Override
  public boolean mayRevokeEveryone(Subject caller) {
    return permissionsOf(caller.roles()).contains(Permission.MANAGE_SYSTEM);
  }

  private Set<Permission> permissionsOf(Set<String> roles) {
    Set<Permission> held = EnumSet.noneOf(Permission.class);
    for (String role : roles) {
      Set<Permission> granted = permissionsByRole.get(role);
      if (granted != null) {
        held.addAll(granted);
      }
    }
    return held;
  }

  @Override
  public String toString() {
    return "MattermostAccessRule" + permissionsByRole;
  }
}
