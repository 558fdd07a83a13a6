package org.sessionregistry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.micrometer.SessionRegistryMetrics;
import org.sessionregistry.micrometer.SessionStoreMetrics;
import org.sessionregistry.testing.MutableClock;

/**
 * The JDBC store's observability on real databases: the live-sessions count (exact, one query per interval), the probe
 * ({@code SELECT 1}, no operation), and HikariCP's own meters bound to the application's registry.
 */
class JdbcObservabilityTest {
  private final MeterRegistry meters = new SimpleMeterRegistry();

  /**
   * A century ahead, later at each run: no other test's session (nor an earlier run's, which ends them all anyway) is
   * live then, so the shared tables give exact counts.
   */
  private final MutableClock clock =
      new MutableClock(Instant.now().plus(Duration.ofDays(36_500)).truncatedTo(ChronoUnit.MILLIS));

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void theLiveCountIsExactAndQueriedOncePerInterval(TestDatabase database) {
    CountingDataSource counting = new CountingDataSource(database.dataSource());
    JdbcSessionStore store =
        JdbcSessionStore.builder().dataSource(counting).dialect(database.dialect).build();
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .idleTimeout(Duration.ofHours(1))
            .observer(SessionRegistryMetrics.create(meters, "sql"))
            .build();
    SessionStoreMetrics.bind(meters, store, Duration.ofSeconds(15), Tags.of("store", "sql"), clock);
    assertThat(live()).isZero();
    assertThat(counting.takeExecuted()).as("one count, at bind").hasSize(1);

    String alice = Ids.newId();
    String bob = Ids.newId();
    String carol = Ids.newId();
    IssuedSession a1 = registry.create(alice);
    registry.create(alice);
    registry.create(alice);
    IssuedSession b1 = registry.create(bob);
    registry.create(bob);
    registry.create(carol);
    registry.revoke(alice, a1.session().id());
    registry.revokeAllExcept(bob, b1.session().id()); // by generation: the rows stay
    registry.revokeAll(carol);
    counting.takeExecuted();

    for (int i = 0; i < 50; i++) {
      assertThat(live()).as("the count made at bind, until 15 s passed").isZero();
    }
    assertThat(counting.takeExecuted()).isEmpty();
    clock.advance(Duration.ofSeconds(15));
    for (int i = 0; i < 50; i++) {
      assertThat(live()).as("alice's two, bob's kept one").isEqualTo(3);
    }
    assertThat(counting.takeExecuted()).as("one COUNT(*) for 50 scrapes").hasSize(1);

    registry.credentialsChanged(alice);
    clock.advance(Duration.ofMinutes(30));
    registry.create(carol);
    assertThat(live()).isEqualTo(2);
    clock.advance(Duration.ofMinutes(31));
    assertThat(live()).as("bob's is past its idle retain-until, not purged yet").isEqualTo(1);
    registry.revokeAll(bob);
    registry.revokeAll(carol);
    clock.advance(Duration.ofSeconds(15));
    assertThat(live()).isZero();
    assertThat(
            meters.get("sessionregistry.credentials.changes").tag("store", "sql").counter().count())
        .isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void theProbeIsOneSelectAndNoOperation(TestDatabase database) {
    CountingDataSource counting = new CountingDataSource(database.dataSource());
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(
                JdbcSessionStore.builder().dataSource(counting).dialect(database.dialect).build())
            .observer(SessionRegistryMetrics.create(meters, "sql"))
            .build();
    counting.takeExecuted();
    registry.checkStore();
    assertThat(counting.takeExecuted()).containsExactly("SELECT 1");
    assertThat(meters.getMeters()).as("no operation").isEmpty();
  }

  @Test
  void theProbeOfAnUnreachableDatabaseFailsTyped() {
    try (ConnectionPool pool =
        JdbcSessionStore.newPool(
            "jdbc:postgresql://127.0.0.1:1/test", "postgres", "", 2, Duration.ofMillis(500))) {
      JdbcSessionStore store =
          JdbcSessionStore.builder().dataSource(pool).dialect(Dialect.POSTGRESQL).build();
      assertThatThrownBy(store::probe)
          .isInstanceOf(SessionStoreUnavailableException.class)
          .hasMessageContaining("check the database");
    }
  }

  @Test
  void theStoresOwnPoolReportsThroughHikariCpsMeters() {
    TestDatabase database = TestDatabase.POSTGRESQL;
    database.dataSource(); // the schema
    try (ConnectionPool pool =
        JdbcSessionStore.newPool(
            database.url, database.user, database.password, 4, Duration.ofSeconds(5))) {
      pool.bindMetrics(meters);
      JdbcSessionStore store =
          JdbcSessionStore.builder().dataSource(pool).dialect(database.dialect).build();
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      IssuedSession issued = registry.create(Ids.newId());
      for (int i = 0; i < 9; i++) {
        assertThat(registry.authenticate(issued.token())).isPresent();
      }

      assertThat(
              meters
                  .get("hikaricp.connections.max")
                  .tag("pool", "session-registry")
                  .gauge()
                  .value())
          .isEqualTo(4);
      assertThat(meters.get("hikaricp.connections.active").gauge().value()).isZero();
      assertThat(meters.get("hikaricp.connections.pending").gauge().value()).isZero();
      assertThat(meters.get("hikaricp.connections.acquire").timer().count())
          .as("a connection for each of the ten calls")
          .isEqualTo(10);
      assertThat(meters.get("hikaricp.connections.usage").timer().count()).isEqualTo(10);
      assertThat(meters.get("hikaricp.connections.usage").timer().totalTime(TimeUnit.NANOSECONDS))
          .isPositive();
      assertThatThrownBy(() -> pool.bindMetrics(meters))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the pool session-registry has its meters bound already");
    }
  }

  /**
   * Micrometer is optional: a class an application holds as a bean (Spring introspects every method of it) names no
   * Micrometer type, or it fails to load without Micrometer (NoClassDefFoundError). Only ConnectionPool.bindMetrics
   * does, for an application that binds meters.
   */
  @Test
  void noStoreClassButTheMeterBindingNamesAMicrometerType() {
    for (Class<?> type :
        List.of(
            JdbcSessionStore.class,
            JdbcSessionStore.Builder.class,
            JdbcInvalidationChannel.class)) {
      for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
        List<Class<?>> named = new java.util.ArrayList<>(List.of(m.getParameterTypes()));
        named.add(m.getReturnType());
        assertThat(named)
            .as(type.getSimpleName() + "." + m.getName())
            .noneMatch(c -> c.getName().startsWith("io.micrometer."));
      }
    }
  }

  private double live() {
    return meters.get("sessionregistry.sessions.live").gauge().value();
  }
}
