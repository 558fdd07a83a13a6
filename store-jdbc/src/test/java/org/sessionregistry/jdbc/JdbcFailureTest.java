package org.sessionregistry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.IntStream;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.testing.Eventually;

/** The database failing under the store: typed errors, nothing half-written, recovery without a restart. */
class JdbcFailureTest {
  private static final String PASSWORD = "s3cret-pass-never-shown";

  @Test
  void databaseDownIsATypedErrorAndTheStoreRecoversWhenItIsBack(@TempDir Path dir)
      throws Exception {
    int port = freePort();
    Process server = h2Server(port, dir);
    String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/sessions";
    try (JdbcSessionStore store =
        JdbcSessionStore.builder()
            .jdbcUrl(url, "sa", PASSWORD)
            .connectionTimeout(Duration.ofMillis(500))
            .createSchemaIfMissing(true)
            .build()) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      String user = Ids.newId();
      List<IssuedSession> sessions =
          IntStream.range(0, 3).mapToObj(i -> registry.create(user)).toList();

      // Stopped (SIGTERM), not killed: H2 flushes committed data to its file with a delay, as its
      // docs say.
      server.destroy();
      server.waitFor();

      for (Runnable call :
          List.<Runnable>of(
              () -> registry.authenticate(sessions.get(0).token()),
              () -> registry.list(user),
              () -> registry.create(user),
              () -> registry.revokeAll(user),
              () -> registry.revoke(user, sessions.get(1).session().id()))) {
        assertThatThrownBy(call::run)
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageStartingWith(
                "JDBC session store (H2 at " + url + ") is unavailable, could not ")
            .hasMessageContaining("The outcome is unknown")
            .satisfies(
                e ->
                    assertThat(e.getMessage())
                        .doesNotContain(PASSWORD)
                        .doesNotContain(sessions.get(0).token()));
      }

      server = h2Server(port, dir);

      // The pool replaces its broken connections on its own: no restart of the store.
      Optional<Session> back =
          Eventually.answer(() -> registry.authenticate(sessions.get(0).token()));
      assertThat(back).isPresent();
      assertThat(registry.list(user))
          .as("nothing written or lost while it was down")
          .extracting(Session::id)
          .containsExactlyInAnyOrderElementsOf(
              sessions.stream().map(i -> i.session().id()).toList());
      registry.revokeAll(user);
      assertThat(registry.list(user)).isEmpty();
    } finally {
      server.destroyForcibly().waitFor();
    }
  }

  @Test
  void anExhaustedPoolIsATypedErrorNotAHang() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:exhausted;DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      JdbcSchema.create(pool, Dialect.H2);
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(JdbcSessionStore.builder().dataSource(pool).build())
              .build();
      IssuedSession issued = registry.create(Ids.newId());

      try (Connection held = pool.getConnection()) {
        assertThatThrownBy(() -> registry.authenticate(issued.token()))
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageContaining("Connection is not available, request timed out after");
      }
      assertThat(registry.authenticate(issued.token())).isPresent();
    }
  }

  /**
   * PostgreSQL terminates every backend of the pool, three times, while four threads authenticate, list, touch and
   * revoke: no call fails. Each idempotent call that met a closed connection ran again on a fresh one; before, the
   * first calls after each termination failed with 57P01 although the database was up.
   */
  @Test
  void terminatedPostgresConnectionsFailNoCall() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(TestDatabase.POSTGRESQL.url);
    config.setUsername(TestDatabase.POSTGRESQL.user);
    config.setPassword(TestDatabase.POSTGRESQL.password);
    config.addDataSourceProperty("ApplicationName", "sr-killed-connections");
    config.setMaximumPoolSize(4);
    TestDatabase.POSTGRESQL.dataSource(); // the schema
    try (HikariDataSource pool = new HikariDataSource(config)) {
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(
                  JdbcSessionStore.builder().dataSource(pool).dialect(Dialect.POSTGRESQL).build())
              .touchInterval(Duration.ofMillis(1))
              .build();
      List<String> users = IntStream.range(0, 4).mapToObj(i -> Ids.newId()).toList();
      List<IssuedSession> sessions = users.stream().map(registry::create).toList();

      java.util.concurrent.atomic.AtomicBoolean stop =
          new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures =
          new java.util.concurrent.ConcurrentLinkedQueue<>();
      List<Thread> load = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        IssuedSession mine = sessions.get(t);
        String user = users.get(t);
        Thread thread =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    try {
                      Session s = registry.authenticate(mine.token()).orElseThrow();
                      registry.touch(s);
                      registry.list(user);
                      registry.revoke(user, Ids.newId());
                      registry.revokeAllExcept(user, mine.session().id());
                      calls.addAndGet(5);
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }
                });
        thread.start();
        load.add(thread);
      }
      int killed = 0;
      try (Connection admin = TestDatabase.POSTGRESQL.connect(new Properties());
          Statement s = admin.createStatement()) {
        for (int round = 0; round < 3; round++) {
          Thread.sleep(300);
          // Filter first, in a subquery: in a plain WHERE, PostgreSQL may call pg_terminate_backend
          // on every row.
          try (ResultSet r =
              s.executeQuery(
                  "SELECT pg_terminate_backend(pid) FROM (SELECT pid FROM"
                      + " pg_stat_activity WHERE application_name = 'sr-killed-connections') AS pool")) {
            while (r.next()) {
              killed += r.getBoolean(1) ? 1 : 0;
            }
          }
        }
        Thread.sleep(300);
      } finally {
        stop.set(true);
        for (Thread t : load) {
          t.join(10_000);
        }
      }
      assertThat(killed).as("backends terminated").isGreaterThanOrEqualTo(3);
      assertThat(calls.get()).as("calls made").isGreaterThan(100);
      assertThat(failures).as("calls that failed").isEmpty();
      registry.revokeAll(users.get(0));
      assertThat(registry.authenticate(sessions.get(0).token())).isEmpty();
    }
  }

  /**
   * Another transaction holds the user's rows: every call that needs them fails, typed, within the statement timeout
   * and a small margin, once (no retry doubles it), and nothing is changed. (On H2 the store's own pool makes H2's
   * lock timeout the statement timeout: a query timeout does not cut a lock wait short there.)
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(TestDatabase.class)
  void aLockedUserCostsACallItsStatementTimeoutOnce(TestDatabase database) throws Exception {
    database.dataSource(); // the schema
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(
                JdbcSessionStore.builder()
                    .jdbcUrl(database.url, database.user, database.password)
                    .statementTimeout(Duration.ofSeconds(1))
                    .build())
            .maxSessionsPerUser(
                10, org.sessionregistry.SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE)
            .touchInterval(Duration.ofMillis(1))
            .build();
    String user = Ids.newId();
    IssuedSession issued = registry.create(user);
    registry.revokeAllExcept(user, issued.session().id()); // the user's row exists
    try (Connection locker = database.connect(new Properties())) {
      locker.setAutoCommit(false);
      try (Statement s = locker.createStatement()) {
        s.execute("SELECT * FROM sr_users WHERE user_id = '" + user + "' FOR UPDATE");
        s.execute("SELECT * FROM sr_sessions WHERE user_id = '" + user + "' FOR UPDATE");
      }
      Session session = issued.session();
      List<Runnable> calls =
          List.of(
              () -> registry.revokeAll(user),
              () -> registry.revoke(user, session.id()),
              () -> registry.create(user),
              () ->
                  registry.touch(
                      session.withActivity(
                          session.lastActivityAt().minusSeconds(3600), session.expiresAt())));
      for (Runnable call : calls) {
        long start = System.nanoTime();
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(call::run);
        assertThat(failure).isInstanceOf(SessionStoreUnavailableException.class);
        // Once: every wait on the lock lasts the whole statement timeout (1 s), so a retried call
        // takes 2 s or more
        // however idle the machine; under 2 s it waited once, with all of the second as a busy
        // machine's margin.
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("a call on a locked row, %s: %s", database, failure.getMessage())
            .isLessThan(Duration.ofSeconds(1).multipliedBy(2));
      }
      locker.rollback();
    }
    assertThat(registry.list(user)).containsExactly(issued.session());
  }

  /**
   * On H2 the store's pool times statements per connection (QUERY_TIMEOUT in its URL) instead of per statement, which
   * cost H2 11 us a call: a statement on it still stops at the timeout, and so it does after a revoke-everyone, which
   * gives itself a minute on its connection and then sets the pool's timeout back.
   */
  @Test
  @org.junit.jupiter.api.Timeout(30)
  void anH2PoolOfTheStoresTimesEveryStatementOnItsConnections() throws Exception {
    try (com.zaxxer.hikari.HikariDataSource pool =
        org.sessionregistry.jdbc.internal.PoolFactory.newPool(
            "jdbc:h2:mem:timed-" + Ids.newId() + ";DB_CLOSE_DELAY=-1",
            "sa",
            "",
            1,
            Duration.ofSeconds(5),
            Duration.ofSeconds(1))) {
      assertThat(
              org.sessionregistry.jdbc.internal.PoolFactory.timesStatements(
                  pool, Duration.ofSeconds(1)))
          .isTrue();
      assertThat(
              org.sessionregistry.jdbc.internal.PoolFactory.timesStatements(
                  pool, Duration.ofSeconds(10)))
          .isFalse();
      JdbcSchema.create(pool, Dialect.H2);
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(
                  JdbcSessionStore.builder()
                      .dataSource(pool)
                      .dialect(Dialect.H2)
                      .statementTimeout(Duration.ofSeconds(1))
                      .build())
              .build();
      registry.create(Ids.newId());
      registry.revokeEveryone();
      long start = System.nanoTime();
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        assertThatThrownBy(
                () ->
                    s.executeQuery(
                        "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 100000000000) a,"
                            + " SYSTEM_RANGE(1, 1000) b"))
            .isInstanceOf(java.sql.SQLException.class);
      }
      // A deadline: the statement timeout (1 s) and 4 s for a busy machine; unstopped, the query
      // runs for hours, and
      // with the revoke-everyone's minute left on the connection, for a minute.
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("a runaway query on the pool")
          .isLessThan(Duration.ofSeconds(1 + 4));
    }
  }

  @Test
  void jdbcUrlsLoseTheirSecretsInMessages() {
    assertThat(
            JdbcSessionStore.withoutSecrets(
                "jdbc:postgresql://app:pw@db.local:5432/s?password=pw&ssl=true"))
        .isEqualTo("jdbc:postgresql://db.local:5432/s");
    assertThat(JdbcSessionStore.withoutSecrets("jdbc:h2:tcp://127.0.0.1/s;PASSWORD=pw"))
        .isEqualTo("jdbc:h2:tcp://127.0.0.1/s");
    assertThatThrownBy(
            () -> JdbcSessionStore.builder().jdbcUrl("jdbc:mysql://h/db?password=pw", "u", "pw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "jdbcUrl must start with jdbc:h2:, jdbc:postgresql: or jdbc:mariadb:, was jdbc:mysql://h/db");
  }

  @Test
  void badSettingsAreRefusedByName() {
    assertThatThrownBy(() -> JdbcSessionStore.builder().maximumPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumPoolSize must be at least 1, was 0");
    assertThatThrownBy(() -> JdbcSessionStore.builder().connectionTimeout(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectionTimeout must be at least 250ms, was PT0.01S");
    assertThatThrownBy(() -> JdbcSessionStore.builder().dataSource(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSource must not be null");
    assertThatThrownBy(() -> JdbcSessionStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("give exactly one of dataSource, jdbi and jdbcUrl; 0 were given");
  }

  /** An H2 server in a process of its own, on a loopback port, that the test stops and starts. */
  static Process h2Server(int port, Path dir) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String h2Jar =
        Path.of(Server.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    Process p =
        new ProcessBuilder(
                javaBin,
                "-cp",
                h2Jar,
                "org.h2.tools.Server",
                "-tcp",
                "-tcpPort",
                String.valueOf(port),
                "-baseDir",
                dir.toString(),
                "-ifNotExists")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("h2-server.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        // One database opened and closed, so that the tests' short connection timeouts do not meet
        // a cold server
        // process (its first connection loads and compiles the engine: seconds on a loaded 2-core
        // machine).
        java.sql.DriverManager.getConnection(
                "jdbc:h2:tcp://127.0.0.1:" + port + "/warm-up", "sa", "warm-up")
            .close();
        return p;
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "the H2 server exited: " + Files.readString(dir.resolve("h2-server.log")));
        }
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException(
        "the H2 server did not listen on 127.0.0.1:" + port + " within 20s");
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
