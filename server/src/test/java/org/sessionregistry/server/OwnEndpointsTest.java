package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's own endpoints under {@code /sr/v1/}, through real HTTP on the runnable server (in-memory store, a users
 * file with an admin and two users): every status each one answers, the agreed JSON shapes, AppErrors, sanitized
 * listings, and the Mattermost endpoints still where they were.
 */
class OwnEndpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path data;
  private static SessionServer server;
  private static Map<String, String> passwords;

  @BeforeAll
  static void start() throws Exception {
    passwords =
        UsersFile.createWithDemoUsers(
            data.resolve("users.json"),
            Map.of(
                "admin", "system_admin system_user",
                "dora", "system_user",
                "eve", "system_user"));
    server =
        SessionServer.start(
            ServerConfig.parse(
                List.of("--port", "0", "--store", "memory", "--data", data.toString()), Map.of()),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A login: its token, and its CSRF cookie's value. */
  record Login(String token, String csrf) {}

  private static Login login(String user) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(uri("/api/v4/users/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"login_id\":\""
                            + user
                            + "\",\"password\":\""
                            + passwords.get(user)
                            + "\"}"))
                .build(),
            BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String csrf =
        r.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("MMCSRF="))
            .map(c -> c.substring("MMCSRF=".length(), c.indexOf(';')))
            .findFirst()
            .orElseThrow();
    return new Login(r.headers().firstValue("Token").orElseThrow(), csrf);
  }

  private static URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  private static HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return HTTP.send(b.build(), BodyHandlers.ofString());
  }

  /** An AppError with this status, as every error of the server is. */
  private static void assertAppError(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status_code").asInt()).isEqualTo(status);
    assertThat(body.get("id").asText()).isNotEmpty();
    assertThat(body.get("request_id").asText())
        .isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
  }

  private static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    return JSON.readTree(r.body());
  }

  @Test
  void meShowsTheCallerAndWhetherItManagesTheSystem() throws Exception {
    Login admin = login("admin");
    JsonNode me = ok(get("/sr/v1/me", admin.token()));
    assertThat(me.get("user").get("username").asText()).isEqualTo("admin");
    assertThat(me.get("user").get("email").asText()).isEqualTo("admin@example.com");
    assertThat(me.get("user").get("roles").asText()).isEqualTo("system_admin system_user");
    assertThat(me.get("user").get("id").asText()).hasSize(26);
    assertThat(me.get("session_id").asText()).hasSize(26);
    assertThat(me.get("may_manage_system").asBoolean()).isTrue();

    JsonNode dora = ok(get("/sr/v1/me", login("dora").token()));
    assertThat(dora.get("user").get("username").asText()).isEqualTo("dora");
    assertThat(dora.get("may_manage_system").asBoolean()).isFalse();

    // By cookie, as a browser: a GET needs no CSRF proof.
    HttpResponse<String> byCookie =
        HTTP.send(
            HttpRequest.newBuilder(uri("/sr/v1/me"))
                .header("Cookie", "MMAUTHTOKEN=" + admin.token())
                .build(),
            BodyHandlers.ofString());
    assertThat(ok(byCookie).get("session_id").asText()).isEqualTo(me.get("session_id").asText());

    assertAppError(get("/sr/v1/me", null), 401);
    assertAppError(get("/sr/v1/me", "x".repeat(26)), 401);
    assertAppError(post("/sr/v1/me", Map.of("Authorization", "Bearer " + admin.token())), 405);
  }

  @Test
  void revokeOthersEndsEverySessionOfTheCallerButItsOwn() throws Exception {
    Login current = login("eve");
    Login other1 = login("eve");
    Login other2 = login("eve");
    Login dora = login("dora");

    assertAppError(post("/sr/v1/users/me/sessions/revoke/others", Map.of()), 401);
    // A cookie without its CSRF proof: refused as unauthenticated, and nothing ended.
    assertAppError(
        post(
            "/sr/v1/users/me/sessions/revoke/others",
            Map.of("Cookie", "MMAUTHTOKEN=" + current.token())),
        401);
    assertThat(get("/sr/v1/me", other1.token()).statusCode()).isEqualTo(200);

    JsonNode done =
        ok(
            post(
                "/sr/v1/users/me/sessions/revoke/others",
                Map.of(
                    "Cookie", "MMAUTHTOKEN=" + current.token(), "X-CSRF-Token", current.csrf())));
    assertThat(done.get("status").asText()).isEqualTo("OK");
    assertThat(get("/sr/v1/me", current.token()).statusCode()).isEqualTo(200);
    assertAppError(get("/sr/v1/me", other1.token()), 401);
    assertAppError(get("/sr/v1/me", other2.token()), 401);
    assertThat(get("/sr/v1/me", dora.token()).statusCode()).as("another user's").isEqualTo(200);

    Login again = login("eve");
    ok(
        post(
            "/sr/v1/users/me/sessions/revoke/others",
            Map.of("Authorization", "Bearer " + again.token())));
    assertAppError(get("/sr/v1/me", current.token()), 401);
    assertThat(get("/sr/v1/me", again.token()).statusCode()).isEqualTo(200);
    assertAppError(get("/sr/v1/users/me/sessions/revoke/others", again.token()), 405);
  }

  @Test
  void theAdminWalksEverySessionPageByPageSanitized() throws Exception {
    Login admin = login("admin");
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      tokens.add(login("dora").token());
    }
    Set<String> seen = new HashSet<>();
    List<Integer> sizes = new ArrayList<>();
    String cursor = "";
    int pages = 0;
    do {
      JsonNode page = ok(get("/sr/v1/sessions?per_page=3&cursor=" + cursor, admin.token()));
      for (JsonNode s : page.get("sessions")) {
        assertThat(seen.add(s.get("id").asText())).as("each session once").isTrue();
        assertThat(s.get("token").asText()).isEmpty();
        assertThat(s.get("props").has("csrf")).isFalse();
        assertThat(s.size()).as("Mattermost's 13 keys").isEqualTo(13);
      }
      sizes.add(page.get("sessions").size());
      cursor = page.get("next_cursor").asText();
      pages++;
    } while (!cursor.isEmpty() && pages < 100);
    assertThat(sizes).allMatch(n -> n <= 3);
    assertThat(seen.size()).isGreaterThanOrEqualTo(8); // dora's 7 and the admin's own, at least
    for (String body : List.of(get("/sr/v1/sessions", admin.token()).body())) {
      tokens.forEach(t -> assertThat(body).doesNotContain(t));
      assertThat(body).doesNotContain(admin.csrf());
    }
    assertThat(ok(get("/sr/v1/sessions", admin.token())).get("sessions").size())
        .as("the default page, 60, holds them all")
        .isEqualTo(seen.size());

    for (String bad :
        List.of(
            "per_page=0",
            "per_page=201",
            "per_page=abc",
            "per_page=",
            "per_page=-1",
            "cursor=not-a-cursor",
            "cursor=%00")) {
      assertAppError(get("/sr/v1/sessions?" + bad, admin.token()), 400);
    }
    assertAppError(get("/sr/v1/sessions", null), 401);
    assertAppError(get("/sr/v1/sessions", login("dora").token()), 403);
  }

  @Test
  void theAdminCountsSessions() throws Exception {
    Login admin = login("admin");
    long before = System.currentTimeMillis();
    JsonNode count = ok(get("/sr/v1/sessions/count", admin.token()));
    assertThat(count.get("count").asLong()).isPositive();
    assertThat(count.get("exact").asBoolean()).as("in memory").isTrue();
    assertThat(count.get("counted_at").asLong()).isGreaterThanOrEqualTo(before);
    long n = count.get("count").asLong();
    login("dora");
    assertThat(ok(get("/sr/v1/sessions/count", admin.token())).get("count").asLong())
        .isGreaterThanOrEqualTo(n + 1);
    assertAppError(get("/sr/v1/sessions/count", null), 401);
    assertAppError(get("/sr/v1/sessions/count", login("eve").token()), 403);
  }

  @Test
  void theAdminFindsAUsersSessionsByUsernameOrEmail() throws Exception {
    Login admin = login("admin");
    Login dora = login("dora");
    JsonNode byName = ok(get("/sr/v1/users/sessions?login_id=dora", admin.token()));
    assertThat(byName.get("user").get("username").asText()).isEqualTo("dora");
    assertThat(byName.get("user").get("email").asText()).isEqualTo("dora@example.com");
    assertThat(byName.get("user").size()).isEqualTo(3);
    assertThat(byName.get("sessions").size()).isPositive();
    for (JsonNode s : byName.get("sessions")) {
      assertThat(s.get("user_id").asText()).isEqualTo(byName.get("user").get("id").asText());
      assertThat(s.get("token").asText()).isEmpty();
      assertThat(s.get("props").has("csrf")).isFalse();
    }
    assertThat(byName.toString()).doesNotContain(dora.token()).doesNotContain(dora.csrf());
    JsonNode byEmail = ok(get("/sr/v1/users/sessions?login_id=DORA%40example.com", admin.token()));
    assertThat(byEmail.get("user").get("id")).isEqualTo(byName.get("user").get("id"));

    assertAppError(get("/sr/v1/users/sessions?login_id=nobody", admin.token()), 404);
    assertAppError(get("/sr/v1/users/sessions", admin.token()), 400);
    assertAppError(get("/sr/v1/users/sessions?login_id=", admin.token()), 400);
    assertAppError(get("/sr/v1/users/sessions?login_id=dora", null), 401);
    assertAppError(get("/sr/v1/users/sessions?login_id=dora", dora.token()), 403);
  }

  @Test
  void unknownPathsAre404AppErrorsAndMattermostsEndpointsStay() throws Exception {
    String token = login("admin").token();
    for (String path : List.of("/sr/v1/", "/sr/v1/nope", "/sr/v2/me", "/nope", "/api/v4/nope")) {
      assertAppError(get(path, token), 404);
    }
    assertThat(get("/api/v4/users/me/sessions", token).statusCode()).isEqualTo(200);
    assertThat(get("/api/v4/system/ping", null).statusCode()).isEqualTo(200);
  }
}
