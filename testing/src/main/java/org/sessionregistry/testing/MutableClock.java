package org.sessionregistry.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test moves it, with a monotonic ticker beside it ({@link #nanoTime()}, for a
 * front cache's {@code ticker}): time that passes moves both, a wall-clock step (NTP, a VM resumed) moves only the
 * wall clock. Thread-safe.
 */
public final class MutableClock extends Clock {
  private Instant now;
  private long nanos;

  public MutableClock(Instant start) {
    this.now = start;
  }

  /** Lets time pass: the wall clock and the ticker both move forward. */
  public synchronized void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException(
          "time passes forward; step the wall clock back with step(), was " + amount);
    }
    now = now.plus(amount);
    nanos += amount.toNanos();
  }

  /** Steps the wall clock, forward or back, as NTP would: the ticker does not move. */
  public synchronized void step(Duration amount) {
    now = now.plus(amount);
  }

  /** Lets time pass until the wall clock reads {@code instant}; steps it, if {@code instant} is earlier than now. */
  public synchronized void set(Instant instant) {
    Duration by = Duration.between(now, instant);
    if (by.isNegative()) {
      step(by);
    } else {
      advance(by);
    }
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  /** Nanoseconds of time passed: moved by {@link #advance}, never by {@link #step}. */
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a MutableClock is always UTC");
  }
}
