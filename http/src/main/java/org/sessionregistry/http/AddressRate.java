package org.sessionregistry.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * Login attempts per client address and minute, on this node: a bucket of {@code perMinute} per address, refilled
 * over the minute. An attempt that turns out not to count (a success, a login the server was too busy to check) is
 * given back. Thread-safe.
 */
final class AddressRate {
  private static final double NANOS_PER_MINUTE = 60e9;
  private final int perMinute;
  private final Ticker ticker;

  /** Per address: {attempts left, ticker nanos of the last refill}. */
  private final Cache<String, double[]> buckets;

  AddressRate(int perMinute, Ticker ticker) {
    this.perMinute = perMinute;
    this.ticker = ticker;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(2))
            .ticker(ticker)
            .build();
  }

  /** Takes one attempt from the address's bucket, if it has one left. */
  boolean take(String address) {
    double[] bucket = buckets.get(address, a -> new double[] {perMinute, ticker.read()});
    synchronized (bucket) {
      long now = ticker.read();
      bucket[0] = Math.min(perMinute, bucket[0] + (now - bucket[1]) / NANOS_PER_MINUTE * perMinute);
      bucket[1] = now;
      if (bucket[0] < 1) {
        return false;
      }
      bucket[0] -= 1;
      return true;
    }
  }

  /** Gives back an attempt {@link #take taken}. */
  void giveBack(String address) {
    double[] bucket = buckets.getIfPresent(address);
    if (bucket != null) {
      synchronized (bucket) {
        bucket[0] = Math.min(perMinute, bucket[0] + 1);
      }
    }
  }
}
