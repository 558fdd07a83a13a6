package org.sessionregistry.cache;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the caches of one {@link FrontCache} answered, and what they hold, summed over the caches it made with
 * {@link FrontCache#over} that are still open: for metrics. Kept only when the cache was built with
 * {@link FrontCache.Builder#recordStats()}. Counts only grow. Thread-safe; reading costs no store round trip.
 */
public final class FrontCacheStats {
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder bypasses = new LongAdder();
  final CopyOnWriteArrayList<CachingSessionStore> caches = new CopyOnWriteArrayList<>();

  FrontCacheStats() {}

  /** Authentications answered from the cache. */
  public long hits() {
    return hits.sum();
  }

  /** Authentications the cache could not answer, read from the store. */
  public long misses() {
    return misses.sum();
  }

  /** Authentications read from the store because the channel was down: the cache was not trusted. */
  public long bypasses() {
    return bypasses.sum();
  }

  /** Sessions cached now (an estimate, as Caffeine's). */
  public long entries() {
    return caches.stream().mapToLong(CachingSessionStore::entries).sum();
  }

  /** Invalidations remembered now, each until the maximum staleness passed (an estimate). */
  public long tombstones() {
    return caches.stream().mapToLong(CachingSessionStore::tombstones).sum();
  }
}
