package org.sessionregistry.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.spi.InvalidationChannel;
import org.sessionregistry.spi.SessionStore;

/**
 * A cache of authenticated sessions in front of a store: authenticating a cached token costs no store round trip.
 * Build the settings once, then wrap the store with {@link #over} and give the registry the wrapped store:
 *
 * <pre>{@code
 * FrontCache cache = FrontCache.builder()
 *     .maximumSize(100_000)
 *     .maximumStaleness(Duration.ofSeconds(30))
 *     .channel(RedisInvalidationChannel.builder().redis("127.0.0.1", 6379).build())
 *     .build();
 * SessionRegistry registry = SessionRegistry.builder().store(cache.over(store)).build();
 * }</pre>
 *
 * <p>What it guarantees: a revocation made through this registry takes effect in its cache before the call returns,
 * including against loads in flight (a load that started before a revocation is never cached as valid); one made on
 * another node takes effect here when the channel delivers it (milliseconds on Redis, the poll interval on JDBC), and
 * never later than the maximum staleness, even if the message is lost. While the channel is disconnected the cache is
 * emptied and bypassed. Without a channel, a cache only suits a single node.
 *
 * <p>A cached session's last activity may lag the store's by up to the maximum staleness (another node recorded it):
 * near its idle timeout, a session may then be refused here that long before it really ends. A copy past its expiry is
 * read again from the store instead of refused: another node may have extended the session with activity.
 *
 * <p>Thread-safe; its settings are immutable.
 */
public final class FrontCache {
  private final long maximumSize;
  private final Duration maximumStaleness;
  private final @Nullable InvalidationChannel channel;
  private final Clock clock;
  private final LongSupplier ticker;
  private final @Nullable FrontCacheStats stats;

  private FrontCache(Builder b) {
    this.maximumSize = b.maximumSize;
    this.maximumStaleness = b.maximumStaleness;
    this.channel = b.channel;
    this.clock = b.clock;
    this.ticker = b.ticker;
    this.stats = b.recordStats ? new FrontCacheStats() : null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The store with this cache in front of it: give it to {@code SessionRegistry.builder().store(...)}. Each call makes a
   * new, empty cache subscribed to the channel; closing the returned store unsubscribes it and closes {@code store}
   * (the channel stays open: close it yourself).
   */
  public SessionStore over(SessionStore store) {
    if (store == null) {
      throw new IllegalArgumentException("store must not be null");
    }
    return new CachingSessionStore(store, this);
  }

  public long maximumSize() {
    return maximumSize;
  }

  public Duration maximumStaleness() {
    return maximumStaleness;
  }

  public @Nullable InvalidationChannel channel() {
    return channel;
  }

  public Clock clock() {
    return clock;
  }

  public LongSupplier ticker() {
    return ticker;
  }

  /**
   * What this cache's stores answered and hold (see {@link FrontCacheStats}).
   *
   * @throws IllegalStateException unless built with {@link Builder#recordStats()}
   */
  public FrontCacheStats stats() {
    if (stats == null) {
      throw new IllegalStateException(
          "the front cache keeps no stats: build it with recordStats()");
    }
    return stats;
  }

  /** Where the caches count, or null: counting is off. */
  @Nullable FrontCacheStats statsOrNull() {
    return stats;
  }

  /** Settings of a {@link FrontCache}, each checked when set. */
  public static final class Builder {
    private long maximumSize = 100_000;
    private Duration maximumStaleness = Duration.ofSeconds(30);
    private @Nullable InvalidationChannel channel;
    private Clock clock = Clock.systemUTC();
    private LongSupplier ticker = System::nanoTime;
    private boolean recordStats;

    private Builder() {}

    /** The most sessions cached. Default 100,000. */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximumSize must be at least 1, was " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * How long a cached session is trusted at most, whatever the channel does: the bound on how late a revocation on
     * another node can take effect here. Default 30 seconds; 1 ms to 1 day.
     */
    public Builder maximumStaleness(Duration maximumStaleness) {
      if (maximumStaleness == null
          || maximumStaleness.toMillis() < 1
          || maximumStaleness.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(
            "maximumStaleness must be 1 ms to 1 day, was " + maximumStaleness);
      }
      this.maximumStaleness = maximumStaleness;
      return this;
    }

    /** Where this node hears of other nodes' revocations, and tells its own. Default: none (a single node). */
    public Builder channel(InvalidationChannel channel) {
      if (channel == null) {
        throw new IllegalArgumentException("channel must not be null");
      }
      this.channel = channel;
      return this;
    }

    /**
     * The wall clock a cached session's absolute expiry is read by: give the registry's, when it has one of its own.
     * Default: the system clock, UTC. Staleness is not measured by it (see {@link #ticker}).
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * The monotonic clock, in nanoseconds, that cached sessions and tombstones are aged by, so that a wall clock
     * stepped back (NTP, a VM resumed) cannot keep a stale session trusted past the maximum staleness. Only
     * differences between readings count, as with {@link System#nanoTime()}, the default. For tests.
     */
    public Builder ticker(LongSupplier ticker) {
      if (ticker == null) {
        throw new IllegalArgumentException("ticker must not be null");
      }
      this.ticker = ticker;
      return this;
    }

    /**
     * Counts hits, misses and bypasses ({@link FrontCache#stats()}), for metrics: a few nanoseconds per
     * authentication. Default: off.
     */
    public Builder recordStats() {
      this.recordStats = true;
      return this;
    }

    public FrontCache build() {
      return new FrontCache(this);
    }
  }
}
