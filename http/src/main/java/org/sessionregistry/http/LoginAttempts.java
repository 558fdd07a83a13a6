package org.sessionregistry.http;

import java.time.Duration;

/**
 * Failed logins, and password checks in flight, per key (a user at a client address, or an address): where the
 * failed-login limits live. Give every node the same one (the runnable server uses its Redis or its database) so that
 * the limits hold across nodes and restarts; {@link #inProcess()} suits a single node.
 *
 * <p>Two counts per key, kept apart because they mean different things:
 *
 * <ul>
 *   <li><b>failures</b>, recorded by {@link #fail}, within a window that starts with the key's first failure. Only they
 *       lock a key: when they reach the limit, {@link #reserve} answers {@link Reservation#LOCKED}.
 *   <li><b>places</b>, one per password check in flight, taken by {@link #reserve} before the check so that parallel
 *       attempts cannot all pass a limit none of them has reached yet: failures plus places never exceed the limit,
 *       so at most the limit of wrong passwords is ever checked. A place ends as a failure ({@link #fail}) or without
 *       one ({@link #release}: the password was right, or it was not checked). A place never ended (its node stopped
 *       mid-check) lapses once {@code lease} has passed since the key's latest reservation.
 * </ul>
 *
 * <p>A success does not wipe earlier failures (unlike Mattermost's): they age out with their window, so that a guesser
 * who shares the owner's address does not get a fresh set of guesses each time the owner logs in.
 *
 * <p>Implementations must make each operation atomic per key, and be thread-safe. A failure to reach the counts must
 * be thrown (the runnable server's throw {@link org.sessionregistry.SessionStoreUnavailableException}), never taken as
 * "no failures".
 */
public interface LoginAttempts {

  /** What {@link #reserve} found. */
  enum Reservation {
    /** A place is taken: check the password, then {@link #fail} or {@link #release}. */
    RESERVED,
    /**
     * Failures and places in flight together fill the limit: nothing taken. One of those checks ends within a password
     * check's time; try again then.
     */
    ALL_RESERVED,
    /** The failures alone reach the limit: nothing taken. The key is locked until its window ends. */
    LOCKED
  }

  /**
   * One key's counts and when each ends, in whatever time unit an implementation keeps (epoch ms, ticker nanos): the
   * arithmetic every implementation shares, for those that read a key, change it and write it back atomically.
   *
   * @param failures failures recorded
   * @param failuresUntil when their window ends
   * @param places places taken by checks in flight
   * @param placesUntil when their lease ends
   */
  record Counts(long failures, long failuresUntil, long places, long placesUntil) {
    /** A key with nothing counted. */
    public static final Counts NONE = new Counts(0, 0, 0, 0);

    /** These counts at {@code now}: a failure window or a lease that has ended counts 0. */
    public Counts at(long now) {
      return new Counts(failuresUntil - now > 0 ? failures : 0, failuresUntil, placesUntil - now > 0 ? places : 0,
          placesUntil);
    }

    /** What a reservation under {@code limit} finds in these (live) counts. */
    public Reservation reservation(long limit) {
      return failures >= limit ? Reservation.LOCKED
          : failures + places >= limit ? Reservation.ALL_RESERVED : Reservation.RESERVED;
    }

    /** With one more place, all of whose lease now ends at {@code now + lease}. */
    public Counts reserved(long now, long lease) {
      return new Counts(failures, failuresUntil, places + 1, now + lease);
    }

    /** With one place ended as a failure; the first failure starts the window, {@code now + window}. */
    public Counts failed(long now, long window) {
      return new Counts(failures + 1, failures == 0 ? now + window : failuresUntil, Math.max(0, places - 1),
          placesUntil);
    }

    /** With one place ended without a failure. */
    public Counts released() {
      return new Counts(failures, failuresUntil, Math.max(0, places - 1), placesUntil);
    }

    /** Nothing counted: the key can go. */
    public boolean isEmpty() {
      return failures == 0 && places == 0;
    }
  }

  /** The failures recorded under {@code key} within its current window; 0 when none. */
  long failures(String key);

  /**
   * Takes a place under {@code key} if its failures plus its places are below {@code limit}.
   *
   * @param lease how long the key's places live, from now, if they are never ended
   */
  Reservation reserve(String key, long limit, Duration lease);

  /** Ends one of {@code key}'s places as a failure; the key's first failure starts a window of {@code window}. */
  void fail(String key, Duration window);

  /** Ends one of {@code key}'s places without a failure. */
  void release(String key);

  /** Counts in this JVM, for one node: up to a million keys, each kept while it has failures or places. */
  static LoginAttempts inProcess() {
    return new InProcessLoginAttempts(com.github.benmanes.caffeine.cache.Ticker.systemTicker());
  }
}
