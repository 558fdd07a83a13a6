package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics port: Prometheus text and the health answer, off unless asked for; and Mattermost's ping on the API's
 * port, healthy and not, with a store (a Redis of the test's own) that stops and starts again.
 */
class MetricsPortTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void metricsAndHealthOnTheirOwnPort(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("erin", "system_user"));
    try (SessionServer off =
        SessionServer.start(
            ServerConfig.parse(
                List.of(
                    "--port", "0", "--data", dir.resolve("off").toString(), "--store", "memory"),
                Map.of()),
            quiet())) {
      assertThat(off.metricsPort()).as("off unless given").isEqualTo(-1);
    }
    try (SessionServer server = withMetrics(data, "--store", "memory")) {
      HttpResponse<String> login = login(server, passwords.get("erin"));
      assertThat(login.statusCode()).isEqualTo(200);

      HttpResponse<String> metrics = get(server.metricsPort(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/plain");
      assertThat(metrics.body())
          .contains(
              "sessionregistry_operations_seconds_count{operation=\"create\",outcome=\"ok\",store=\"memory\"} 1");
      HttpResponse<String> health = get(server.metricsPort(), "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("UP");
      assertThat(JSON.readTree(health.body()).path("store").path("status").asText())
          .isEqualTo("UP");
      assertThat(get(server.metricsPort(), "/elsewhere").statusCode()).isEqualTo(404);

      HttpResponse<String> ping = get(server.port(), "/api/v4/system/ping?time=1");
      assertThat(ping.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(ping.body()).path("status").asText()).isEqualTo("OK");

      for (int i = 0; i < 3; i++) {
        assertThat(get(server.metricsPort(), "/health").statusCode()).isEqualTo(200);
        assertThat(get(server.port(), "/api/v4/system/ping?get_server_status=true").statusCode())
            .isEqualTo(200);
      }
      String after = get(server.metricsPort(), "/metrics").body();
      assertThat(after)
          .as("health checks and status pings probe the store: no list operation")
          .doesNotContain("operation=\"list\"")
          .contains(
              "sessionregistry_operations_seconds_count{operation=\"create\",outcome=\"ok\",store=\"memory\"} 1")
          // Counted when the server started, before the login: shown as counted for 15 s.
          .contains("sessionregistry_sessions_live{store=\"memory\"} 0")
          .doesNotContain("sessionregistry_pool_");
    }
  }

  /** On PostgreSQL: HikariCP's own pool meters, the live count by one query, and probes that list nothing. */
  @Test
  void onPostgreSqlThePoolAndTheLiveCountAreMetered(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("erin", "system_user"));
    try (SessionServer server =
        withMetrics(
            data,
            "--store",
            "postgresql",
            "--jdbc-url",
            System.getenv()
                .getOrDefault("SR_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
            "--jdbc-user",
            System.getenv().getOrDefault("SR_POSTGRES_USER", "postgres"))) {
      assertThat(login(server, passwords.get("erin")).statusCode()).isEqualTo(200);
      assertThat(get(server.metricsPort(), "/health").statusCode()).isEqualTo(200);
      assertThat(get(server.port(), "/api/v4/system/ping?get_server_status=true").statusCode())
          .isEqualTo(200);
      String metrics = get(server.metricsPort(), "/metrics").body();
      assertThat(metrics)
          .contains("hikaricp_connections_max{pool=\"session-registry\"} 10")
          .contains("hikaricp_connections_acquire_seconds_count{pool=\"session-registry\"}")
          .contains("hikaricp_connections_pending{pool=\"session-registry\"} 0")
          .containsPattern("sessionregistry_sessions_live\\{store=\"postgresql\"} \\d")
          .doesNotContain("operation=\"list\"");
    }
  }

  /** The store's Redis stops: the status ping and the health say so; it starts again, and they recover. */
  @Test
  void aStoppedStoreMakesThePingUnhealthyThenOkAgain(@TempDir Path dir) throws Exception {
    int redisPort = freePort();
    List<Process> redis = new ArrayList<>(List.of(redis(redisPort, dir)));
    try (SessionServer server =
        withMetrics(
            dir.resolve("data"),
            "--store",
            "redis",
            "--redis",
            "127.0.0.1:" + redisPort,
            "--redis-timeout",
            "1s",
            "--cache",
            "redis")) {
      awaitHealth(server, h -> h.path("status").asText().equals("UP"));
      assertThat(get(server.port(), "/api/v4/system/ping?get_server_status=true").statusCode())
          .isEqualTo(200);

      redis.get(0).destroy();
      redis.get(0).waitFor();
      HttpResponse<String> unhealthy =
          get(server.port(), "/api/v4/system/ping?get_server_status=true");
      assertThat(unhealthy.statusCode()).isEqualTo(500);
      JsonNode body = JSON.readTree(unhealthy.body());
      assertThat(body.path("status").asText()).isEqualTo("UNHEALTHY");
      assertThat(body.path("database_status").asText()).isEqualTo("UNHEALTHY");
      assertThat(get(server.port(), "/api/v4/system/ping").statusCode())
          .as("a plain ping reads nothing")
          .isEqualTo(200);
      JsonNode down =
          awaitHealth(server, h -> h.path("channel").path("status").asText().equals("DOWN"));
      assertThat(down.path("status").asText()).isEqualTo("DOWN");
      assertThat(down.path("store").path("status").asText()).isEqualTo("DOWN");
      assertThat(down.path("store").path("since").asText()).isNotEmpty();

      redis.set(0, redis(redisPort, dir));
      awaitHealth(server, h -> h.path("status").asText().equals("UP"));
      assertThat(get(server.port(), "/api/v4/system/ping?get_server_status=true").statusCode())
          .isEqualTo(200);
      String metrics = get(server.metricsPort(), "/metrics").body();
      assertThat(metrics)
          .as("probes are no list operations; Redis has a pool, and no live count")
          .doesNotContain("operation=\"list\"")
          .contains("sessionregistry_pool_connections{state=\"active\",store=\"redis_cached\"}")
          .contains("sessionregistry_pool_waiters{store=\"redis_cached\"} 0")
          .doesNotContain("sessionregistry_sessions_live");
    } finally {
      redis.get(0).destroy();
      redis.get(0).waitFor();
    }
  }

  private JsonNode awaitHealth(SessionServer server, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      HttpResponse<String> health = get(server.metricsPort(), "/health");
      JsonNode node = JSON.readTree(health.body());
      if (until.test(node)) {
        assertThat(health.statusCode())
            .isEqualTo(node.path("status").asText().equals("UP") ? 200 : 503);
        return node;
      }
      assertThat(System.nanoTime()).as("health: " + node).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        BodyHandlers.ofString());
  }

  private HttpResponse<String> login(SessionServer server, String password) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/v4/users/login"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"login_id\":\"erin\",\"password\":\"" + password + "\"}"))
            .build(),
        BodyHandlers.ofString());
  }

  /** A redis-server of the test's own, as RedisTlsServerTest starts one, listening before it returns. */
  static Process redis(int port, Path dir) throws Exception {
    String binary = System.getenv().getOrDefault("SR_REDIS_SERVER", "redis-server");
    Process p =
        new ProcessBuilder(
                binary,
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
        return p;
      } catch (java.io.IOException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the test's redis-server did not start: "
                  + Files.readString(dir.resolve("redis.log")));
        }
        Thread.sleep(50);
      }
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A server on free ports, its metrics port on, its data in {@code data}, with the store {@code args} name. */
  private static SessionServer withMetrics(Path data, String... args) throws Exception {
    List<String> all =
        new ArrayList<>(List.of("--port", "0", "--data", data.toString(), "--metrics-port", "0"));
    all.addAll(List.of(args));
    return SessionServer.start(ServerConfig.parse(all, Map.of()), quiet());
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
