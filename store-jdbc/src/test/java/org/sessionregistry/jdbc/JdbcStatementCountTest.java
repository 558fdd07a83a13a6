package org.sessionregistry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.testing.MutableClock;

/** Round trips are exact: each operation sends one statement, whatever the number of sessions it touches. */
class JdbcStatementCountTest {

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void eachOperationIsOneStatement(TestDatabase database) {
    CountingDataSource counting = new CountingDataSource(database.dataSource());
    MutableClock clock = new MutableClock(java.time.Instant.parse("2026-05-01T00:00:00Z"));
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(
                JdbcSessionStore.builder().dataSource(counting).dialect(database.dialect).build())
            .clock(clock)
            .idleTimeout(Duration.ofHours(8))
            .build();
    String user = Ids.newId();
    List<IssuedSession> sessions = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sessions.add(registry.create(user));
    }
    assertThat(counting.takeExecuted()).as("create").hasSize(100);

    assertThat(registry.authenticate(sessions.get(7).token())).isPresent();
    assertThat(counting.takeExecuted()).as("authenticate").hasSize(1);

    assertThat(registry.list(user)).hasSize(100);
    assertThat(counting.takeExecuted()).as("list of 100").hasSize(1);

    clock.advance(Duration.ofMinutes(5));
    assertThat(registry.touch(sessions.get(7).session())).isPresent();
    assertThat(counting.takeExecuted()).as("touch when due").hasSize(1);
    assertThat(registry.touch(registry.touch(sessions.get(8).session()).orElseThrow())).isPresent();
    assertThat(counting.takeExecuted())
        .as("touch, then touch again within the interval")
        .hasSize(1);
    SessionRegistry extending =
        SessionRegistry.builder()
            .store(
                JdbcSessionStore.builder().dataSource(counting).dialect(database.dialect).build())
            .clock(clock)
            .extendWithActivity(true)
            .build();
    clock.advance(Duration.ofMinutes(5));
    assertThat(extending.touch(sessions.get(9).session()).orElseThrow().expiresAt())
        .isEqualTo(clock.instant().plus(Duration.ofDays(30)));
    assertThat(counting.takeExecuted()).as("touch that extends the session").hasSize(1);

    assertThat(registry.revoke(user, sessions.get(0).session().id())).isTrue();
    assertThat(counting.takeExecuted()).as("revoke one").hasSize(1);

    registry.revokeAllExcept(user, sessions.get(1).session().id());
    List<String> allButOne = counting.takeExecuted();
    // PostgreSQL: one statement; elsewhere the user's row then the kept one's, in one transaction
    // (one round trip on
    // MariaDB through a pool that runs several at once, below; on this one, which does not, the
    // first call tries
    // that once, then goes one by one). Never a statement per session.
    assertThat(allButOne)
        .as("revoke all but one of 99")
        .hasSize(database == TestDatabase.POSTGRESQL ? 1 : database == TestDatabase.MARIADB ? 3 : 2)
        .noneMatch(statement -> statement.contains("DELETE"));
    assertThat(registry.list(user))
        .containsExactly(registry.authenticate(sessions.get(1).token()).orElseThrow());

