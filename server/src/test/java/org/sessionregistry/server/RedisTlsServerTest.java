package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on a Redis that wants a password and serves only TLS, as managed ones do: the password from the
 * environment, the CA from a file. The test starts that Redis itself, on free loopback ports, with a certificate
 * openssl makes for 127.0.0.1.
 */
class RedisTlsServerTest {
  private static final String PASSWORD = "the test Redis's password";

  @Test
  void theServerReachesARedisWithAPasswordOverTls(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("redis.key");
    Path cert = dir.resolve("redis.crt");
    run(
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            key.toString(),
            "-out",
            cert.toString()),
        dir);
    int tlsPort = freePort();
    Process redis =
        new ProcessBuilder(
                env("SR_REDIS_SERVER", "redis-server"),
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--tls-port",
                String.valueOf(tlsPort),
                "--tls-cert-file",
                cert.toString(),
                "--tls-key-file",
                key.toString(),
                "--tls-auth-clients",
                "no",
                "--requirepass",
                PASSWORD,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    try {
      awaitListening(tlsPort, redis, dir);
      Path data = dir.resolve("data");
      Map<String, String> passwords =
          UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("erin", "system_user"));
      List<String> flags =
          List.of(
              "--port",
              "0",
              "--data",
              data.toString(),
              "--store",
              "redis",
              "--redis",
              "127.0.0.1:" + tlsPort,
              "--redis-tls",
              "true",
              "--redis-tls-ca",
              cert.toString(),
              "--cache",
              "redis");
      try (SessionServer server =
          SessionServer.start(
              ServerConfig.parse(flags, Map.of("SR_REDIS_PASSWORD", PASSWORD)), quiet())) {
        HttpClient http = HttpClient.newHttpClient();
        var login =
            http.send(
                java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/v4/users/login"))
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"login_id\":\"erin\",\"password\":\""
                                + passwords.get("erin")
                                + "\"}"))
                    .build(),
                BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        var list =
            http.send(
                java.net.http.HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + server.port() + "/api/v4/users/me/sessions"))
                    .header(
                        "Authorization",
                        "Bearer " + login.headers().firstValue("Token").orElseThrow())
                    .build(),
                BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
      }
      assertThatThrownBy(() -> SessionServer.start(ServerConfig.parse(flags, Map.of()), quiet()))
          .as("without the password")
          .isInstanceOf(SessionServer.StartupException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
      assertThatThrownBy(
              () -> ServerConfig.parse(List.of("--redis-tls-ca", cert.toString()), Map.of()))
          .hasMessage("--redis-tls-ca needs --redis-tls true");
    } finally {
      redis.destroy();
      redis.waitFor();
    }
  }

  private static void run(List<String> command, Path dir) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          command.get(0) + " failed: " + Files.readString(dir.resolve("openssl.log")));
    }
  }

  private static void awaitListening(int port, Process redis, Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (java.io.IOException notYet) {
        if (!redis.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the test's redis-server did not start: "
                  + Files.readString(dir.resolve("redis.log")));
        }
        Thread.sleep(50);
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  private static String env(String name, String otherwise) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? otherwise : v;
  }
}
