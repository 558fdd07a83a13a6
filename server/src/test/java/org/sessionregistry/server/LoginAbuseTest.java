package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionregistry.http.HttpRequest;

/** The running server as an attacker meets it: at the login, and on the machine's disk. */
class LoginAbuseTest {
  private static final String REDIS =
      env("SR_REDIS_HOST", "127.0.0.1") + ":" + env("SR_REDIS_PORT", "6379");
  private static final String POSTGRES =
      env("SR_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String MARIADB = env("SR_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test");

  /**
   * Eight clients hammer the login with wrong passwords, as fast as they are answered: the server hashes no more than
   * a password per core at once, the rest wait without taking the threads other requests need, so a logged-in user's
   * list is still answered, and another client's correct login is served in its turn. (Without the bound, every
   * attempt was hashed at once and requests queued behind some 100 ms of CPU each.) How fast: BENCHMARKS.md.
   */
  @Test
  void whileTheLoginIsFloodedALoggedInUserStillGetsAnswersAndAnotherAddressLogsIn(
      @TempDir Path data) throws Exception {
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("user1", "system_user"));
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
                    "--login-rate-per-address",
                    "1000000",
                    "--login-max-failures-per-address",
                    "100000000",
                    "--login-max-failures",
                    "1000000"),
                Map.of()),
            quiet())) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String token =
          http.send(login(server.port(), "user1", passwords.get("user1")), BodyHandlers.ofString())
              .headers()
              .firstValue("Token")
              .orElseThrow();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger wrong = new AtomicInteger();
      List<Thread> attackers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        Thread t =
            new Thread(
                () -> {
                  HttpClient own =
                      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                  while (!stop.get()) {
                    try {
                      int status =
                          own.send(
                                  login(
                                      server.port(), n % 2 == 0 ? "user1" : "nobody" + n, "guess"),
                                  BodyHandlers.discarding())
                              .statusCode();
                      if (status == 401) {
                        wrong.incrementAndGet();
                      }
                    } catch (Exception e) {
                      return;
                    }
                  }
                });
        t.start();
        attackers.add(t);
      }
      try {
        Thread.sleep(500);
        // A deadline, not a timing: far beyond what a list takes, well short of a hash queue's
        // worth.
        var list =
            java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/v4/users/me/sessions"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(5))
                .build();
        for (int i = 0; i < 40; i++) {
          assertThat(http.send(list, BodyHandlers.ofString()).statusCode()).isEqualTo(200);
          Thread.sleep(20);
        }
        String body = "{\"login_id\":\"user1\",\"password\":\"" + passwords.get("user1") + "\"}";
        RawHttp.Response other =
            RawHttp.sendFrom(
                java.net.InetAddress.getByName("127.0.0.2"),
                server.port(),
                "POST /api/v4/users/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body);
        assertThat(other.status())
            .as("a correct login from 127.0.0.2: %s", other.body())
            .isEqualTo(200);
      } finally {
        stop.set(true);
        for (Thread t : attackers) {
          t.join(20_000);
        }
      }
      assertThat(wrong.get()).as("wrong passwords checked during the flood").isPositive();
    }
  }

  /** 50 correct logins of one user at once from one address, on the running server: every one is served. */
  @Test
  void fiftyCorrectLoginsAtOnceFromOneAddressAllSucceed(@TempDir Path data) throws Exception {
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("user1", "system_user"));
    try (SessionServer server =
        SessionServer.start(
            ServerConfig.parse(
                List.of("--port", "0", "--store", "memory", "--data", data.toString()), Map.of()),
            quiet())) {
      List<Integer> statuses =
          atOnce(
              50,
              i ->
                  HttpClient.newBuilder()
                      .version(HttpClient.Version.HTTP_1_1)
                      .build()
                      .send(
                          login(server.port(), "user1", passwords.get("user1")),
                          BodyHandlers.discarding())
                      .statusCode());
      assertThat(statuses).hasSize(50).containsOnly(200);
    }
  }

  /**
   * On two nodes sharing Redis or a database, N correct and M wrong logins of one user at once from one address: with
   * M below the limit every correct one succeeds and none is told "locked"; with M above it, at most the limit of
   * wrong passwords is checked (each checked one is told invalid credentials, the rest "locked") and every correct one
   * either succeeds or is locked.
   */
  @ParameterizedTest
  @ValueSource(strings = {"redis", "postgresql", "mariadb"})
  void correctLoginsAmongWrongOnesOnSharedCounts(String store, @TempDir Path data)
      throws Exception {
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("erin", "system_user"));
    String namespace = "sr-logins-" + UUID.randomUUID();
    ServerConfig config = ServerConfig.parse(storeFlags(store, data, namespace), storeEnv(store));
    try (SessionServer.Backend a =
            SessionServer.Backend.open(config, UsersFile.open(config.usersFile));
        SessionServer.Backend b =
            SessionServer.Backend.open(config, UsersFile.open(config.usersFile))) {
      for (int wrong : List.of(9, 14)) {
        String address =
            "2001:db8::" + Integer.toHexString((int) (Math.random() * 65536)); // fresh in the store
        int correct = 6;
        List<String> answers =
            atOnce(
                correct + wrong,
                i ->
                    (i % 2 == 0 ? a : b)
                        .api
                        .handle(
                            loginRequest(
                                "erin", i < correct ? passwords.get("erin") : "wrong", address))
                        .bodyText());
        List<String> ofCorrect = answers.subList(0, correct);
        List<String> ofWrong = answers.subList(correct, answers.size());
        long checkedWrong = ofWrong.stream().filter(t -> t.contains("invalid_credentials")).count();
        if (wrong < 10) {
          assertThat(ofCorrect)
              .allMatch(t -> t.contains("\"username\":\"erin\""), "a correct login succeeded");
          assertThat(checkedWrong).isEqualTo(wrong);
        } else {
          assertThat(checkedWrong).as("wrong passwords checked").isEqualTo(10);
          assertThat(ofWrong)
              .allMatch(t -> t.contains("invalid_credentials") || t.contains("too_many.app_error"));
          assertThat(ofCorrect)
              .allMatch(
                  t -> t.contains("\"username\":\"erin\"") || t.contains("too_many.app_error"));
        }
      }
    } finally {
      deleteRedisKeys(store, namespace);
    }
  }

  /** Logins waiting for a check hold threads: with checks, at most 3/4 of the request threads, by default and by flag. */
  @Test
  void loginsWaitingLeaveAQuarterOfTheRequestThreadsToOtherRequests() {
    ServerConfig defaults = ServerConfig.parse(List.of(), Map.of());
    assertThat(defaults.httpMaxRequests).isEqualTo(128);
    assertThat(defaults.loginMaxWaiting + defaults.loginMaxConcurrentChecks)
        .isLessThanOrEqualTo(96);
    ServerConfig small =
        ServerConfig.parse(
            List.of("--http-max-requests", "16", "--login-max-concurrent-checks", "2"), Map.of());
    assertThat(small.loginMaxWaiting).isEqualTo(10);
    assertThatThrownBy(
            () ->
                ServerConfig.parse(
                    List.of(
                        "--http-max-requests",
                        "16",
                        "--login-max-concurrent-checks",
                        "2",
                        "--login-max-waiting",
                        "11"),
                    Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "--login-max-concurrent-checks (2) plus --login-max-waiting (11) must be at most 3/4"
                + " of --http-max-requests (16), 12");
    assertThatThrownBy(() -> ServerConfig.parse(List.of("--login-max-wait", "2m"), Map.of()))
        .hasMessage("--login-max-wait must be at most 1m, was \"2m\"");
  }

  private static <T> List<T> atOnce(int n, Attempt<T> attempt) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CyclicBarrier start = new CyclicBarrier(n);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return attempt.run(index);
                }));
      }
      List<T> answers = new ArrayList<>();
      for (Future<T> f : futures) {
        answers.add(f.get(60, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private interface Attempt<T> {
    T run(int index) throws Exception;
  }

  /**
   * Two nodes over one Redis, or one PostgreSQL, count one user's failures together, across a restart: ten from one
   * address in all lock that address out of the user, on both nodes; the user still logs in from another address.
   */
  @ParameterizedTest
  @ValueSource(strings = {"redis", "postgresql"})
  void failedLoginsAreCountedWhereEveryNodeSeesThem(String store, @TempDir Path data)
      throws Exception {
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("carol", "system_user"));
    String namespace = "sr-logins-" + UUID.randomUUID();
    String address =
        "198.51.100." + (int) (Math.random() * 200 + 20); // fresh in the shared database
    ServerConfig config = ServerConfig.parse(storeFlags(store, data, namespace), storeEnv(store));
    try (SessionServer.Backend a =
            SessionServer.Backend.open(config, UsersFile.open(config.usersFile));
        SessionServer.Backend b =
            SessionServer.Backend.open(config, UsersFile.open(config.usersFile))) {
      for (int i = 0; i < 5; i++) {
        assertThat(a.api.handle(loginRequest("carol", "wrong", address)).status()).isEqualTo(401);
        assertThat(b.api.handle(loginRequest("carol@example.com", "wrong", address)).status())
            .isEqualTo(401);
      }
      assertThat(a.api.handle(loginRequest("carol", passwords.get("carol"), address)).bodyText())
          .contains("api.user.check_user_login_attempts.too_many.app_error");
    }
    try (SessionServer.Backend restarted =
        SessionServer.Backend.open(config, UsersFile.open(config.usersFile))) {
      assertThat(
              restarted
                  .api
                  .handle(loginRequest("CAROL", passwords.get("carol"), address))
                  .bodyText())
          .as("after a restart")
          .contains("api.user.check_user_login_attempts.too_many.app_error");
      assertThat(
              restarted
                  .api
                  .handle(loginRequest("carol", passwords.get("carol"), "203.0.113.77"))
                  .status())
          .as("the owner, from another address")
          .isEqualTo(200);
    } finally {
      deleteRedisKeys(store, namespace);
    }
  }

  private static List<String> storeFlags(String store, Path data, String namespace) {
    List<String> flags = new ArrayList<>(List.of("--data", data.toString(), "--store", store));
    switch (store) {
      case "redis" -> flags.addAll(List.of("--redis", REDIS, "--redis-namespace", namespace));
      case "mariadb" ->
          flags.addAll(
              List.of("--jdbc-url", MARIADB, "--jdbc-user", env("SR_MARIADB_USER", "root")));
      default ->
          flags.addAll(
              List.of("--jdbc-url", POSTGRES, "--jdbc-user", env("SR_POSTGRES_USER", "postgres")));
    }
    return flags;
  }

  private static Map<String, String> storeEnv(String store) {
    return Map.of(
        "SR_JDBC_PASSWORD",
        env(store.equals("mariadb") ? "SR_MARIADB_PASSWORD" : "SR_POSTGRES_PASSWORD", ""));
  }

  private static void deleteRedisKeys(String store, String namespace) {
    if (store.equals("redis")) {
      try (var jedis =
          new redis.clients.jedis.Jedis(
              REDIS.split(":")[0], Integer.parseInt(REDIS.split(":")[1]))) {
        for (String key : jedis.keys(namespace + ":*")) {
          jedis.unlink(key);
        }
      }
    }
  }

  /** Whatever the umask: the data directory is 0700, the users file and the H2 database 0600. */
  @Test
  void theServersFilesAreItsOwnersAlone(@TempDir Path parent) throws Exception {
    Path data = parent.resolve("data");
    try (SessionServer server =
        SessionServer.start(
            ServerConfig.parse(List.of("--port", "0", "--data", data.toString()), Map.of()),
            quiet())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
          .isEqualTo("rwx------");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(data.resolve("users.json"))))
          .isEqualTo("rw-------");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(data.resolve("sessions.mv.db"))))
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
    assertThat(users.rolesOf(id)).containsExactly("system_user");
    FileTime modified = Files.getLastModifiedTime(file);
    Files.writeString(file, Files.readString(file).replace("\"system_user\"", "\"system_adm1\""));
    Files.setLastModifiedTime(file, modified);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!Set.of("system_adm1").equals(users.rolesOf(id))) {
      assertThat(System.nanoTime()).as("the edit seen").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static java.net.http.HttpRequest login(int port, String user, String password) {
    return java.net.http.HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v4/users/login"))
        .header("Content-Type", "application/json")
        .POST(
            java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"login_id\":\"" + user + "\",\"password\":\"" + password + "\"}"))
        .build();
  }

  private static HttpRequest loginRequest(String user, String password, String address) {
    return new HttpRequest(
        "POST",
        "/api/v4/users/login",
        Map.of("Content-Type", List.of("application/json")),
        ("{\"login_id\":\"" + user + "\",\"password\":\"" + password + "\"}")
            .getBytes(StandardCharsets.UTF_8),
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
