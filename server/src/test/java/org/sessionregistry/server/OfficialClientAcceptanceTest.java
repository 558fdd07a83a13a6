package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The server, started as the README starts it, driven by Mattermost's official JavaScript client ({@code
 * @mattermost/client}, installed by the build from package-lock.json) on Node 20 through Mattermost's own acceptance
 * cases (G1-G7, R1-R8), revokeSession and logout: on the H2 file store and on the machine's Redis, each also with
 * its front cache (JDBC polling, Redis pub/sub).
 */
class OfficialClientAcceptanceTest {

  @ParameterizedTest
  @ValueSource(strings = {"h2", "redis", "h2 --cache jdbc --cache-poll 100ms", "redis --cache redis"})
  void mattermostsClientPassesMattermostsAcceptanceCases(String setup, @TempDir Path data) throws Exception {
    String store = setup.split(" ")[0];
    List<String> args = new ArrayList<>(List.of("--port", "0", "--data", data.toString(), "--store"));
    args.addAll(List.of(setup.split(" ")));
    String namespace = "sr-e2e-" + UUID.randomUUID();
    String redisHost = env("SR_REDIS_HOST", "127.0.0.1");
    int redisPort = Integer.parseInt(env("SR_REDIS_PORT", "6379"));
    if (store.equals("redis")) {
      args.addAll(List.of("--redis", redisHost + ":" + redisPort, "--redis-namespace", namespace));
    }
    ByteArrayOutputStream startup = new ByteArrayOutputStream();
    Map<String, String> passwords = UsersFile.createWithDemoUsers(data.resolve("users.json"),
        Map.of("admin", "system_admin system_user", "user1", "system_user", "user2", "system_user"));
    try (SessionServer server = SessionServer.start(ServerConfig.parse(args, Map.of()),
        new PrintStream(startup, true, StandardCharsets.UTF_8))) {
      Path script = Path.of(getClass().getResource("/e2e/acceptance.js").toURI());
      ProcessBuilder node = new ProcessBuilder(env("SR_NODE", "node"), script.getFileName().toString())
          .directory(script.getParent().toFile())
          .redirectErrorStream(true);
      node.environment().put("SR_URL", "http://127.0.0.1:" + server.port());
      node.environment().put("SR_ADMIN", "admin:" + passwords.get("admin"));
      node.environment().put("SR_USER", "user1:" + passwords.get("user1"));
      node.environment().put("SR_USER2", "user2:" + passwords.get("user2"));
      Process p = node.start();
      boolean finished = p.waitFor(120, TimeUnit.SECONDS);
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!finished) {
        p.destroyForcibly();
      }
      System.out.println("[" + setup + "] official client:\n" + output);
      assertThat(finished).as("node finished within 120s").isTrue();
      assertThat(output).contains("ok - R8").doesNotContain("not ok").contains(" passed, 0 failed");
      assertThat(p.exitValue()).isZero();
    } finally {
      if (store.equals("redis")) {
        deleteNamespace(redisHost, redisPort, namespace);
      }
    }
  }

  private static void deleteNamespace(String host, int port, String namespace) {
    try (Jedis redis = new Jedis(host, port)) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = redis.scan(cursor, new ScanParams().match(namespace + ":*").count(1000));
        page.getResult().forEach(redis::unlink);
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
