package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;

/**
 * The user id a path names: Mattermost's 26-character ids by default, the application's own where it sets
 * {@link MattermostSessionApi.Builder#userIdRule}.
 */
class UserIdRuleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern UUIDS =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private final String adminId = UUID.randomUUID().toString();
  private final String userId = UUID.randomUUID().toString();
  private final Map<String, LoginUser> directory =
      Map.of(
          "admin",
              new LoginUser(
                  adminId, "admin", "admin@example.com", Set.of("system_admin", "system_user")),
          "user", new LoginUser(userId, "user", "", Set.of("system_user")));
  private final SessionRegistry registry =
      SessionRegistry.builder()
          .store(InMemorySessionStore.create())
          .userRoles(
              id ->
                  directory.values().stream()
                      .filter(u -> u.id().equals(id))
                      .map(LoginUser::roles)
                      .findFirst()
                      .orElse(null))
          .accessRule(MattermostAccessRule.standard())
          .build();
  private final LoginVerifier logins =
      (login, password) ->
          password.equals("right password")
              ? Optional.ofNullable(directory.get(login))
              : Optional.empty();

  @Test
  void byDefaultAPathNamesMattermostIdsOnly() {
    MattermostSessionApi api = MattermostSessionApi.builder(registry, logins).build();
    IssuedSession admin =
        registry.create(
            NewSession.forUser(adminId).withRoles(Set.of("system_admin", "system_user")));
    String mattermostUser = Ids.newId();
    registry.create(mattermostUser);

    assertThat(api.handle(get("/api/v4/users/" + mattermostUser + "/sessions", admin)).status())
        .isEqualTo(200);
    assertThat(api.handle(get("/api/v4/users/" + userId + "/sessions", admin)).status())
        .as("a UUID's dashes: no route, as on Mattermost")
        .isEqualTo(404);
    assertThat(api.handle(get("/api/v4/users/12345678901234567890/sessions", admin)).bodyText())
        .contains("api.context.invalid_url_param.app_error");
    assertThat(api.handle(get("/api/v4/users/me/sessions", admin)).status())
        .as("me is any id")
        .isEqualTo(200);
  }

  @Test
  void anEmbedderNamesItsOwnIdsInPaths() throws Exception {
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, logins)
            .userIdRule(id -> UUIDS.matcher(id).matches())
            .build();
    HttpResponse login =
        api.handle(
            post(
                "/api/v4/users/login",
                Map.of(),
                "{\"login_id\":\"admin\",\"password\":\"right password\"}"));
    assertThat(login.status()).as(login.bodyText()).isEqualTo(200);
    Map<String, List<String>> admin =
        Map.of(
            "Authorization",
            List.of("Bearer " + login.header("Token")),
            "X-Requested-With",
            List.of("XMLHttpRequest"));
    IssuedSession one = registry.create(userId);
    IssuedSession two = registry.create(userId);

    HttpResponse list =
        api.handle(
            new HttpRequest("GET", "/api/v4/users/" + userId + "/sessions", admin, new byte[0]));
    assertThat(list.status()).isEqualTo(200);
    JsonNode sessions = JSON.readTree(list.body());
    assertThat(sessions).hasSize(2);
    assertThat(sessions.get(0).get("user_id").asText()).isEqualTo(userId);

    HttpResponse revoke =
        api.handle(
            post(
                "/api/v4/users/" + userId + "/sessions/revoke",
                admin,
                "{\"session_id\":\"" + one.session().id() + "\"}"));
    assertThat(revoke.status()).as(revoke.bodyText()).isEqualTo(200);
    assertThat(registry.authenticate(one.token())).isEmpty();
    assertThat(
            api.handle(post("/api/v4/users/" + userId + "/sessions/revoke/all", admin, ""))
                .status())
        .isEqualTo(200);
    assertThat(registry.authenticate(two.token())).isEmpty();

    assertThat(
            api.handle(
                    new HttpRequest(
                        "GET", "/api/v4/users/" + Ids.newId() + "/sessions", admin, new byte[0]))
                .bodyText())
        .as("the embedder's rule refuses a Mattermost id")
        .contains("invalid_url_param");
    assertThat(
            api.handle(
                    new HttpRequest(
                        "GET",
                        "/api/v4/users/" + userId.toUpperCase() + "/sessions",
                        admin,
                        new byte[0]))
                .status())
        .isEqualTo(400);
  }

  @Test
  void theRegistrysRuleHoldsWhateverTheEmbeddersRule() {
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, logins).userIdRule(id -> true).build();
    IssuedSession admin =
        registry.create(
            NewSession.forUser(adminId).withRoles(Set.of("system_admin", "system_user")));

    assertThat(api.handle(get("/api/v4/users/" + "x".repeat(256) + "/sessions", admin)).bodyText())
        .contains("invalid_url_param");
    assertThat(api.handle(get("/api/v4/users/a b/sessions", admin)).status()).isEqualTo(200);
    assertThatThrownBy(() -> MattermostSessionApi.builder(registry, logins).userIdRule(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("userIdRule must not be null");
  }

  private static HttpRequest get(String path, IssuedSession caller) {
    return new HttpRequest(
        "GET", path, Map.of("Authorization", List.of("Bearer " + caller.token())), new byte[0]);
  }

  private static HttpRequest post(String path, Map<String, List<String>> headers, String body) {
    Map<String, List<String>> h = new java.util.HashMap<>(headers);
    h.put("Content-Type", List.of("application/json"));
    return new HttpRequest("POST", path, h, body.getBytes(StandardCharsets.UTF_8));
  }
}
