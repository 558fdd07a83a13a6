package org.sessionregistry.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.ForwardingSessionStore;
import org.sessionregistry.testing.MutableClock;
import org.sessionregistry.testing.UnreachableStore;

/** The live-sessions gauge after real operations on the in-memory store: exact, and counted once per interval. */
class SessionStoreMetricsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final MeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void theInMemoryStoreCountsItsLiveSessionsExactly() {
    CountingStore store = new CountingStore(InMemorySessionStore.builder().clock(clock).build());
    FrontCache cache = FrontCache.builder().build();
    SessionStore cached = cache.over(store);
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(cached)
            .clock(clock)
            .idleTimeout(Duration.ofHours(1))
            .maxSessionsPerUser(3, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE)
            .build();
    SessionStoreMetrics.bind(meters, cached, Duration.ZERO, Tags.of("store", "memory"), clock);
    assertThat(live()).isZero();

    String alice = Ids.newId();
    String bob = Ids.newId();
    String carol = Ids.newId();
    List<IssuedSession> alices = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      alices.add(registry.create(alice)); // the fourth ends the first: the cap
      clock.advance(Duration.ofMillis(1));
    }
    IssuedSession bobs = registry.create(bob);
    registry.create(bob);
    registry.create(carol);
    assertThat(live()).isEqualTo(6);

    registry.revoke(alice, alices.get(1).session().id());
    assertThat(live()).isEqualTo(5);
    registry.revokeAllExcept(bob, bobs.session().id());
    assertThat(live()).isEqualTo(4);
    registry.revokeAll(carol);
    assertThat(live()).isEqualTo(3);
    registry.credentialsChanged(alice);
    assertThat(live()).as("bob's kept session").isEqualTo(1);

    clock.advance(Duration.ofMinutes(30));
    registry.create(carol);
    registry.create(carol);
    assertThat(live()).isEqualTo(3);
    clock.advance(Duration.ofMinutes(31));
    assertThat(live()).as("past their idle retain-until, not purged yet: not counted").isEqualTo(2);
    registry.revokeEveryone();
    assertThat(live()).isZero();
    registry.create(bob);
    assertThat(live()).isEqualTo(1);
    assertThat(store.counts.get()).as("one count per scrape, with countEvery zero").isEqualTo(11);
  }

  /** However often and however many at once scrape, one count per interval; a failed count waits as long. */
  @Test
  void aCountIsAskedAtMostOncePerIntervalHoweverOftenItIsScraped() throws Exception {
    CountingStore store = new CountingStore(InMemorySessionStore.builder().clock(clock).build());
    SessionRegistry registry = SessionRegistry.builder().store(store).clock(clock).build();
    registry.create(Ids.newId());
    SessionStoreMetrics.bind(meters, store, Duration.ofSeconds(15), Tags.empty(), clock);
    assertThat(store.counts.get()).as("asked once, at bind").isEqualTo(1);
    registry.create(Ids.newId());

    ExecutorService scrapers = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Double>> seen = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        seen.add(
            scrapers.submit(
                () -> {
                  go.await();
                  double last = 0;
                  for (int j = 0; j < 1_000; j++) {
                    last = live();
                  }
                  return last;
                }));
      }
      go.countDown();
      for (Future<Double> f : seen) {
        assertThat(f.get(30, TimeUnit.SECONDS)).as("the count at bind").isEqualTo(1);
      }
    } finally {
      scrapers.shutdownNow();
    }
    assertThat(store.counts.get()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(14));
    assertThat(live()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(live()).isEqualTo(2);
    assertThat(live()).isEqualTo(2);
    assertThat(store.counts.get()).isEqualTo(2);

    store.failing = true;
    clock.advance(Duration.ofSeconds(15));
    assertThat(live()).as("the store cannot be counted now").isNaN();
    assertThat(live()).isNaN();
    assertThat(store.counts.get()).as("a failure waits its interval too").isEqualTo(3);
    store.failing = false;
    clock.advance(Duration.ofSeconds(15));
    assertThat(live()).isEqualTo(2);
    assertThat(store.counts.get()).isEqualTo(4);
  }

  @Test
  void aStoreThatDoesNotCountHasNoGaugeAndOneDownShowsNaN() {
    SessionStore counting =
        new ForwardingSessionStore(InMemorySessionStore.create()) {
          @Override
          public boolean supportsListing() {
            return false; // as a store that cannot count
          }
        };
    SessionStoreMetrics.bind(meters, counting, Duration.ZERO, Tags.of("store", "other"), clock);
    assertThat(meters.find("sessionregistry.sessions.live").gauges()).isEmpty();
    assertThat(meters.find("sessionregistry.pool.connections").gauges()).isEmpty();
    SessionStore approximate =
        new ForwardingSessionStore(InMemorySessionStore.create()) {
          @Override
          public boolean countsExactly() {
            return false; // as Redis's, from a walk
          }

          @Override
          public SessionCount countAll(Instant now) {
            throw new AssertionError("counted to decide on a gauge: a walk at start on Redis");
          }
        };
    SessionStoreMetrics.bind(meters, approximate, Duration.ZERO, Tags.of("store", "approx"), clock);
    assertThat(meters.find("sessionregistry.sessions.live").gauges())
        .as("an approximate count makes no gauge")
        .isEmpty();

    CountingStore down = new CountingStore(InMemorySessionStore.builder().clock(clock).build());
    down.failing = true;
    SessionStoreMetrics.bind(meters, down, Duration.ZERO, Tags.of("store", "down"), clock);
    assertThat(live()).as("a store down at bind may count later: the gauge is there").isNaN();
    down.failing = false;
    assertThat(live()).isZero();

    assertThatThrownBy(
            () ->
                SessionStoreMetrics.bind(
                    meters, new UnreachableStore(), Duration.ofSeconds(-1), Tags.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("countEvery must be zero or positive, was PT-1S");
  }

  private double live() {
    return meters.get("sessionregistry.sessions.live").gauge().value();
  }

  /** The in-memory store, counting its counts, which can be made to fail. */
  private static final class CountingStore extends ForwardingSessionStore {
    private final SessionStore store;
    final AtomicInteger counts = new AtomicInteger();
    volatile boolean failing;

    CountingStore(SessionStore store) {
      super(store);
      this.store = store;
    }

    @Override
    public SessionCount countAll(Instant now) {
      counts.incrementAndGet();
      if (failing) {
        throw new SessionStoreUnavailableException(
            "test store is down", new java.io.IOException("down"));
      }
      return store.countAll(now);
    }
  }
}
