package org.sessionregistry.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;

/** {@link LoginAttempts#inProcess()}: atomic per key through the map's compute. */
final class InProcessLoginAttempts implements LoginAttempts {
  private record Count(long value, long windowNanos) {}

  private final Cache<String, Count> counts = Caffeine.newBuilder()
      .maximumSize(1_000_000)
      .expireAfter(Expiry.<String, Count>creating((k, c) -> Duration.ofNanos(c.windowNanos)))
      .build();

  @Override
  public long acquire(String key, Duration window) {
    return counts.asMap().compute(key, (k, c) -> c == null ? new Count(1, window.toNanos())
        : new Count(c.value + 1, c.windowNanos)).value;
  }

  @Override
  public void release(String key) {
    counts.asMap().computeIfPresent(key, (k, c) -> c.value <= 1 ? null : new Count(c.value - 1, c.windowNanos));
  }

  @Override
  public void reset(String key) {
    counts.invalidate(key);
  }
}
