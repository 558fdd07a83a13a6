package org.sessionregistry.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

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
 *       so at most the limit of wrong passwords is ever checked. Each place is named by its check ({@code place}, an id
 *       unique among all nodes) and has a deadline of its own, its lease from when it was taken. A place ends as a
 *       failure ({@link #fail}) or without one ({@link #release}: the password was right, or it was not checked). A
 *       place never ended (its node stopped mid-check, or ending it failed) lapses at its own deadline, however many
 *       other places are taken under the key meanwhile.
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
   * arithmetic shared by the implementations that read a key, change it and write it back atomically.
   *
   * @param failures failures recorded
   * @param failuresUntil when their window ends
   * @param places the places taken by checks in flight: each check's id, and when its lease ends
   */
  record Counts(long failures, long failuresUntil, Map<String, Long> places) {
    /** A key with nothing counted. */
    public static final Counts NONE = new Counts(0, 0, Map.of());

    public Counts {
      places = Map.copyOf(places);
    }

    /** These counts at {@code now}: a failure window or a place's lease that has ended counts 0. */
    public Counts at(long now) {
      Map<String, Long> live = places;
      if (places.values().stream().anyMatch(until -> until - now <= 0)) {
        live = new HashMap<>(places);
        live.values().removeIf(until -> until - now <= 0);
      }
      return new Counts(failuresUntil - now > 0 ? failures : 0, failuresUntil, live);
    }

    /** What a reservation under {@code limit} finds in these (live) counts. */
    public Reservation reservation(long limit) {
      return failures >= limit
          ? Reservation.LOCKED
          : failures + places.size() >= limit ? Reservation.ALL_RESERVED : Reservation.RESERVED;
    }

    /** With {@code place} taken, its lease ending at {@code now + lease}; the other places keep theirs. */
    public Counts reserved(String place, long now, long lease) {
      Map<String, Long> more = new HashMap<>(places);
      more.put(place, now + lease);
      return new Counts(failures, failuresUntil, more);
    }

    /** With {@code place} ended as a failure; the first failure starts the window, {@code now + window}. */
    public Counts failed(String place, long now, long window) {
      return new Counts(
          failures + 1, failures == 0 ? now + window : failuresUntil, released(place).places);
    }

    /** With {@code place} ended without a failure (nothing changes if it was not taken, or has lapsed). */
    public Counts released(String place) {
      if (!places.containsKey(place)) {
        return this;
      }
      Map<String, Long> fewer = new HashMap<>(places);
      fewer.remove(place);
      return new Counts(failures, failuresUntil, fewer);
    }

    /** Nothing counted: the key can go. */
    public boolean isEmpty() {
      return failures == 0 && places.isEmpty();
    }

    /** How long after {@code now} all of these will have ended, if nothing changes: 0 when they have. */
    public long left(long now) {
      long left = failures > 0 ? Math.max(0, failuresUntil - now) : 0;
      for (long until : places.values()) {
        left = Math.max(left, until - now);
      }
      return left;
    }
  }

  /** The failures recorded under {@code key} within its current window; 0 when none. */
  long failures(String key);

  /**
   * Takes the place {@code place} under {@code key} if its failures plus its places are below {@code limit}.
   *
   * @param place the check's id, unique among all nodes; the same for each key the check reserves
   * @param lease how long this place lives, from now, if it is never ended
   */
  Reservation reserve(String key, String place, long limit, Duration lease);

  /**
   * Ends {@code key}'s place {@code place} as a failure (the failure counts even if the place had lapsed); the key's
   * first failure starts a window of {@code window}.
   */
  void fail(String key, String place, Duration window);

  /** Ends {@code key}'s place {@code place} without a failure; nothing if it had lapsed. */
  void release(String key, String place);

  /** Counts in this JVM, for one node: up to a million keys, each kept while it has failures or places. */
  static LoginAttempts inProcess() {
    return new InProcessLoginAttempts(com.github.benmanes.caffeine.cache.Ticker.systemTicker());
  }
}
