package org.sessionregistry.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.cache.FrontCacheStats;

/**
 * A front cache's meters, read from its {@link FrontCacheStats} at each scrape (nothing is added to a request):
 *
 * <ul>
 *   <li>{@code sessionregistry.cache.lookups} (counter), tagged {@code result}: {@code hit} (answered from memory),
 *       {@code miss} (read from the store), {@code bypass} (read from the store because the channel was down);
 *   <li>{@code sessionregistry.cache.entries} (gauge): sessions cached;
 *   <li>{@code sessionregistry.cache.tombstones} (gauge): invalidations remembered.
 * </ul>
 */
public final class FrontCacheMetrics {
  private FrontCacheMetrics() {}

  /**
   * Registers the cache's meters.
   *
   * @param tags added to each meter, to tell several caches apart (none for one)
   * @throws IllegalStateException if the cache was not built with {@link FrontCache.Builder#recordStats()}
   */
  public static void bind(MeterRegistry meters, FrontCache cache, Tags tags) {
    FrontCacheStats stats = cache.stats();
    for (String result : new String[] {"hit", "miss", "bypass"}) {
      FunctionCounter.builder(
              "sessionregistry.cache.lookups",
              stats,
              s ->
                  switch (result) {
                    case "hit" -> s.hits();
                    case "miss" -> s.misses();
                    default -> s.bypasses();
                  })
          .description("Front cache look-ups by token, by result")
          .tags(tags)
          .tag("result", result)
          .register(meters);
    }
    Gauge.builder("sessionregistry.cache.entries", stats, FrontCacheStats::entries)
        .description("Sessions in the front cache")
        .tags(tags)
        .strongReference(true)
        .register(meters);
    Gauge.builder("sessionregistry.cache.tombstones", stats, FrontCacheStats::tombstones)
        .description("Invalidations the front cache remembers")
        .tags(tags)
        .strongReference(true)
        .register(meters);
  }

  /** {@link #bind(MeterRegistry, FrontCache, Tags)} without tags. */
  public static void bind(MeterRegistry meters, FrontCache cache) {
    bind(meters, cache, Tags.empty());
  }
}
