package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.testing.UnreachableStore;

/** The handlers, request by request, on the in-memory store. */
class MattermostSessionApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String adminId = Ids.newId();
  private final String userId = Ids.newId();
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
  private final MattermostSessionApi api =
      MattermostSessionApi.builder(
              registry,
              (login, password) ->
                  password.equals("right password")
                      ? Optional.ofNullable(directory.get(login))
                      : Optional.empty())
          .build();

  @Test
  void listsSanitizedSessionsWithMattermostsThirteenKeys() throws Exception {
    IssuedSession first =
        registry.create(
            NewSession.forUser(userId)
                .withDeviceId("android_rn:x")
                .withProps(Map.of("csrf", "secretcsrf", "platform", "Linux")));
    IssuedSession second = registry.create(userId);
    HttpResponse r = api.handle(get("/api/v4/users/me/sessions", bearer(second)));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body).hasSize(2);
    List<String> keys = new ArrayList<>();
    body.get(0).fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly(
            "id",
            "token",
            "create_at",
            "expires_at",
            "last_activity_at",
            "user_id",
            "device_id",
            "roles",
            "is_oauth",
            "expired_notify",
            "props",
            "team_members",
            "local");
    JsonNode s =
        body.get(0).get("id").asText().equals(first.session().id()) ? body.get(0) : body.get(1);
    assertThat(s.get("id").asText()).isEqualTo(first.session().id());
    assertThat(s.get("token").asText()).isEmpty();
    assertThat(s.get("create_at").asLong()).isEqualTo(first.session().createdAt().toEpochMilli());
    assertThat(s.get("device_id").asText()).isEqualTo("android_rn:x");
    assertThat(s.get("props").has("csrf")).isFalse();
    assertThat(s.get("props").get("platform").asText()).isEqualTo("Linux");
    assertThat(s.get("team_members").isArray()).isTrue();
    assertThat(r.bodyText())
        .doesNotContain(first.token())
        .doesNotContain(second.token())
        .doesNotContain("secretcsrf");
  }

  @Test
  void checksRunUnauthorizedThenBadRequestThenForbidden() throws Exception {
    IssuedSession user = registry.create(NewSession.forUser(userId));
    String junk = "junk" + userId;

    assertError(
        api.handle(get("/api/v4/users/" + junk + "/sessions", Map.of())),
        401,
        "api.context.session_expired.app_error");
    assertError(
        api.handle(get("/api/v4/users/" + junk + "/sessions", bearer(user))),
        400,
        "api.context.invalid_url_param.app_error");
    assertError(
        api.handle(get("/api/v4/users/" + adminId + "/sessions", bearer(user))),
        403,
        "api.context.permissions.app_error");
    assertError(
        api.handle(get("/api/v4/users/bad-id!/sessions", bearer(user))),
        404,
        "api.context.404.app_error");
  }

  @Test
  void errorsAreAppErrorsWithTheRequestIdOfTheirHeader() throws Exception {
    HttpResponse r =
        api.handle(
            get("/api/v4/users/me/sessions", Map.of("Authorization", List.of("Bearer nope"))));
    JsonNode e = JSON.readTree(r.body());

    assertThat(r.status()).isEqualTo(401);
    assertThat(e.get("status_code").asInt()).isEqualTo(401);
    assertThat(e.get("message").asText())
        .isEqualTo("Invalid or expired session, please login again.");
    assertThat(e.get("detailed_error").asText()).isEmpty();
    assertThat(e.get("request_id").asText()).hasSize(26).isEqualTo(r.header("X-Request-Id"));
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void acceptsTheBearerPrefixInAnyCaseAndTheLegacyTokenPrefix() {
    IssuedSession user = registry.create(userId);
    for (String prefix : List.of("Bearer ", "BEARER ", "bearer ", "Token ", "TOKEN ")) {
      HttpResponse r =
          api.handle(
              get(
                  "/api/v4/users/me/sessions",
                  Map.of("Authorization", List.of(prefix + user.token()))));
      assertThat(r.status()).as(prefix).isEqualTo(200);
    }
  }

  @Test
  void aCookieAuthenticatesReadsButWritesAlsoNeedTheCsrfHeader() {
    IssuedSession user =
        registry.create(NewSession.forUser(userId).withProps(Map.of("csrf", "thecsrftoken")));
    Map<String, List<String>> cookie =
        Map.of("Cookie", List.of("MMUSERID=" + userId + "; MMAUTHTOKEN=" + user.token()));

    assertThat(api.handle(get("/api/v4/users/me/sessions", cookie)).status()).isEqualTo(200);
    assertError(
        api.handle(post("/api/v4/users/me/sessions/revoke/all", cookie, "")),
        401,
        "api.context.session_expired.app_error");
    Map<String, List<String>> wrongCsrf = with(cookie, "X-CSRF-Token", "not-it");
    assertThat(api.handle(post("/api/v4/users/me/sessions/revoke/all", wrongCsrf, "")).status())
        .isEqualTo(401);
    assertThat(registry.authenticate(user.token()))
        .as("a refused write changes nothing")
        .isPresent();

    Map<String, List<String>> rightCsrf = with(cookie, "X-CSRF-Token", "thecsrftoken");
    assertThat(api.handle(post("/api/v4/users/me/sessions/revoke/all", rightCsrf, "")).bodyText())
        .isEqualTo("{\"status\":\"OK\"}");
    assertThat(registry.authenticate(user.token())).isEmpty();
  }

  @Test
  void loginReturnsTheUserAndTheTokenInTheTokenHeaderAndCookie() throws Exception {
    HttpResponse r =
        api.handle(
            post(
                "/api/v4/users/login",
                Map.of(),
                "{\"login_id\":\"user\",\"password\":\"right password\",\"device_id\":\"ios:abc\"}"));

    assertThat(r.status()).isEqualTo(200);
    String token = r.header("Token");
    assertThat(token).hasSize(26);
    assertThat(r.headers())
        .anySatisfy(
            h ->
                assertThat(h.getValue())
                    .startsWith("MMAUTHTOKEN=" + token + ";")
                    .contains("HttpOnly"));
    JsonNode user = JSON.readTree(r.body());
    assertThat(user.get("id").asText()).isEqualTo(userId);
    assertThat(user.get("roles").asText()).isEqualTo("system_user");
    Session session = registry.authenticate(token).orElseThrow();
    assertThat(session.deviceId()).isEqualTo("ios:abc");
    assertThat(session.props()).containsKey("csrf");

    assertError(
        api.handle(
            post(
                "/api/v4/users/login", Map.of(), "{\"login_id\":\"user\",\"password\":\"wrong\"}")),
        401,
        "api.user.login.invalid_credentials_email_username");
    assertError(
        api.handle(
            post(
                "/api/v4/users/login",
                Map.of(),
                "{\"login_id\":\"nobody\",\"password\":\"right password\"}")),
        401,
        "api.user.login.invalid_credentials_email_username");
  }

  @Test
  void aLoginRecordsTheClientAsMattermostDoesAndItsAddressOnlyWhenAsked() throws Exception {
    String chrome =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/120.0.0.0 Safari/537.36";
    HttpResponse r =
        api.handle(
            new HttpRequest(
                "POST",
                "/api/v4/users/login",
                Map.of("User-Agent", List.of(chrome), "Content-Type", List.of("application/json")),
                "{\"login_id\":\"user\",\"password\":\"right password\"}"
                    .getBytes(StandardCharsets.UTF_8),
                "203.0.113.7"));
    Session session = registry.authenticate(r.header("Token")).orElseThrow();
    assertThat(session.props())
        .containsEntry("platform", "Windows")
        .containsEntry("os", "Windows 10")
        .containsEntry("browser", "Chrome/120.0")
        .doesNotContainKey("ip_address");
    JsonNode listed =
        JSON.readTree(
                api.handle(
                        get(
                            "/api/v4/users/me/sessions",
                            Map.of("Authorization", List.of("Bearer " + r.header("Token")))))
                    .body())
            .get(0);
    assertThat(listed.get("props").get("browser").asText())
        .as("listed, sanitized")
        .isEqualTo("Chrome/120.0");
    assertThat(listed.get("props").has("csrf")).isFalse();

    MattermostSessionApi recording =
        MattermostSessionApi.builder(
                registry, (login, password) -> Optional.ofNullable(directory.get(login)))
            .recordClientAddress(true)
            .build();
    HttpResponse withAddress =
        recording.handle(
            new HttpRequest(
                "POST",
                "/api/v4/users/login",
                Map.of("Content-Type", List.of("application/json; charset=utf-8")),
                "{\"login_id\":\"user\",\"password\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                "203.0.113.7"));
    assertThat(registry.authenticate(withAddress.header("Token")).orElseThrow().props())
        .containsEntry("ip_address", "203.0.113.7")
        .containsEntry("browser", "Unknown/0.0");
  }

  @Test
  void revokingEveryonesSessionsNeedsManageSystem() throws Exception {
    IssuedSession admin =
        registry.create(
            NewSession.forUser(adminId).withRoles(Set.of("system_admin", "system_user")));
    IssuedSession user = registry.create(userId);

    assertError(
        api.handle(post("/api/v4/users/sessions/revoke/all", bearer(user), "")),
        403,
        "api.context.permissions.app_error");
    assertThat(registry.authenticate(admin.token())).as("nothing changed").isPresent();
    assertError(
        api.handle(post("/api/v4/users/sessions/revoke/all", Map.of(), "")),
        401,
        "api.context.session_expired.app_error");

    HttpResponse r = api.handle(post("/api/v4/users/sessions/revoke/all", bearer(admin), ""));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("{\"status\":\"OK\"}");
    assertThat(registry.authenticate(user.token())).isEmpty();
    assertThat(registry.authenticate(admin.token()))
        .as("the caller's own too, as Mattermost")
        .isEmpty();
  }

  @Test
  void aLoginBeyondARefusingLimitIs403() {
    SessionRegistry capped =
        SessionRegistry.builder()
            .store(InMemorySessionStore.create())
            .maxSessionsPerUser(1, SessionLimit.Policy.REFUSE_NEW)
            .build();
    MattermostSessionApi cappedApi =
        MattermostSessionApi.builder(
                capped, (login, password) -> Optional.ofNullable(directory.get(login)))
            .build();
    String body = "{\"login_id\":\"user\",\"password\":\"x\"}";
    assertThat(cappedApi.handle(post("/api/v4/users/login", Map.of(), body)).status())
        .isEqualTo(200);

    assertError(
        cappedApi.handle(post("/api/v4/users/login", Map.of(), body)),
        403,
        "api.user.login.session_limit.app_error");
    assertThat(capped.list(userId)).hasSize(1);
  }

  @Test
  void aCookieLogoutWithoutItsCsrfProofIsRefusedNotFaked() {
    IssuedSession user =
        registry.create(NewSession.forUser(userId).withProps(Map.of("csrf", "thecsrftoken")));
    Map<String, List<String>> cookie = Map.of("Cookie", List.of("MMAUTHTOKEN=" + user.token()));

    assertError(
        api.handle(post("/api/v4/users/logout", cookie, "")),
        401,
        "api.context.session_expired.app_error");
    assertThat(registry.authenticate(user.token())).isPresent();
    assertThat(
            api.handle(
                    post("/api/v4/users/logout", with(cookie, "X-CSRF-Token", "thecsrftoken"), ""))
                .status())
        .isEqualTo(200);
    assertThat(registry.authenticate(user.token())).isEmpty();
  }

  @Test
  void anotherAuthorizationSchemeFallsThroughToTheCookie() {
    IssuedSession user = registry.create(userId);
    Map<String, List<String>> headers =
        Map.of(
            "Authorization",
            List.of("Basic dXNlcjpwYXNz"),
            "Cookie",
            List.of("MMAUTHTOKEN=" + user.token()));
    assertThat(api.handle(get("/api/v4/users/me/sessions", headers)).status()).isEqualTo(200);
  }

  @Test
  void loginChecksAsMattermostAndLocksAfterTenFailures() {
    assertError(
        api.handle(post("/api/v4/users/login", Map.of(), "{\"login_id\":\"user\"}")),
        400,
        "api.user.login.blank_pwd.app_error");
    assertError(
        api.handle(post("/api/v4/users/login", Map.of(), "{\"password\":\"x\"}")),
        401,
        "api.user.login.invalid_credentials_email_username");
    for (int i = 0; i < MattermostSessionApi.MAX_LOGIN_ATTEMPTS; i++) {
      assertError(
          api.handle(
              post("/api/v4/users/login", Map.of(), "{\"login_id\":\"user\",\"password\":\"no\"}")),
          401,
          "api.user.login.invalid_credentials_email_username");
    }
    assertError(
        api.handle(
            post(
                "/api/v4/users/login",
                Map.of(),
                "{\"login_id\":\"USER\",\"password\":\"right password\"}")),
        401,
        "api.user.check_user_login_attempts.too_many.app_error");
    assertThat(
            api.handle(
                    post(
                        "/api/v4/users/login",
                        Map.of(),
                        "{\"login_id\":\"admin\",\"password\":\"right password\"}"))
                .status())
        .as("other logins unaffected")
        .isEqualTo(200);
  }

  @Test
  void aDeviceLoggingInAgainReplacesItsEarlierSession() {
    String body =
        "{\"login_id\":\"user\",\"password\":\"right password\",\"device_id\":\"ios:phone\"}";
    String first = api.handle(post("/api/v4/users/login", Map.of(), body)).header("Token");
    String other =
        api.handle(
                post(
                    "/api/v4/users/login",
                    Map.of(),
                    "{\"login_id\":\"user\",\"password\":\"right password\"}"))
            .header("Token");
    String second = api.handle(post("/api/v4/users/login", Map.of(), body)).header("Token");

    assertThat(registry.authenticate(first)).isEmpty();
    assertThat(registry.authenticate(second)).isPresent();
    assertThat(registry.authenticate(other)).as("other devices untouched").isPresent();
  }

  @Test
  void wrongMethodsSayWhichIsAllowed() {
    assertThat(api.handle(get("/api/v4/users/logout", Map.of())).header("Allow")).isEqualTo("POST");
  }

  /** Regression: {@code post .../revoke/all} revoked every session, as if it were {@code POST}. */
  @Test
  void methodsAreCaseSensitive() {
    IssuedSession user = registry.create(userId);

    HttpResponse r =
        api.handle(
            new HttpRequest(
                "post", "/api/v4/users/me/sessions/revoke/all", bearer(user), new byte[0]));

    assertError(r, 405, "api.context.405.app_error");
    assertThat(r.header("Allow")).isEqualTo("POST");
    assertThat(registry.authenticate(user.token())).as("nothing was revoked").isPresent();
    assertError(
        api.handle(new HttpRequest("get", "/api/v4/users/me/sessions", bearer(user), new byte[0])),
        405,
        "api.context.405.app_error");
  }

  @Test
  void logoutEndsTheCallersSessionAndAlwaysAnswersOk() {
    IssuedSession user = registry.create(userId);
    HttpResponse r = api.handle(post("/api/v4/users/logout", bearer(user), ""));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("{\"status\":\"OK\"}");
    assertThat(registry.authenticate(user.token())).isEmpty();
    assertThat(api.handle(post("/api/v4/users/logout", Map.of(), "")).status()).isEqualTo(200);
  }

  @Test
  void revokesOneSessionOfTheUserNamedInThePath() {
    IssuedSession mine = registry.create(userId);
    IssuedSession other = registry.create(userId);
    String path = "/api/v4/users/" + userId + "/sessions/revoke";

    assertThat(
            api.handle(
                    post(path, bearer(mine), "{\"session_id\":\"" + other.session().id() + "\"}"))
                .status())
        .isEqualTo(200);
    assertThat(registry.authenticate(other.token())).isEmpty();
    assertThat(registry.authenticate(mine.token())).isPresent();
    assertError(
        api.handle(post(path, bearer(mine), "{\"session_id\":\"" + other.session().id() + "\"}")),
        400,
        "app.session.get.app_error");
    assertError(
        api.handle(post(path, bearer(mine), "{\"session_id\":\"nope\"}")),
        400,
        "app.session.get.app_error");
    assertError(
        api.handle(post(path, bearer(mine), "{}")),
        400,
        "api.context.invalid_body_param.app_error");
    assertError(
        api.handle(post(path, bearer(mine), "{\"session_id\":42}")),
        400,
        "api.context.invalid_body_param.app_error");
  }

  @Test
  void badRequestsGetAppErrorsNeverAStackTrace() {
    IssuedSession user = registry.create(userId);
    assertError(
        api.handle(post("/api/v4/users/login", Map.of(), "{not json")),
        400,
        "api.context.invalid_body_param.app_error");
    assertError(
        api.handle(post("/api/v4/users/login", Map.of(), "[1,2]")),
        400,
        "api.context.invalid_body_param.app_error");
    assertError(
        api.handle(post("/api/v4/users/login", Map.of(), "{\"login_id\":1,\"password\":\"x\"}")),
        400,
        "api.context.invalid_body_param.app_error");
    assertError(
        api.handle(post("/api/v4/users/login", Map.of(), "x".repeat(64 * 1024 + 1))),
        413,
        "api.context.request_body_too_large.app_error");
    assertError(api.handle(get("/api/v4/users/login", Map.of())), 405, "api.context.405.app_error");
    assertError(
        api.handle(post("/api/v4/users/me/sessions", bearer(user), "")),
        405,
        "api.context.405.app_error");
    assertError(
        api.handle(get("/api/v4/users/me/sessions/revoke/all", bearer(user))),
        405,
        "api.context.405.app_error");
    assertError(api.handle(get("/api/v4/teams", bearer(user))), 404, "api.context.404.app_error");
    assertError(api.handle(get("/", Map.of())), 404, "api.context.404.app_error");
  }

  /**
   * A login or revoke body must say it is JSON (415): a cross-site form posts text/plain or a urlencoded body without
   * a preflight, and could otherwise log a visitor in to the attacker's account. A key given twice, or anything after
   * the object, is refused (400), not read as the last one or ignored.
   */
  @Test
  void requestBodiesAreStrictJson() {
    IssuedSession user = registry.create(userId);
    IssuedSession other = registry.create(userId);
    String login = "{\"login_id\":\"user\",\"password\":\"right password\"}";
    for (String type :
        List.of(
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonx",
            "")) {
      Map<String, List<String>> headers =
          type.isEmpty() ? Map.of() : Map.of("Content-Type", List.of(type));
      assertError(
          api.handle(
              new HttpRequest(
                  "POST", "/api/v4/users/login", headers, login.getBytes(StandardCharsets.UTF_8))),
          415,
          "api.context.unsupported_media_type.app_error");
      assertError(
          api.handle(
              new HttpRequest(
                  "POST",
                  "/api/v4/users/me/sessions/revoke",
                  with(bearer(user), "Content-Type", type),
                  ("{\"session_id\":\"" + other.session().id() + "\"}")
                      .getBytes(StandardCharsets.UTF_8))),
          415,
          "api.context.unsupported_media_type.app_error");
    }
    assertThat(registry.authenticate(other.token())).as("nothing revoked").isPresent();

    assertError(
        api.handle(
            post(
                "/api/v4/users/login",
                Map.of(),
                "{\"login_id\":\"user\",\"password\":\"wrong\",\"password\":\"right password\"}")),
        400,
        "api.context.invalid_body_param.app_error");
    assertError(
        api.handle(post("/api/v4/users/login", Map.of(), login + "{}")),
        400,
        "api.context.invalid_body_param.app_error");
    assertError(
        api.handle(post("/api/v4/users/login", Map.of(), login + " trailing")),
        400,
        "api.context.invalid_body_param.app_error");
    assertThat(
            api.handle(
                    post(
                        "/api/v4/users/login",
                        Map.of("Content-Type", List.of("Application/JSON; charset=UTF-8")),
                        login + "\n"))
                .status())
        .as("the type's case, a charset and trailing white space are fine")
        .isEqualTo(200);
  }

  @Test
  void aStoreThatIsDownIs503AndNeverValid() {
    SessionRegistry broken = SessionRegistry.builder().store(new UnreachableStore()).build();
    MattermostSessionApi failing =
        MattermostSessionApi.builder(broken, (l, p) -> Optional.empty()).build();
    HttpResponse r =
        failing.handle(
            get(
                "/api/v4/users/me/sessions",
                Map.of("Authorization", List.of("Bearer " + Ids.newId()))));

    assertError(r, 503, "api.context.session_store_unavailable.app_error");
    assertThat(r.bodyText()).doesNotContain("Exception").doesNotContain("at org.");
  }

  private static void assertError(HttpResponse r, int status, String id) {
    assertThat(r.status()).as(r.bodyText()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.bodyText())
        .contains("\"id\":\"" + id + "\"")
        .contains("\"status_code\":" + status)
        .doesNotContain("Exception");
  }

  private static Map<String, List<String>> bearer(IssuedSession s) {
    return Map.of(
        "Authorization",
        List.of("BEARER " + s.token()),
        "X-Requested-With",
        List.of("XMLHttpRequest"));
  }

  private static Map<String, List<String>> with(
      Map<String, List<String>> headers, String name, String value) {
    Map<String, List<String>> copy = new java.util.HashMap<>(headers);
    copy.put(name, List.of(value));
    return copy;
  }

  private static HttpRequest get(String path, Map<String, List<String>> headers) {
    return new HttpRequest("GET", path, headers, new byte[0]);
  }

  /** A POST; one with a body says it is JSON, as clients do, unless the headers say otherwise. */
  private static HttpRequest post(String path, Map<String, List<String>> headers, String body) {
    return new HttpRequest(
        "POST", path, json(headers, body), body.getBytes(StandardCharsets.UTF_8));
  }

  static Map<String, List<String>> json(Map<String, List<String>> headers, String body) {
    if (body.isEmpty()
        || headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Content-Type"))) {
      return headers;
    }
    Map<String, List<String>> copy = new java.util.HashMap<>(headers);
    copy.put("Content-Type", List.of("application/json"));
    return copy;
  }
}
