package org.sessionregistry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionregistry.Ids;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;

/**
 * A statement of the store that would run for hours stops at the statement timeout on H2, on the store's own pool and
 * on an application's (HikariCP with its defaults, where the store sets no H2 session setting), and the application's
 * connections come back without a query timeout of the store's. On PostgreSQL and MariaDB a statement waiting for a
 * row lock stops at the statement timeout on an application's pool too ({@code JdbcFailureTest} shows it on the
 * store's own).
 */
class JdbcStatementTimeoutTest {

  /** Each call that needs the locked user's rows fails typed within the statement timeout and a margin. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRESQL", "MARIADB"})
  void aLockedUserCostsACallItsStatementTimeoutOnAnApplicationsPool(TestDatabase database)
      throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.url);
    config.setUsername(database.user);
    config.setPassword(database.password);
    database.dataSource(); // the schema
    try (HikariDataSource application = new HikariDataSource(config)) {
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(
                  JdbcSessionStore.builder()
                      .dataSource(application)
                      .dialect(database.dialect)
                      .statementTimeout(Duration.ofSeconds(1))
                      .build())
              .maxSessionsPerUser(
                  10, org.sessionregistry.SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE)
              .build();
      String user = Ids.newId();
      org.sessionregistry.IssuedSession kept = registry.create(user);
      registry.revokeAllExcept(user, kept.session().id()); // the user's row exists
      try (Connection locker = database.connect(new java.util.Properties())) {
        locker.setAutoCommit(false);
        try (Statement s = locker.createStatement()) {
          s.execute("SELECT * FROM sr_users WHERE user_id = '" + user + "' FOR UPDATE");
          s.execute("SELECT * FROM sr_sessions WHERE user_id = '" + user + "' FOR UPDATE");
        }
        for (Runnable call :
            java.util.List.<Runnable>of(
                () -> registry.revokeAll(user),
                () -> registry.revoke(user, kept.session().id()),
                () -> registry.create(user))) {
          long start = System.nanoTime();
          assertThat(catchThrowable(call::run))
              .isInstanceOf(SessionStoreUnavailableException.class);
          // A deadline: the statement timeout (1 s) and 4 s for a busy machine; unstopped, a lock
          // wait lasts 50 s
          // (MariaDB) or for ever (PostgreSQL).
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .as("a call on a locked user, %s", database)
              .isLessThan(Duration.ofSeconds(1 + 4));
        }
        locker.rollback();
      }
      assertThat(registry.list(user)).containsExactly(kept.session());
    }
  }

  @ParameterizedTest(name = "application pool: {0}")
  @ValueSource(booleans = {false, true})
  @Timeout(60)
  void aRunawayStatementStopsAtTheStatementTimeoutOnEitherPool(boolean applicationPool)
      throws Exception {
    String url = "jdbc:h2:mem:runaway-" + Ids.newId() + ";DB_CLOSE_DELAY=-1";
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(1); // the store's connection is the one the application gets back
    try (HikariDataSource application = new HikariDataSource(config)) {
      JdbcSchema.create(application, Dialect.H2);
      try (Connection c = application.getConnection();
          Statement s = c.createStatement()) {
        // Every user's generation read from a hundred billion rows: a statement of the store that
        // runs for hours.
        s.execute("DROP TABLE sr_users");
        s.execute(
            "CREATE VIEW sr_users AS SELECT CAST(X AS VARCHAR(255)) AS user_id, X AS generation,"
                + " FALSE AS purge_pending FROM SYSTEM_RANGE(1, 100000000000)");
      }
      JdbcSessionStore.Builder builder =
          JdbcSessionStore.builder().statementTimeout(Duration.ofSeconds(1));
      try (JdbcSessionStore store =
          (applicationPool
                  ? builder.dataSource(application).dialect(Dialect.H2)
                  : builder.jdbcUrl(url, "", ""))
              .build()) {
        SessionRegistry registry = SessionRegistry.builder().store(store).build();

        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> registry.create(Ids.newId()));

        assertThat(failure)
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageContaining("could not create a session");
        // A deadline: the statement timeout (1 s) and 4 s for a busy machine; unstopped, the
        // statement runs for hours.
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("a runaway create")
            .isLessThan(Duration.ofSeconds(1 + 4));
      }
      try (Connection c = application.getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                      + " WHERE SETTING_NAME = 'QUERY_TIMEOUT'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1))
            .as("the application's connection's query timeout")
            .isEqualTo("0");
      }
    }
  }
}
