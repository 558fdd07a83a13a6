package org.sessionregistry.testing;

import java.time.Duration;
import java.util.function.Supplier;
import org.sessionregistry.SessionStoreException;

/** For failure tests: waits for a store that was down to answer again. */
public final class Eventually {
  private Eventually() {}

  /**
   * The first answer of {@code call} that is not a {@link SessionStoreException}, trying every 100 ms for up to ten
   * seconds; the last exception if none came.
   */
  public static <T> T answer(Supplier<T> call) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (; ; ) {
      try {
        return call.get();
      } catch (SessionStoreException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
