package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionregistry.http.HttpRequest;
import org.sessionregistry.http.HttpResponse;

/** The running server as an attacker meets it: at the login, and on the machine's disk. */
class LoginAbuseTest {
  private static final String REDIS = env("SR_REDIS_HOST", "127.0.0.1") + ":" + env("SR_REDIS_PORT", "6379");
  private static final String POSTGRES = env("SR_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");

  /**
   * Eight clients hammer the login with wrong passwords, as fast as they are answered: the server hashes no more than
   * a password per core at once and answers the rest 429 at once, so a logged-in user's list still answers quickly.
   * (Without the bound, every attempt was hashed and requests queued behind some 100 ms of CPU each.)
   */
  @Test
  void whileTheLoginIsFloodedALoggedInUserStillGetsAnswers(@TempDir Path data) throws Exception {
    Map<String, String> passwords = UsersFile.createWithDemoUsers(data.resolve("users.json"),
        Map.of("user1", "system_user"));
    try (SessionServer server = SessionServer.start(ServerConfig.parse(List.of("--port", "0", "--store", "memory",
        "--data", data.toString(), "--login-rate-per-address", "1000000", "--login-max-failures-per-address",
        "100000000", "--login-max-failures", "1000000"), Map.of()), quiet())) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String token = http.send(login(server.port(), "user1", passwords.get("user1")), BodyHandlers.ofString())
          .headers().firstValue("Token").orElseThrow();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger refused = new AtomicInteger();
      AtomicInteger checked = new AtomicInteger();
      List<Thread> attackers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        Thread t = new Thread(() -> {
          HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
          while (!stop.get()) {
            try {
              int status = own.send(login(server.port(), n % 2 == 0 ? "user1" : "nobody" + n, "guess"),
                  BodyHandlers.discarding()).statusCode();
              (status == 429 ? refused : checked).incrementAndGet();
            } catch (Exception e) {
              return;
            }
          }
        });
        t.start();
        attackers.add(t);
      }
      List<Long> millis = new ArrayList<>();
      try {
        Thread.sleep(500);
        var list = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
            + "/api/v4/users/me/sessions")).header("Authorization", "Bearer " + token).build();
        for (int i = 0; i < 40; i++) {
          long start = System.nanoTime();
          assertThat(http.send(list, BodyHandlers.ofString()).statusCode()).isEqualTo(200);
          millis.add((System.nanoTime() - start) / 1_000_000);
          Thread.sleep(20);
        }
      } finally {
        stop.set(true);
        for (Thread t : attackers) {
          t.join(10_000);
        }
      }
      millis.sort(null);
      assertThat(millis.get(millis.size() / 2)).as("median list time while flooded, ms; all: %s", millis)
          .isLessThan(50);
      assertThat(millis.get(millis.size() - 1)).as("slowest list time while flooded, ms").isLessThan(1_000);
      assertThat(refused.get()).as("logins answered 429 unhashed").isGreaterThan(checked.get());
    }
  }

  /**
   * Two nodes over one Redis, or one PostgreSQL, count one user's failures together, across a restart: ten from one
   * address in all lock that address out of the user, on both nodes; the user still logs in from another address.
   */
  @ParameterizedTest
  @ValueSource(strings = {"redis", "postgresql"})
  void failedLoginsAreCountedWhereEveryNodeSeesThem(String store, @TempDir Path data) throws Exception {
    Map<String, String> passwords = UsersFile.createWithDemoUsers(data.resolve("users.json"),
        Map.of("carol", "system_user"));
    String namespace = "sr-logins-" + UUID.randomUUID();
    List<String> flags = new ArrayList<>(List.of("--data", data.toString(), "--store", store));
    if (store.equals("redis")) {
      flags.addAll(List.of("--redis", REDIS, "--redis-namespace", namespace));
    } else {
      flags.addAll(List.of("--jdbc-url", POSTGRES, "--jdbc-user", env("SR_POSTGRES_USER", "postgres")));
    }
    Map<String, String> env = Map.of("SR_JDBC_PASSWORD", env("SR_POSTGRES_PASSWORD", ""));
    String address = "198.51.100." + (int) (Math.random() * 200 + 20); // fresh in the shared database
    ServerConfig config = ServerConfig.parse(flags, env);
    try (SessionServer.Backend a = SessionServer.Backend.open(config, UsersFile.open(config.usersFile));
        SessionServer.Backend b = SessionServer.Backend.open(config, UsersFile.open(config.usersFile))) {
      for (int i = 0; i < 5; i++) {
        assertThat(a.api.handle(loginRequest("carol", "wrong", address)).status()).isEqualTo(401);
        assertThat(b.api.handle(loginRequest("carol@example.com", "wrong", address)).status()).isEqualTo(401);
      }
      assertThat(a.api.handle(loginRequest("carol", passwords.get("carol"), address)).bodyText())
          .contains("api.user.check_user_login_attempts.too_many.app_error");
    }
    try (SessionServer.Backend restarted = SessionServer.Backend.open(config, UsersFile.open(config.usersFile))) {
      assertThat(restarted.api.handle(loginRequest("CAROL", passwords.get("carol"), address)).bodyText())
          .as("after a restart").contains("api.user.check_user_login_attempts.too_many.app_error");
      assertThat(restarted.api.handle(loginRequest("carol", passwords.get("carol"), "203.0.113.77")).status())
          .as("the owner, from another address").isEqualTo(200);
    } finally {
      if (store.equals("redis")) {
        try (var jedis = new redis.clients.jedis.Jedis(REDIS.split(":")[0], Integer.parseInt(REDIS.split(":")[1]))) {
          for (String key : jedis.keys(namespace + ":*")) {
            jedis.unlink(key);
          }
        }
      }
    }
  }

  /** Whatever the umask: the data directory is 0700, the users file and the H2 database 0600. */
  @Test
  void theServersFilesAreItsOwnersAlone(@TempDir Path parent) throws Exception {
    Path data = parent.resolve("data");
    try (SessionServer server = SessionServer.start(ServerConfig.parse(List.of("--port", "0", "--data",
        data.toString()), Map.of()), quiet())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("users.json"))))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("sessions.mv.db"))))
          .isEqualTo("rw-------");
    }
  }

  /** An edit in place that keeps the size and the modification time is still seen, within a second or so. */
  @Test
  void aUsersFileEditedInPlaceIsSeenWhateverItsTimestamp(@TempDir Path data) throws Exception {
    Path file = data.resolve("users.json");
    UsersFile.createWithDemoUsers(file, Map.of("dave", "system_user"));
    UsersFile users = UsersFile.open(file);
    String id = users.users().get(0).id();
    assertThat(users.rolesOf(id)).isEqualTo("system_user");
    FileTime modified = Files.getLastModifiedTime(file);
    Files.writeString(file, Files.readString(file).replace("\"system_user\"", "\"system_adm1\""));
    Files.setLastModifiedTime(file, modified);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!"system_adm1".equals(users.rolesOf(id))) {
      assertThat(System.nanoTime()).as("the edit seen").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static java.net.http.HttpRequest login(int port, String user, String password) {
    return java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v4/users/login"))
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"login_id\":\"" + user + "\",\"password\":\"" + password + "\"}"))
        .build();
  }

  private static HttpRequest loginRequest(String user, String password, String address) {
    return new HttpRequest("POST", "/api/v4/users/login", Map.of("Content-Type", List.of("application/json")),
        ("{\"login_id\":\"" + user + "\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8),
        address);
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  private static String env(String name, String otherwise) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? otherwise : v;
  }
}
