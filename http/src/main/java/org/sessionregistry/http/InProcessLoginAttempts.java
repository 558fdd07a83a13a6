package org.sessionregistry.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/** {@link LoginAttempts#inProcess()}: atomic per key through the map's compute; times are the ticker's nanos. */
final class InProcessLoginAttempts implements LoginAttempts {
  private final Ticker ticker;
  private final Cache<String, Counts> counts;

  InProcessLoginAttempts(Ticker ticker) {
    this.ticker = ticker;
    this.counts =
        Caffeine.newBuilder()
            .maximumSize(1_000_000)
            .ticker(ticker)
            .expireAfter(
                Expiry.<String, Counts>writing((k, c) -> Duration.ofNanos(c.left(ticker.read()))))
            .build();
  }

  @Override
  public long failures(String key) {
    Counts c = counts.getIfPresent(key);
    return c == null ? 0 : c.at(ticker.read()).failures();
  }

  @Override
  public Reservation reserve(String key, String place, long limit, Duration lease) {
    Reservation[] outcome = new Reservation[1];
    counts
        .asMap()
        .compute(
            key,
            (k, old) -> {
              long now = ticker.read();
              Counts live = old == null ? Counts.NONE : old.at(now);
              outcome[0] = live.reservation(limit);
              return outcome[0] == Reservation.RESERVED
                  ? live.reserved(place, now, lease.toNanos())
                  : old;
            });
    return outcome[0];
  }

  @Override
  public void fail(String key, String place, Duration window) {
    counts
        .asMap()
        .compute(
            key,
            (k, old) -> {
              long now = ticker.read();
              return (old == null ? Counts.NONE : old.at(now)).failed(place, now, window.toNanos());
            });
  }

  @Override
  public void release(String key, String place) {
    counts
        .asMap()
        .computeIfPresent(
            key,
            (k, old) -> {
              Counts c = old.at(ticker.read()).released(place);
              return c.isEmpty() ? null : c;
            });
  }
}
