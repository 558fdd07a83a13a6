package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the running server, end to end: a new password set with {@code user set} and a {@code user delete} end the
 * user's live sessions at once (401 on the next request), and a login beyond the sessions a user may have ends the
 * least recently active one, or is refused.
 */
class SessionsFollowTheirUserTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aNewPasswordEndsTheUsersSessionsAndADeletionEndsThemAll(@TempDir Path data)
      throws Exception {
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(
            data.resolve("users.json"), Map.of("alice", "system_user", "bob", "system_user"));
    String redis = env("SR_REDIS_HOST", "127.0.0.1") + ":" + env("SR_REDIS_PORT", "6379");
    String namespace = "sr-users-" + UUID.randomUUID();
    List<String> flags =
        List.of(
            "--store",
            "redis",
            "--redis",
            redis,
            "--redis-namespace",
            namespace,
            "--cache",
            "redis",
            "--data",
            data.toString());
    List<String> serve = new ArrayList<>(List.of("--port", "0"));
    serve.addAll(flags);
    try (SessionServer server = SessionServer.start(ServerConfig.parse(serve, Map.of()), quiet())) {
      int port = server.port();
      String alice = login(port, "alice", passwords.get("alice"));
      String bob = login(port, "bob", passwords.get("bob"));
      assertThat(sessions(port, alice)).isEqualTo(200);

      assertThat(cli("n3w-password\n", concat(List.of("user", "set", "alice"), flags)))
          .contains("a new password")
          .contains("its sessions in the store");
      assertThat(sessions(port, alice)).as("right after the new password").isEqualTo(401);
      assertThat(sessions(port, login(port, "alice", "n3w-password")))
          .as("a login with it")
          .isEqualTo(200);

      assertThat(
              cli(
                  passwords.get("bob") + "\n",
                  concat(List.of("user", "set", "bob", "--roles", "system_user"), flags)))
          .doesNotContain("a new password");
      assertThat(sessions(port, bob))
          .as("the same password again: the session lives on")
          .isEqualTo(200);

      assertThat(cli("", concat(List.of("user", "delete", "bob"), flags))).contains("deleted");
      assertThat(sessions(port, bob)).as("right after the deletion").isEqualTo(401);
      assertThat(loginStatus(port, "bob", passwords.get("bob"))).isEqualTo(401);
    } finally {
      try (var jedis =
          new redis.clients.jedis.Jedis(
              redis.split(":")[0], Integer.parseInt(redis.split(":")[1]))) {
        for (String key : jedis.keys(namespace + ":*")) {
          jedis.unlink(key);
        }
      }
    }
  }

  @Test
  void aLoginBeyondTheLimitEndsTheLeastRecentlyActiveOrIsRefused(@TempDir Path data)
      throws Exception {
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("carol", "system_user"));
    try (SessionServer server =
        SessionServer.start(
            ServerConfig.parse(
                List.of(
                    "--port",
                    "0",
                    "--store",
                    "memory",
                    "--data",
                    data.toString(),
                    "--max-sessions-per-user",
                    "2"),
                Map.of()),
            quiet())) {
      int port = server.port();
      String first = login(port, "carol", passwords.get("carol"));
      Thread.sleep(2);
      String second = login(port, "carol", passwords.get("carol"));
      Thread.sleep(2);
      String third = login(port, "carol", passwords.get("carol"));
      assertThat(sessions(port, first)).as("the least recently active, ended").isEqualTo(401);
      assertThat(sessions(port, second)).isEqualTo(200);
      assertThat(sessions(port, third)).isEqualTo(200);
    }
    try (SessionServer server =
        SessionServer.start(
            ServerConfig.parse(
                List.of(
                    "--port",
                    "0",
                    "--store",
                    "memory",
                    "--data",
                    data.toString(),
                    "--max-sessions-per-user",
                    "1",
                    "--session-limit-policy",
                    "refuse"),
                Map.of()),
            quiet())) {
      int port = server.port();
      String only = login(port, "carol", passwords.get("carol"));
      assertThat(loginStatus(port, "carol", passwords.get("carol"))).as("refused").isEqualTo(403);
      assertThat(sessions(port, only)).isEqualTo(200);
    }
  }

  private String login(int port, String user, String password) throws Exception {
    var r = http.send(loginRequest(port, user, password), BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.headers().firstValue("Token").orElseThrow();
  }

  private int loginStatus(int port, String user, String password) throws Exception {
    return http.send(loginRequest(port, user, password), BodyHandlers.ofString()).statusCode();
  }

  private static HttpRequest loginRequest(int port, String user, String password) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v4/users/login"))
        .header("Content-Type", "application/json")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"login_id\":\"" + user + "\",\"password\":\"" + password + "\"}"))
        .build();
  }

  private int sessions(int port, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v4/users/me/sessions"))
                .header("Authorization", "Bearer " + token)
                .build(),
            BodyHandlers.ofString())
        .statusCode();
  }

  /** Runs the command line as an operator would, in this JVM; its standard output. */
  static String cli(String stdin, List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            args,
            Map.of(),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString()).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
