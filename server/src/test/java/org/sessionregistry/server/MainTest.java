package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: provisioning users from standard input, and clear errors for what an operator gets wrong. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String stdin, Map<String, String> env, String... args) {
    return Main.run(
        List.of(args),
        env,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void userSetReadsThePasswordFromStandardInputAndKeepsItOffTheCommandLine(@TempDir Path dir) {
    Path users = dir.resolve("users.json");

    assertThat(
            run(
                "s3cret-password\n",
                Map.of(),
                "user",
                "set",
                "alice",
                "--roles",
                "system_user",
                "--users",
                users.toString()))
        .isZero();
    assertThat(out.toString()).contains("user alice saved in " + users);
    UsersFile file = UsersFile.open(users);
    assertThat(file.verify("alice", "s3cret-password")).isPresent();
    assertThat(file.verify("ALICE", "s3cret-password")).as("logins match in any case").isPresent();
    assertThat(file.verify("alice", "wrong")).isEmpty();
    String id = file.verify("alice", "s3cret-password").orElseThrow().id();

    assertThat(
            run(
                "an0ther-password\n",
                Map.of(),
                "user",
                "set",
                "alice",
                "--roles",
                "system_admin system_user",
                "--users",
                users.toString()))
        .isZero();
    assertThat(file.verify("alice", "an0ther-password"))
        .as("the running server's file sees the change")
        .hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(id));
    assertThat(file.rolesOf(id)).containsExactlyInAnyOrder("system_admin", "system_user");
    assertThat(new String(readAll(users)))
        .doesNotContain("an0ther-password")
        .contains("pbkdf2-sha256$210000$");

    out.reset();
    assertThat(run("", Map.of("SR_USERS_FILE", users.toString()), "user", "list")).isZero();
    assertThat(out.toString())
        .contains("alice")
        .contains("system_admin system_user")
        .doesNotContain("pbkdf2");
  }

  @Test
  void badInputIsRefusedWithAMessageNamingIt(@TempDir Path dir) {
    assertThat(run("", Map.of(), "--bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown flag --bogus; see --help");
    assertThat(run("", Map.of(), "--port", "99999")).isEqualTo(2);
    assertThat(err.toString()).contains("--port must be 0 to 65535, was \"99999\"");
    assertThat(run("", Map.of(), "--store", "oracle")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--store must be one of h2, memory, postgresql, mariadb, redis");
    assertThat(run("", Map.of(), "--idle-timeout", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("--idle-timeout must be a positive duration");
    assertThat(run("", Map.of(), "user", "set", "bob", "--users", dir.resolve("u.json").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("reads the password from standard input; none was given");
    assertThat(
            run(
                "short\n",
                Map.of(),
                "user",
                "set",
                "bob",
                "--users",
                dir.resolve("u.json").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("password must be at least 8 characters");
    assertThat(run("", Map.of(), "--store", "memory", "--cache", "jdbc")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--cache jdbc needs a SQL store (h2, postgresql, mariadb), not --store memory");
    assertThat(run("", Map.of(), "--store", "redis", "--redis", "localhost")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--redis must be host:port (a comma-separated list of them for redis-cluster),"
                + " was \"localhost\"");
    assertThat(run("", Map.of(), "--cache", "maybe")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--cache must be one of none, local, redis, jdbc; was \"maybe\"");
    assertThat(run("", Map.of(), "--http-max-requests", "0")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--http-max-requests must be a number from 1 to 10000, was \"0\"");
    assertThat(run("", Map.of(), "--http-header-timeout", "never")).isEqualTo(2);
    assertThat(err.toString()).contains("--http-header-timeout must be a positive duration");
    assertThat(run("", Map.of(), "--http-h2c", "yes")).isEqualTo(2);
    assertThat(err.toString()).contains("--http-h2c must be true or false, was \"yes\"");
    assertThat(run("", Map.of(), "--redis-wait-replicas", "1", "--redis-wait-timeout", "2s"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--redis-wait-timeout (2s) must be shorter than --redis-timeout (2s)");
    assertThat(run("", Map.of(), "--redis-wait-replicas", "101")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--redis-wait-replicas must be a number from 0 to 100, was \"101\"");
    assertThat(run("", Map.of(), "--max-session-lifetime", "7d")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--max-session-lifetime (7d) must not be shorter than --session-lifetime (30d)");
    assertThat(run("", Map.of(), "--extend-sessions-with-activity", "sometimes")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--extend-sessions-with-activity must be true or false, was \"sometimes\"");
    assertThat(run("", Map.of(), "--trusted-proxies", "10.0.0.1/8")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--trusted-proxies must be none or comma-separated CIDRs such as"
                + " 10.0.0.0/8,2001:db8::/32, was \"10.0.0.1/8\": cidrs: \"10.0.0.1/8\" has bits set past its /8 prefix;"
                + " write its network's first address (10.0.0.0/8)");
    assertThat(run("", Map.of("SR_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal"))).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--trusted-proxies must be none or comma-separated CIDRs such as"
                + " 10.0.0.0/8,2001:db8::/32, was \"10.0.0.0/8,proxy.internal\": cidrs: \"proxy.internal\" is not a CIDR");
    assertThat(run("", Map.of(), "--trusted-proxies", "")).isEqualTo(2);
    assertThat(err.toString()).contains("--trusted-proxies must be none or comma-separated CIDRs");
    assertThat(run("", Map.of(), "--help")).isZero();
    assertThat(out.toString())
        .contains("--store")
        .contains("SR_STORE")
        .contains("--http-header-timeout")
        .contains("SR_HTTP_MAX_CONNECTIONS");
  }

  @Test
  void aBusyPortIsAClearStartupErrorAndTheDemoPasswordsComeAgainNextTime(@TempDir Path dir)
      throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int code =
          run(
              "",
              Map.of(),
              "--port",
              String.valueOf(taken.getLocalPort()),
              "--store",
              "memory",
              "--data",
              dir.toString());
      assertThat(code).isEqualTo(2);
      assertThat(err.toString())
          .contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use")
          .contains("choose another with --port");
      assertThat(dir.resolve("users.json"))
          .as("shown for a server that never started: made again next time")
          .doesNotExist();
    }
  }

  @Test
  void anUnreachableStoreIsAClearStartupError(@TempDir Path dir) {
    int code =
        run("", Map.of(), "--store", "redis", "--redis", "127.0.0.1:1", "--data", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("the session store (Redis at 127.0.0.1:1) is unreachable");
  }

  @Test
  void sessionsOnTheH2FileOutliveARestart(@TempDir Path dir) throws Exception {
    ServerConfig config =
        ServerConfig.parse(List.of("--port", "0", "--data", dir.toString()), Map.of());
    String token;
    try (SessionServer server =
        SessionServer.start(config, new PrintStream(out, true, StandardCharsets.UTF_8))) {
      assertThat(out.toString()).contains("admin").contains("shown this once");
      String password =
          out.toString()
              .lines()
              .filter(l -> l.trim().startsWith("admin"))
              .findFirst()
              .orElseThrow()
              .trim()
              .split("\\s+")[1];
      var http = java.net.http.HttpClient.newHttpClient();
      var login =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + server.port() + "/api/v4/users/login"))
                  .header("Content-Type", "application/json")
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          "{\"login_id\":\"admin\",\"password\":\"" + password + "\"}"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
      token = login.headers().firstValue("Token").orElseThrow();
    }
    try (SessionServer server =
        SessionServer.start(config, new PrintStream(out, true, StandardCharsets.UTF_8))) {
      var http =
          java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      var sessions =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + server.port() + "/api/v4/users/me/sessions"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(sessions.statusCode()).isEqualTo(200);
      assertThat(sessions.body()).contains("\"token\":\"\"");
    }
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
