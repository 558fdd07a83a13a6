package org.sessionregistry.redis.internal;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The deadline of the store call running on this thread: waiting for a pooled connection, connecting, the connection's
 * handshake and the answer all come out of one timeout, so that no call takes longer than it however it is delayed
 * (each phase with a timeout of its own, a call that first waited for a connection could take twice as long).
 */
public final class Deadline {
  private static final ThreadLocal<long[]> CURRENT = new ThreadLocal<>();

  private Deadline() {}

  /** Runs {@code call} within {@code timeout}; a call nested in another keeps the outer deadline. */
  public static <T> T within(Duration timeout, Supplier<T> call) {
    if (CURRENT.get() != null) {
      return call.get();
    }
    CURRENT.set(new long[] {System.nanoTime() + timeout.toNanos()});
    try {
      return call.get();
    } finally {
      CURRENT.remove();
    }
  }

  /**
   * Milliseconds left to the deadline of the call on this thread (at most 0 once passed), or {@code otherwise} when
   * no call set one.
   */
  public static long remainingMillis(long otherwise) {
    long[] deadline = CURRENT.get();
    if (deadline == null) {
      return otherwise;
    }
    long nanos = deadline[0] - System.nanoTime();
    return nanos <= 0 ? 0 : Math.max(1, nanos / 1_000_000);
  }
}
