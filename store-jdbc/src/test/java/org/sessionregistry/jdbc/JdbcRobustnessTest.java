package org.sessionregistry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.jdbc.internal.PoolFactory;
import org.sessionregistry.testing.MutableClock;

/** The store inside real applications' pools and under contention: what production throws at it. */
class JdbcRobustnessTest {

  /** Spring and Hibernate pools often hand out connections with auto-commit off; writes must still be committed. */
  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void writesAreCommittedOnAPoolWithAutoCommitOff(TestDatabase database) throws Exception {
    database.dataSource(); // the schema
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.url);
    config.setUsername(database.user);
    config.setPassword(database.password);
    config.setAutoCommit(false);
    config.setMaximumPoolSize(2);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(JdbcSessionStore.builder().dataSource(pool).dialect(database.dialect).build())
              .build();
      String user = Ids.newId();
      List<IssuedSession> sessions =
          IntStream.range(0, 3).mapToObj(i -> registry.create(user)).toList();
      assertThat(rowsOf(database, user)).as("created, seen from another connection").isEqualTo(3);

      assertThat(registry.revoke(user, sessions.get(0).session().id())).isTrue();
      assertThat(rowsOf(database, user)).isEqualTo(2);
      registry.revokeAll(user);
      assertThat(rowsOf(database, user)).as("revoked, seen from another connection").isZero();
    }
  }

  /** Jdbi's exception messages list bound values; none of them may reach a log through the exception's causes. */
  @Test
  void aFailingStatementLeaksNoBoundValueThroughItsStackTrace() {
    String csrf = "secretcsrfvalue0123456789a";
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:no-schema-here;DB_CLOSE_DELAY=-1");
    try (HikariDataSource pool = new HikariDataSource(config)) {
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(JdbcSessionStore.builder().dataSource(pool).dialect(Dialect.H2).build())
              .build();
      String device = "device-that-must-not-leak";

      assertThatThrownBy(
              () ->
                  registry.create(
                      NewSession.forUser(Ids.newId())
                          .withDeviceId(device)
                          .withProps(Map.of("csrf", csrf))))
          .isInstanceOf(SessionStoreException.class)
          .satisfies(
              e -> {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                assertThat(trace.toString())
                    .contains("SR_SESSIONS")
                    .doesNotContain(csrf)
                    .doesNotContain(device);
              });
    }
  }

  /** With the H2 file default, a revocation is on disk when revoke-all returns: a crash right after loses nothing. */
  @Test
  void aRevocationSurvivesAKilledH2Server(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    int port = JdbcFailureTest.freePort();
    Process server = JdbcFailureTest.h2Server(port, dir);
    String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/sessions";
    IssuedSession kept;
    List<IssuedSession> revoked;
    try (JdbcSessionStore store =
        JdbcSessionStore.builder().jdbcUrl(url, "sa", "").createSchemaIfMissing(true).build()) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      String user = Ids.newId();
      revoked = IntStream.range(0, 3).mapToObj(i -> registry.create(user)).toList();
      kept = registry.create(Ids.newId());
      registry.revokeAll(user);
      server.destroyForcibly().waitFor(); // kill -9, at once
    }
    server = JdbcFailureTest.h2Server(port, dir);
    try (JdbcSessionStore store = JdbcSessionStore.builder().jdbcUrl(url, "sa", "").build()) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      assertThat(registry.authenticate(kept.token())).isPresent();
      for (IssuedSession s : revoked) {
        assertThat(registry.authenticate(s.token())).isEmpty();
      }
    } finally {
      server.destroyForcibly().waitFor();
    }
    assertThat(PoolFactory.durable("jdbc:h2:./data/s")).isEqualTo("jdbc:h2:./data/s;WRITE_DELAY=0");
    assertThat(PoolFactory.durable("jdbc:h2:mem:s")).isEqualTo("jdbc:h2:mem:s");
    assertThat(PoolFactory.durable("jdbc:h2:./s;write_delay=100")).endsWith("write_delay=100");
  }

  /** On PostgreSQL a purge skips rows another transaction holds, instead of waiting for them. */
  @Test
  void purgeSkipsRowsLockedElsewhereOnPostgres() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    JdbcSessionStore store =
        JdbcSessionStore.builder()
            .dataSource(TestDatabase.POSTGRESQL.dataSource())
            .dialect(Dialect.POSTGRESQL)
            .statementTimeout(Duration.ofSeconds(2))
            .build();
    clock.advance(Duration.ofDays(800));
    while (!store.purgeExpired(clock.instant(), 10_000).isEmpty()) {
      continue;
    }
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .idleTimeout(Duration.ofHours(1))
            .build();
    String user = Ids.newId();
    List<Session> expiring =
        IntStream.range(0, 5).mapToObj(i -> registry.create(user).session()).toList();
    clock.advance(Duration.ofHours(2));

    try (Connection other = TestDatabase.POSTGRESQL.connect(new Properties())) {
      other.setAutoCommit(false);
      try (PreparedStatement lock =
          other.prepareStatement("SELECT id FROM sr_sessions WHERE id = ? FOR UPDATE")) {
        lock.setString(1, expiring.get(0).id());
        lock.executeQuery().close();
      }
      assertThat(registry.purgeExpired(100))
          .as("all but the locked row, without waiting for it")
          .isEqualTo(4);
      other.rollback();
    }
    assertThat(registry.purgeExpired(100)).isEqualTo(1);
  }

  /**
   * The revoked-row part of a purge is stuck behind a lock until it times out: the expired sessions that the first
   * statement already deleted are still returned (and so reported), and the revoked rows wait for the next purge.
   */
  @Test
  void aFailingRevokedRowSweepStillReturnsTheExpiredSessions() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    JdbcSessionStore store =
        JdbcSessionStore.builder()
            .dataSource(TestDatabase.POSTGRESQL.dataSource())
            .dialect(Dialect.POSTGRESQL)
            .statementTimeout(Duration.ofSeconds(1))
            .build();
    SessionRegistry registry = SessionRegistry.builder().store(store).clock(clock).build();
    String expiring = Ids.newId();
    Session expired = registry.create(expiring).session();
    String revoked = Ids.newId();
    Session revokedSession = registry.create(revoked).session();
    registry.revokeAll(revoked); // by generation: its row stays for the purge
    clock.advance(Duration.ofDays(400));

    try (Connection other = TestDatabase.POSTGRESQL.connect(new Properties())) {
      other.setAutoCommit(false);
      try (PreparedStatement lock =
          other.prepareStatement("SELECT id FROM sr_sessions WHERE id = ? FOR UPDATE")) {
        lock.setString(1, revokedSession.id());
        lock.executeQuery().close();
      }
      assertThat(store.purgeExpired(clock.instant(), 100_000))
          .extracting(Session::id)
          .contains(expired.id());
      assertThat(rowsOfAnyGeneration(revoked)).as("left for the next purge").isEqualTo(1);
      other.rollback();
    }
    store.purgeExpired(clock.instant(), 100_000);
    assertThat(rowsOfAnyGeneration(revoked)).isZero();
  }

  private static int rowsOfAnyGeneration(String user) throws Exception {
    try (Connection c = TestDatabase.POSTGRESQL.connect(new Properties());
        PreparedStatement s =
            c.prepareStatement("SELECT COUNT(*) FROM sr_sessions WHERE user_id = ?")) {
      s.setString(1, user);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** A statement stuck behind a lock fails typed after the statement timeout; it does not pin the thread. */
  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRESQL", "MARIADB"})
  void aStatementStuckOnALockTimesOutTyped(TestDatabase database) throws Exception {
    JdbcSessionStore store =
        JdbcSessionStore.builder()
            .dataSource(database.dataSource())
            .dialect(database.dialect)
            .statementTimeout(Duration.ofSeconds(1))
            .build();
    SessionRegistry registry = SessionRegistry.builder().store(store).build();
    String user = Ids.newId();
    registry.revokeAll(user); // the user's generation row exists from here on
    IssuedSession issued = registry.create(user);

    try (Connection other = database.connect(new Properties())) {
      other.setAutoCommit(false);
      try (PreparedStatement lock =
          other.prepareStatement("SELECT id FROM sr_sessions WHERE id = ? FOR UPDATE")) {
        lock.setString(1, issued.session().id());
        lock.executeQuery().close();
      }
      try (PreparedStatement lock =
          other.prepareStatement("SELECT user_id FROM sr_users WHERE user_id = ? FOR UPDATE")) {
        lock.setString(1, user);
        lock.executeQuery().close();
      }
      assertThatThrownBy(() -> registry.revoke(user, issued.session().id()))
          .isInstanceOf(SessionStoreUnavailableException.class)
          .hasMessageContaining("could not revoke a session");
      assertThatThrownBy(() -> registry.revokeAll(user))
          .isInstanceOf(SessionStoreUnavailableException.class)
          .hasMessageContaining("could not revoke all sessions of a user");
      other.rollback();
    }
    registry.revokeAll(user);
    assertThat(registry.list(user)).isEmpty();
  }

  /** The user's live sessions (at or above the user's generation), read on a connection of its own. */
  private static int rowsOf(TestDatabase database, String user) throws Exception {
    try (Connection c = database.connect(new Properties());
        PreparedStatement s =
            c.prepareStatement(
                "SELECT COUNT(*) FROM sr_sessions WHERE user_id = ? AND generation"
                    + " >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = ?), 0)")) {
      s.setString(1, user);
      s.setString(2, user);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
