package org.sessionregistry;

import java.time.Instant;

/**
 * How many sessions a store holds ({@link SessionRegistry#count}).
 *
 * @param count the number of sessions
 * @param exact whether it is exact at {@code countedAt} (memory, SQL), or an approximation that may be older than the
 *     call (Redis: a count cached from an earlier walk over every key; see the store's documentation)
 * @param countedAt when it was counted
 */
public record SessionCount(long count, boolean exact, Instant countedAt) {
  public SessionCount {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, was " + count);
    }
    if (countedAt == null) {
      throw new IllegalArgumentException("countedAt must not be null");
    }
  }
}