    for (int i = 0; i < 99; i++) {
      registry.create(user);
    }
    counting.takeExecuted();
    List<String> revokeAll = new ArrayList<>();
    registry.revokeAll(user);
    revokeAll.addAll(counting.takeExecuted());
    assertThat(revokeAll).as("revoke all of 100").hasSize(1);
    assertThat(revokeAll.get(0))
        .as("one row, the user's generation, whatever N is")
        .contains("sr_users")
        .doesNotContain("sr_sessions");
    assertThat(registry.list(user)).isEmpty();
  }

  /**
   * A create at its user's limit, which ends the least recently active session to make room, is one round trip too:
   * the user's row, the ending and the insert go together on PostgreSQL, and on MariaDB through a pool that runs
   * several statements at once (the store's own sets allowMultiQueries=true). H2, in this JVM, runs them one after the
   * other in one transaction: three statements, no network.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aCreateAtTheLimitIsOneRoundTrip(TestDatabase database) throws Exception {
    database.dataSource(); // the schema
    try (var pool =
        JdbcSessionStore.newPool(
            database.url, database.user, database.password, 2, Duration.ofSeconds(5))) {
      CountingDataSource counting = new CountingDataSource(pool);
      MutableClock clock = new MutableClock(java.time.Instant.parse("2026-05-01T00:00:00Z"));
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(
                  JdbcSessionStore.builder().dataSource(counting).dialect(database.dialect).build())
              .clock(clock)
              .maxSessionsPerUser(100, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE)
              .build();
      String user = Ids.newId();
      List<IssuedSession> sessions = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        sessions.add(registry.create(user));
        clock.advance(Duration.ofMillis(1));
      }
      counting.takeExecuted();

      IssuedSession beyond = registry.create(user);

      assertThat(counting.takeExecuted())
          .as("a create at the limit of 100")
          .hasSize(database.dialect == Dialect.H2 ? 3 : 1);
      assertThat(registry.list(user))
          .hasSize(100)
          .extracting(s -> s.id())
          .contains(beyond.session().id());
      assertThat(registry.authenticate(sessions.get(0).token()))
          .as("the least recently active, ended")
          .isEmpty();

      IssuedSession phone = registry.create(NewSession.forUser(user).withDeviceId("phone"));
      clock.advance(Duration.ofMillis(1));
      counting.takeExecuted();
      IssuedSession phoneAgain =
          registry.create(NewSession.forUser(user).withDeviceId("phone").replacingSameDevice());
      assertThat(counting.takeExecuted())
          .as("a device logging in again at the limit: its session replaced")
          .hasSize(database.dialect == Dialect.H2 ? 4 : 1);
      assertThat(registry.authenticate(phone.token())).isEmpty();
      assertThat(registry.list(user))
          .hasSize(100)
          .extracting(s -> s.id())
          .contains(phoneAgain.session().id());

      counting.takeExecuted();
      registry.revokeAllExcept(user, beyond.session().id());
      assertThat(counting.takeExecuted())
          .as("revoke all but one of 100, on the store's kind of pool")
          .hasSize(database.dialect == Dialect.H2 ? 2 : 1);
      assertThat(registry.list(user))
          .extracting(s -> s.id())
          .containsExactly(beyond.session().id());
    }
  }

  /**
   * Behind the front cache, with the database as the channel, a revoke costs its caller the store's one statement:
   * the channel's row goes in from the channel's own thread, after the call returned.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aRevokeBehindTheFrontCacheIsOneStatementForItsCaller(TestDatabase database)
      throws Exception {
    CountingDataSource counting = new CountingDataSource(database.dataSource());
    try (JdbcInvalidationChannel channel =
        JdbcInvalidationChannel.builder()
            .dataSource(counting)
            .pollInterval(Duration.ofMinutes(10))
            .build()) {
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(
                  FrontCache.builder()
                      .channel(channel)
                      .build()
                      .over(
                          JdbcSessionStore.builder()
                              .dataSource(counting)
                              .dialect(database.dialect)
                              .build()))
              .build();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!channel.isConnected()) { // its first poll
        assertThat(System.nanoTime()).as("the channel's first poll").isLessThan(deadline);
        Thread.sleep(5);
      }
      String user = Ids.newId();
      IssuedSession one = registry.create(user);
      IssuedSession two = registry.create(user);
      assertThat(registry.authenticate(one.token())).isPresent();
      counting.takeExecuted();

      assertThat(registry.revoke(user, one.session().id())).isTrue();
      registry.revokeAll(user);
      assertThat(counting.takeExecutedOn(Thread.currentThread()))
          .as("revoke one, then all: the store's statements")
          .hasSize(2)
          .noneMatch(sql -> sql.contains("sr_revocations"));
      channel.close(); // sends what waits, from its thread (one batch or two)
      assertThat(counting.takeExecuted())
          .as("the channel's rows, from its thread")
          .anyMatch(sql -> sql.contains("sr_revocations"));
      assertThat(registry.authenticate(one.token())).isEmpty();
      assertThat(registry.authenticate(two.token())).isEmpty();
    }
  }
}
