package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;

/**
 * Every string a request carries is checked by the binding before it reaches the core: NUL, unpaired surrogates,
 * control characters and over-long values get 400 naming the field, never a 5xx, and nothing is stored. (A
 * {@code device_id} with a NUL or a lone surrogate answered 500: the core refused it, and the binding let that escape.)
 */
class MalformedFieldsTest {
  private final String userId = Ids.newId();
  private final LoginUser user =
      new LoginUser(userId, "user", "user@example.com", Set.of("system_user"));
  private final SessionRegistry registry =
      SessionRegistry.builder().store(InMemorySessionStore.create()).build();
  private final MattermostSessionApi api =
      MattermostSessionApi.builder(
              registry,
              (login, password) ->
                  login.equals("user") && password.equals("right password")
                      ? Optional.of(user)
                      : Optional.empty())
          .loginsPerAddressPerMinute(1_000_000)
          .maxFailedLoginsPerAddress(1_000_000)
          .build();

  /** Raw JSON string contents, escapes as a client would send them. */
  private static final String NUL = "a\\u0000b";

  private static final String LONE_HIGH = "\\ud800";
  private static final String LONE_LOW = "x\\udc00y";
  private static final String CONTROL = "a\\u0007b";
  private static final String NEWLINE = "a\\nb";

  @ParameterizedTest
  @ValueSource(strings = {NUL, LONE_HIGH, LONE_LOW, CONTROL, NEWLINE})
  void aBadCharacterInAnyLoginFieldIs400NamingItAndStoresNothing(String bad) {
    assertRefused(
        login("{\"login_id\":\"" + bad + "\",\"password\":\"right password\"}"), "login_id");
    assertRefused(
        login(
            "{\"login_id\":\"user\",\"password\":\"right password\",\"device_id\":\""
                + bad
                + "\"}"),
        "device_id");
    assertRefused(
        login(
            "{\"login_id\":\"user\",\"password\":\"right password\",\"deviceId\":\"" + bad + "\"}"),
        "deviceId");
    if (bad.equals(CONTROL) || bad.equals(NEWLINE)) {
      // A password is any text its owner chose: this one is merely wrong.
      assertThat(api.handle(login("{\"login_id\":\"user\",\"password\":\"" + bad + "\"}")).status())
          .isEqualTo(401);
    } else {
      assertRefused(login("{\"login_id\":\"user\",\"password\":\"" + bad + "\"}"), "password");
    }
    assertThat(registry.list(userId)).as("nothing stored").isEmpty();
  }

  @Test
  void anOverLongLoginFieldIs400NamingItNeverEchoingThePassword() {
    String password = "p".repeat(RequestFields.MAX_PASSWORD + 1);
    HttpResponse r = api.handle(login("{\"login_id\":\"user\",\"password\":\"" + password + "\"}"));
    assertRefused(r, "password");
    assertThat(r.bodyText()).doesNotContain("pppppppp");
    assertRefused(
        login(
            "{\"login_id\":\""
                + "u".repeat(RequestFields.MAX_LOGIN_ID + 1)
                + "\",\"password\":\"right password\"}"),
        "login_id");
    assertRefused(
        login(
            "{\"login_id\":\"user\",\"password\":\"right password\",\"device_id\":\""
                + "d".repeat(RequestFields.MAX_DEVICE_ID + 1)
                + "\"}"),
        "device_id");
    assertThat(registry.list(userId)).as("nothing stored").isEmpty();

    HttpResponse longest =
        api.handle(
            login(
                "{\"login_id\":\"user\",\"password\":\"right password\",\"device_id\":\""
                    + "d".repeat(RequestFields.MAX_DEVICE_ID)
                    + "\"}"));
    assertThat(longest.status()).as("Mattermost's longest device_id, 512").isEqualTo(200);
  }

  @Test
  void aDeviceIdBeyondTheBasicPlaneIsKept() {
    HttpResponse r =
        api.handle(
            login(
                "{\"login_id\":\"user\",\"password\":\"right password\","
                    + "\"device_id\":\"ios:\\ud83d\\ude00\"}"));
    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    assertThat(registry.list(userId).get(0).deviceId()).isEqualTo("ios:\ud83d\ude00");
  }

  @ParameterizedTest
  @ValueSource(strings = {NUL, LONE_HIGH, LONE_LOW, CONTROL, NEWLINE})
  void aBadSessionIdToRevokeIs400NamingIt(String bad) {
    IssuedSession mine = registry.create(userId);
    assertRefused(revoke(mine, "{\"session_id\":\"" + bad + "\"}"), "session_id");
    assertRefused(
        revoke(mine, "{\"session_id\":\"" + "s".repeat(RequestFields.MAX_SESSION_ID + 1) + "\"}"),
        "session_id");
    assertThat(registry.list(userId)).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b", "\ud800", "x\udc00", "a\u0007b", "a\nb"})
  void aBadUserIdInThePathIs4xx(String bad) {
    IssuedSession mine = registry.create(userId);
    for (String path :
        List.of(
            "/api/v4/users/" + bad + "/sessions",
            "/api/v4/users/" + bad + "/sessions/revoke/all",
            "/api/v4/users/" + Ids.newId().substring(1) + bad + "/sessions")) {
      HttpResponse r =
          api.handle(
              new HttpRequest(
                  path.endsWith("all") ? "POST" : "GET", path, bearer(mine), new byte[0]));
      assertThat(r.status()).as(r.bodyText()).isBetween(400, 499);
    }
    assertThat(registry.list(userId)).hasSize(1);
  }

  private void assertRefused(HttpRequest request, String field) {
    assertRefused(api.handle(request), field);
  }

  private static void assertRefused(HttpResponse r, String field) {
    assertThat(r.status()).as(r.bodyText()).isEqualTo(400);
    assertThat(r.bodyText())
        .contains("\"id\":\"api.context.invalid_body_param.app_error\"")
        .contains("Invalid or missing " + field + " in request body.");
  }

  private static HttpRequest login(String json) {
    return new HttpRequest(
        "POST",
        "/api/v4/users/login",
        Map.of("Content-Type", List.of("application/json")),
        json.getBytes(StandardCharsets.UTF_8),
        "203.0.113.1");
  }

  private static HttpRequest revoke(IssuedSession s, String json) {
    Map<String, List<String>> headers = new java.util.HashMap<>(bearer(s));
    headers.put("Content-Type", List.of("application/json"));
    return new HttpRequest(
        "POST", "/api/v4/users/me/sessions/revoke", headers, json.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, List<String>> bearer(IssuedSession s) {
    return Map.of(
        "Authorization",
        List.of("Bearer " + s.token()),
        "X-Requested-With",
        List.of("XMLHttpRequest"));
  }
}
