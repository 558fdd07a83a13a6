package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' {@code sessions} commands against real stores, beside a running server with a front cache whose
 * staleness (10 minutes) only its channel can cut short: {@code sessions revoke} and {@code revoke-everyone} make the
 * running node refuse the revoked tokens within seconds, through the cache invalidation channel, as {@code user delete}
 * does. PostgreSQL (a schema of its own, so that revoking everyone touches no one else's sessions) with the JDBC
 * channel, and Redis (a namespace of its own) with the Redis channel.
 */
class SessionsCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void onPostgreSqlWithTheJdbcChannel(@TempDir Path data) throws Exception {
    String schema = "sr_cli_" + UUID.randomUUID().toString().replace("-", "");
    String base = "jdbc:postgresql://127.0.0.1:5432/test";
    try (Connection c = DriverManager.getConnection(base, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    try {
      exercise(
          data,
          List.of(
              "--store",
              "postgresql",
              "--jdbc-url",
              base + "?currentSchema=" + schema,
              "--jdbc-user",
              "postgres",
              "--cache",
              "jdbc",
              "--cache-poll",
              "100ms",
              "--cache-staleness",
              "10m",
              "--data",
              data.toString()),
          true);
    } finally {
      try (Connection c = DriverManager.getConnection(base, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  @Test
  void onRedisWithTheRedisChannel(@TempDir Path data) throws Exception {
    String namespace = "sr-cli-" + UUID.randomUUID();
    try {
      exercise(
          data,
          List.of(
              "--store",
              "redis",
              "--redis",
              "127.0.0.1:6379",
              "--redis-namespace",
              namespace,
              "--cache",
              "redis",
              "--cache-staleness",
              "10m",
              "--data",
              data.toString()),
          false);
    } finally {
      try (var jedis = new redis.clients.jedis.Jedis("127.0.0.1", 6379)) {
        for (String key : jedis.keys(namespace + "*")) {
          jedis.unlink(key);
        }
      }
    }
  }

  @Test
  void refusesWhatItCannotDo(@TempDir Path data) {
    UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("dora", "system_user"));
    List<String> memory = List.of("--store", "memory", "--data", data.toString());
    assertThat(fails(concat(List.of("sessions", "count"), memory))).contains("in-memory store");
    assertThat(fails(List.of("sessions", "nope"))).contains("usage: sessions");
    assertThat(fails(List.of("sessions", "list"))).contains("needs a user");
    assertThat(fails(List.of("sessions", "revoke-everyone", "--data", data.toString())))
        .contains("--yes");
    assertThat(
            fails(
                List.of(
                    "sessions",
                    "list",
                    "nobody",
                    "--store",
                    "redis",
                    "--redis",
                    "127.0.0.1:6379",
                    "--data",
                    data.toString())))
        .contains("no user \"nobody\"");
  }

  private void exercise(Path data, List<String> flags, boolean exactCount) throws Exception {
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(
            data.resolve("users.json"), Map.of("dora", "system_user", "eve", "system_user"));
    List<String> serve = new ArrayList<>(List.of("--port", "0"));
    serve.addAll(flags);
    try (SessionServer server = SessionServer.start(ServerConfig.parse(serve, Map.of()), quiet())) {
      int port = server.port();
      String dora1 = login(port, "dora", passwords.get("dora"));
      String dora2 = login(port, "dora", passwords.get("dora"));
      String eve = login(port, "eve", passwords.get("eve"));
      for (String token : List.of(dora1, dora2, eve)) {
        assertThat(status(port, token)).isEqualTo(200); // in the running node's front cache now
      }

      JsonNode listed =
          JSON.readTree(cli(concat(List.of("sessions", "list", "dora", "--json"), flags)));
      assertThat(listed.get("user").get("username").asText()).isEqualTo("dora");
      assertThat(listed.get("sessions")).hasSize(2);
      for (JsonNode s : listed.get("sessions")) {
        assertThat(s.get("token").asText()).isEmpty();
        assertThat(s.get("props").has("csrf")).isFalse();
      }
      assertThat(listed.toString()).doesNotContain(dora1).doesNotContain(dora2);
      String id = listed.get("user").get("id").asText();
      String table = cli(concat(List.of("sessions", "list", "dora@example.com"), flags));
      assertThat(table)
          .startsWith("SESSION")
          .contains(listed.get("sessions").get(0).get("id").asText())
          .contains(listed.get("sessions").get(1).get("id").asText())
          .contains("2 session(s) of dora");
      assertThat(cli(concat(List.of("sessions", "list", id), flags))).contains("2 session(s)");

      JsonNode count = JSON.readTree(cli(concat(List.of("sessions", "count", "--json"), flags)));
      assertThat(count.get("count").asLong()).isEqualTo(3);
      assertThat(count.get("exact").asBoolean()).isEqualTo(exactCount);
      assertThat(cli(concat(List.of("sessions", "count"), flags))).startsWith("3 session(s)");

      JsonNode revoked =
          JSON.readTree(cli(concat(List.of("sessions", "revoke", "dora", "--json"), flags)));
      assertThat(revoked.get("revoked").asInt()).isEqualTo(2);
      assertThat(revoked.get("user_id").asText()).isEqualTo(id);
      awaitRefused(port, dora1);
      awaitRefused(port, dora2);
      assertThat(status(port, eve)).as("another user's session lives on").isEqualTo(200);

      assertThat(cli(concat(List.of("sessions", "revoke-everyone", "--yes"), flags)))
          .contains("every session of every user revoked");
      awaitRefused(port, eve);
    }
  }

  /** Refused by the running node within 10 s: its cache would have trusted the session for 10 minutes. */
  private void awaitRefused(int port, String token) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (status(port, token) != 401) {
      assertThat(System.nanoTime())
          .as("refused within 10 s, through the channel")
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private String login(int port, String user, String password) throws Exception {
    var r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v4/users/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"login_id\":\"" + user + "\",\"password\":\"" + password + "\"}"))
                .build(),
            BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.headers().firstValue("Token").orElseThrow();
  }

  private int status(int port, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sr/v1/me"))
                .header("Authorization", "Bearer " + token)
                .build(),
            BodyHandlers.ofString())
        .statusCode();
  }

  private static String cli(List<String> args) {
    return SessionsFollowTheirUserTest.cli("", args);
  }

  /** The error a failing command prints; its status is 2. */
  private static String fails(List<String> args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            args,
            Map.of(),
            new ByteArrayInputStream(new byte[0]),
            quiet(),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    return err.toString(StandardCharsets.UTF_8);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return SessionsFollowTheirUserTest.concat(a, b);
  }

  private static PrintStream quiet() {
    return SessionsFollowTheirUserTest.quiet();
  }
}
