package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.NewSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.http.MattermostAccessRule.Permission;
import org.sessionregistry.memory.InMemorySessionStore;

/** Mattermost's rule, through the registry: self, {@code manage_system}, or {@code edit_other_users} on a non-admin. */
class MattermostAccessRuleTest {
  private static final String USER_MANAGER = "system_user_manager";
  private final Map<String, Set<String>> directory = new ConcurrentHashMap<>();
  private final SessionRegistry registry =
      SessionRegistry.builder()
          .store(InMemorySessionStore.create())
          .userRoles(directory::get)
          .accessRule(
              MattermostAccessRule.standard()
                  .withRole(USER_MANAGER, Set.of(Permission.EDIT_OTHER_USERS)))
          .build();

  private Session sessionOf(String... roles) {
    String id = Ids.newId();
    directory.put(id, Set.of(roles));
    return registry.create(NewSession.forUser(id).withRoles(Set.of(roles))).session();
  }

  @Test
  void aRegularUserManagesItsOwnSessionsOnly() {
    Session user = sessionOf("system_user");
    Session other = sessionOf("system_user");

    assertThat(registry.mayManageSessionsOf(user, user.userId())).isTrue();
    assertThat(registry.mayManageSessionsOf(user, other.userId())).isFalse();
    assertThat(registry.mayRevokeEveryone(user)).isFalse();
  }

  @Test
  void aSystemAdminManagesAnyoneAndMayRevokeEveryone() {
    Session admin = sessionOf("system_admin", "system_user");
    Session otherAdmin = sessionOf("system_admin", "system_user");
    Session user = sessionOf("system_user");

    assertThat(registry.mayManageSessionsOf(admin, user.userId())).isTrue();
    assertThat(registry.mayManageSessionsOf(admin, otherAdmin.userId())).isTrue();
    assertThat(registry.mayManageSessionsOf(admin, Ids.newId()))
        .as("a user the directory does not know")
        .isTrue();
    assertThat(registry.mayRevokeEveryone(admin)).isTrue();
  }

  @Test
  void editOtherUsersDoesNotReachASystemAdminOrAnUnknownUser() {
    Session manager = sessionOf("system_user", USER_MANAGER);
    Session regular = sessionOf("system_user");
    Session admin = sessionOf("system_admin", "system_user");

    assertThat(registry.mayManageSessionsOf(manager, regular.userId())).isTrue();
    assertThat(registry.mayManageSessionsOf(manager, admin.userId())).isFalse();
    assertThat(registry.mayManageSessionsOf(manager, Ids.newId())).isFalse();
    assertThat(registry.mayRevokeEveryone(manager)).isFalse();

    directory.put(admin.userId(), Set.of("system_user")); // demoted: now within the manager's reach
    assertThat(registry.mayManageSessionsOf(manager, admin.userId())).isTrue();
  }

  @Test
  void aDemotedAdminLosesItsPowerAtOnce() {
    Session admin = sessionOf("system_admin", "system_user");
    Session user = sessionOf("system_user");
    directory.put(admin.userId(), Set.of("system_user"));

    assertThat(registry.mayManageSessionsOf(admin, user.userId())).isFalse();
    assertThat(registry.mayRevokeEveryone(admin)).isFalse();
  }

  @Test
  void aRoleCanBeGrantedAndStrippedOfItsPermissions() {
    MattermostAccessRule noAdmins =
        MattermostAccessRule.standard().withRole("system_admin", Set.of());
    SessionRegistry strict =
        SessionRegistry.builder()
            .store(InMemorySessionStore.create())
            .userRoles(directory::get)
            .accessRule(noAdmins)
            .build();
    Session admin = sessionOf("system_admin");
    Session user = sessionOf("system_user");

    assertThat(strict.mayManageSessionsOf(admin, user.userId())).isFalse();
    assertThat(
            MattermostAccessRule.standard()
                .mayRevokeEveryone(
                    new org.sessionregistry.SessionAccessRule.Subject(
                        "x", Set.of("system_admin"), true)))
        .isTrue();
    assertThatThrownBy(() -> MattermostAccessRule.standard().withRole("two words", Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("role must be one word, was \"two words\"");
    assertThatThrownBy(() -> MattermostAccessRule.standard().withRole("r", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("permissions must not be null");
  }
}
