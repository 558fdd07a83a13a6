package org.sessionregistry.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.function.ToDoubleFunction;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.spi.PoolStatus;
import org.sessionregistry.spi.SessionStore;

/**
 * A store's own meters, where it has them:
 *
 * <ul>
 *   <li>{@code sessionregistry.sessions.live} (gauge): sessions the store keeps whose retain-until has not passed
 *       ({@link SessionStore#countAll}), counted at most once per {@code countEvery} however often it is scraped, and
 *       shown as last counted in between; NaN while the store cannot be asked. Only for stores that count exactly: in
 *       memory (a walk in the heap), by one {@code COUNT(*)} on SQL; none on Redis, whose count is an approximation
 *       from a walk over every key;
 *   <li>{@code sessionregistry.pool.connections} (gauge), tagged {@code state} (active, idle), and
 *       {@code sessionregistry.pool.waiters} (gauge): the store's own pool ({@link SessionStore#poolStatus}), on Redis.
 *       The JDBC store's HikariCP pool has HikariCP's own meters ({@code hikaricp.connections...}): see
 *       {@code ConnectionPool.bindMetrics}.
 * </ul>
 *
 * <pre>{@code
 * SessionStoreMetrics.bind(meterRegistry, store, Duration.ofSeconds(15), Tags.of("store", "postgresql"));
 * }</pre>
 */
public final class SessionStoreMetrics {
  private SessionStoreMetrics() {}

  /**
   * Registers the store's meters: a live-sessions gauge if the store counts its sessions exactly
   * ({@link SessionStore#countsExactly}, counted once here; a store that counts approximately, Redis, is not walked
   * to decide), pool gauges if it reports a pool.
   * Give the store as the registry uses it (a front cache passes both through).
   *
   * @param countEvery at least this long between two counts: the scrape interval (zero counts at every scrape)
   * @param tags added to each meter, such as the {@code store} tag the registry's meters have
   * @throws IllegalArgumentException if {@code countEvery} is negative
   */
  public static void bind(
      MeterRegistry meters, SessionStore store, Duration countEvery, Tags tags) {
    bind(meters, store, countEvery, tags, Clock.systemUTC());
  }

  /**
   * {@link #bind(MeterRegistry, SessionStore, Duration, Tags)} on this clock (the registry's): it gives the instant
   * sessions are counted at, and measures {@code countEvery}.
   */
  public static void bind(
      MeterRegistry meters, SessionStore store, Duration countEvery, Tags tags, Clock clock) {
    if (meters == null || store == null || tags == null || clock == null) {
      throw new IllegalArgumentException("meters, store, tags and clock must not be null");
    }
    if (countEvery == null || countEvery.isNegative()) {
      throw new IllegalArgumentException("countEvery must be zero or positive, was " + countEvery);
    }
    LiveCount live = new LiveCount(store, countEvery.toMillis(), clock);
    if (live.counts()) {
      Gauge.builder("sessionregistry.sessions.live", live, LiveCount::value)
          .description(
              "Sessions the store keeps whose retain-until has not passed, as last counted")
          .tags(tags)
          .strongReference(true)
          .register(meters);
    }
    if (store.poolStatus() != null) {
      poolGauge(meters, store, tags, "sessionregistry.pool.connections", "active", p -> p.active());
      poolGauge(meters, store, tags, "sessionregistry.pool.connections", "idle", p -> p.idle());
      Gauge.builder("sessionregistry.pool.waiters", store, s -> pool(s, PoolStatus::waiters))
          .description("Calls waiting for a connection of the store's pool")
          .tags(tags)
          .strongReference(true)
          .register(meters);
    }
  }

  private static void poolGauge(
      MeterRegistry meters,
      SessionStore store,
      Tags tags,
      String name,
      String state,
      ToDoubleFunction<PoolStatus> value) {
    Gauge.builder(name, store, s -> pool(s, value))
        .description("Connections of the store's pool, by state")
        .tags(tags)
        .tag("state", state)
        .strongReference(true)
        .register(meters);
  }

  private static double pool(SessionStore store, ToDoubleFunction<PoolStatus> value) {
    PoolStatus status = store.poolStatus();
    return status == null ? Double.NaN : value.applyAsDouble(status);
  }

  /**
   * The last count, and when it was asked for: a scrape asks the store only once {@code every} has passed since the
   * last ask (answered or not), and concurrent scrapes wait for one ask rather than making their own.
   */
  private static final class LiveCount {
    private final SessionStore store;
    private final long every;
    private final Clock clock;
    private long askedAt;
    private boolean asked;
    private double last = Double.NaN;

    LiveCount(SessionStore store, long every, Clock clock) {
      this.store = store;
      this.every = every;
      this.clock = clock;
    }

    /**
     * Whether the store counts exactly, as it says without counting (a store that would walk, Redis, is never walked
     * to decide); if so, the first count, so that the gauge has a value at once (a store down now shows NaN).
     */
    synchronized boolean counts() {
      if (!store.supportsListing() || !store.countsExactly()) {
        return false;
      }
      askedAt = clock.millis();
      asked = true;
      try {
        last = store.countAll(clock.instant()).count();
      } catch (SessionStoreException e) {
        last = Double.NaN;
      }
      return true;
    }

    synchronized double value() {
      long now = clock.millis();
      // A clock set back counts again rather than never.
      if (asked && now - askedAt < every && now >= askedAt) {
        return last;
      }
      askedAt = now;
      asked = true;
      try {
        SessionCount count = store.countAll(clock.instant());
        last = count.exact() ? count.count() : Double.NaN;
      } catch (RuntimeException e) {
        last =
            Double
                .NaN; // a scrape shows the store cannot be counted; the store's own errors count it
      }
      return last;
    }
  }
}
