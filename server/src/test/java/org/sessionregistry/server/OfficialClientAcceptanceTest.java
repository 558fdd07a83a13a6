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
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sessionregistry.servlet.MattermostSessionServlet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Mattermost's official JavaScript client ({@code @mattermost/client}, installed by the build from package-lock.json)
 * on Node 20, through Mattermost's own acceptance cases (G1-G7, R1-R8), revokeSession and logout, on every store and
 * front cache the server offers but a Redis Cluster (the Redis store's own tests run the contract on one): through the
 * runnable server (Jetty), and through the servlet alone in a second container (Tomcat), wired there as an application
 * would wire it.
 */
class OfficialClientAcceptanceTest {
  private static final String REDIS_HOST = env("SR_REDIS_HOST", "127.0.0.1");
  private static final int REDIS_PORT = Integer.parseInt(env("SR_REDIS_PORT", "6379"));
  private static final String POSTGRES =
      "--jdbc-url "
          + env("SR_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test")
          + " --jdbc-user "
          + env("SR_POSTGRES_USER", "postgres");
  private static final String MARIADB =
      "--jdbc-url "
          + env("SR_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test")
          + " --jdbc-user "
          + env("SR_MARIADB_USER", "root");
  private static final List<String> SETUPS =
      List.of(
          "memory",
          "memory --cache local",
          "h2",
          "h2 --cache local",
          "h2 --cache jdbc --cache-poll 100ms",
          "postgresql " + POSTGRES,
          "postgresql " + POSTGRES + " --cache jdbc --cache-poll 100ms",
          "mariadb " + MARIADB,
          "mariadb " + MARIADB + " --cache jdbc --cache-poll 100ms",
          "redis",
          "redis --cache redis");

  static Stream<Arguments> setups() {
    return Stream.of("jetty", "tomcat")
        .flatMap(container -> SETUPS.stream().map(s -> Arguments.of(container, s)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("setups")
  void mattermostsClientPassesMattermostsAcceptanceCases(
      String container, String setup, @TempDir Path data) throws Exception {
    String store = setup.split(" ")[0];
    List<String> args =
        new ArrayList<>(List.of("--port", "0", "--data", data.toString(), "--store"));
    args.addAll(List.of(setup.split(" ")));
    String namespace = "sr-e2e-" + UUID.randomUUID();
    if (store.equals("redis")) {
      args.addAll(
          List.of("--redis", REDIS_HOST + ":" + REDIS_PORT, "--redis-namespace", namespace));
    }
    Map<String, String> env =
        Map.of(
            "SR_JDBC_PASSWORD",
            env(store.equals("mariadb") ? "SR_MARIADB_PASSWORD" : "SR_POSTGRES_PASSWORD", ""));
    ServerConfig config = ServerConfig.parse(args, env);
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(
            data.resolve("users.json"),
            Map.of(
                "admin",
                "system_admin system_user",
                "user1",
                "system_user",
                "user2",
                "system_user"));
    try {
      if (container.equals("jetty")) {
        try (SessionServer server =
            SessionServer.start(
                config,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
          runOfficialClient(setup, server.port(), passwords);
        }
      } else {
        try (SessionServer.Backend backend =
            SessionServer.Backend.open(config, UsersFile.open(config.usersFile))) {
          Tomcat tomcat =
              tomcatServing(new MattermostSessionServlet(backend.api), data.resolve("tomcat"));
          try {
            runOfficialClient(setup, tomcat.getConnector().getLocalPort(), passwords);
          } finally {
            tomcat.stop();
            tomcat.destroy();
          }
        }
      }
    } finally {
      if (store.equals("redis")) {
        deleteNamespace(namespace);
      }
    }
  }

  /** The wiring of the README's "Any servlet container": the servlet at /*, nothing else. */
  private static Tomcat tomcatServing(MattermostSessionServlet servlet, Path baseDir)
      throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    tomcat.setHostname("127.0.0.1");
    tomcat.getConnector().setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "sessions", servlet);
    context.addServletMapping("/api/v4/*", "sessions");
    tomcat.start();
    return tomcat;
  }

  private static void runOfficialClient(String setup, int port, Map<String, String> passwords)
      throws Exception {
    String output =
        runScript(
            "acceptance.js",
            setup,
            Map.of(
                "SR_URL",
                "http://127.0.0.1:" + port,
                "SR_ADMIN",
                "admin:" + passwords.get("admin"),
                "SR_USER",
                "user1:" + passwords.get("user1"),
                "SR_USER2",
                "user2:" + passwords.get("user2")));
    assertThat(output)
        .contains("ok - R8")
        .contains("ok - revokeSessionsForAllUsers: an admin ends every session");
  }

  /**
   * Runs an e2e script (under resources/e2e, beside the official client the build installed) on Node, with this
   * environment; asserts it finished within 120 s and every case passed, and returns what it printed.
   */
  static String runScript(String name, String setup, Map<String, String> environment)
      throws Exception {
    Path script = Path.of(OfficialClientAcceptanceTest.class.getResource("/e2e/" + name).toURI());
    ProcessBuilder node =
        new ProcessBuilder(env("SR_NODE", "node"), script.getFileName().toString())
            .directory(script.getParent().toFile())
            .redirectErrorStream(true);
    node.environment().putAll(environment);
    Process p = node.start();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!finished) {
      p.destroyForcibly();
    }
    System.out.println("[" + setup + "] " + name + " through the official client:\n" + output);
    assertThat(finished).as("node finished within 120s").isTrue();
    assertThat(output).doesNotContain("not ok").contains(" passed, 0 failed");
    assertThat(p.exitValue()).isZero();
    return output;
  }

  /** Unlinks every key of a test's namespace on the loopback Redis. */
  static void deleteNamespace(String namespace) {
    try (Jedis redis = new Jedis(REDIS_HOST, REDIS_PORT)) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page =
            redis.scan(cursor, new ScanParams().match(namespace + ":*").count(1000));
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
