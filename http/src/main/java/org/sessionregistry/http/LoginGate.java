package org.sessionregistry.http;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The limits in front of a password check, none of which costs a hash:
 *
 * <ol>
 *   <li>a rate of attempts per client address ({@link AddressRate}); a success, or an attempt not checked because the
 *       server was busy, is given back;
 *   <li>failures of one user from one address: at the limit the address is locked out of the user (the owner
 *       elsewhere still logs in). Only recorded failures lock: a correct password is never told "locked" because
 *       other checks of the user are in flight;
 *   <li>failures from one address, whatever the user (one client spraying guesses over many users);
 *   <li>password checks at once on this node (a hash is ~100 ms of a core: more at once would only queue every other
 *       request behind them). A login that finds them all busy waits for one, first come first served, as long as no
 *       more than {@code maxWaiting} are waiting and for at most {@code maxWait}; beyond, it is {@link Refusal#BUSY}.
 * </ol>
 *
 * <p>Before its check a login takes a place under both failure counts ({@link LoginAttempts#reserve}), so parallel
 * wrong passwords cannot pass a limit none of them has reached yet: at most the limit of them is ever hashed. A login
 * whose places are all taken by checks in flight lets its turn go and queues again shortly: one of those checks ends
 * within a hash's time, as a failure (then it may be locked, rightly) or not (then it gets the place).
 *
 * <p>Waits are real time ({@link System#nanoTime}): they are threads waiting. The rate's and the in-process counts'
 * time comes from the ticker. Thread-safe.
 */
final class LoginGate {
  /** Why a login was refused before its check. */
  enum Refusal {
    /** Too many attempts from the address this minute. */
    RATE,
    /** The user's failures from this address reached the limit. */
    LOCKED,
    /** The address's failures, whatever the user, reached the limit. */
    ADDRESS_FAILURES,
    /** Every password check was busy, and waiting for one was full or took too long. */
    BUSY
  }

  /** A login refused before its password was checked. */
  static final class Refused extends RuntimeException {
    final Refusal reason;

    Refused(Refusal reason) {
      super(reason.name(), null, false, false);
      this.reason = reason;
    }
  }

  private static final System.Logger LOG = System.getLogger(LoginGate.class.getName());

  /** Longest a place may be held: a check, however slow, ends well within it. */
  static final Duration PLACE_LEASE = Duration.ofMinutes(1);

  /** How long a login whose places are all taken lets others go before it queues again. */
  private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final LoginAttempts attempts;
  private final int maxFailed;
  private final int maxFailedPerAddress;
  private final Duration lockout;
  private final Semaphore checks;
  private final int maxInGate;
  private final long maxWaitNanos;
  private final AddressRate rate;

  /** Logins waiting for a check or being checked. */
  private final AtomicInteger inGate = new AtomicInteger();

  LoginGate(
      LoginAttempts attempts,
      int maxFailed,
      int maxFailedPerAddress,
      Duration lockout,
      int maxChecks,
      int maxWaiting,
      Duration maxWait,
      int attemptsPerMinute,
      Ticker ticker) {
    this.attempts = attempts;
    this.maxFailed = maxFailed;
    this.maxFailedPerAddress = maxFailedPerAddress;
    this.lockout = lockout;
    this.checks = new Semaphore(maxChecks, true);
    this.maxInGate = maxChecks + maxWaiting;
    this.maxWaitNanos = maxWait.toNanos();
    this.rate = new AddressRate(attemptsPerMinute, ticker);
  }

  /**
   * Checks a password through the limits: {@code verify}'s answer, or {@link Refused}.
   *
   * @param user the user the login names (its id, or the login id when unknown), whatever its spelling: asked only
   *     once the address's rate has let the attempt in, so that a flood refused by the rate costs no lookup
   * @param address the client's address
   */
  <T> Optional<T> check(Supplier<String> user, String address, Supplier<Optional<T>> verify) {
    if (!rate.take(address)) {
      throw new Refused(Refusal.RATE);
    }
    boolean countsAgainstRate = true;
    try {
      String userAtAddress = "u:" + user.get() + "@" + address;
      String fromAddress = "a:" + address;
      // Before any wait: a locked login does not take a place in the queue.
      if (attempts.failures(userAtAddress) >= maxFailed) {
        throw new Refused(Refusal.LOCKED);
      }
      if (attempts.failures(fromAddress) >= maxFailedPerAddress) {
        throw new Refused(Refusal.ADDRESS_FAILURES);
      }
      if (inGate.incrementAndGet() > maxInGate) {
        inGate.decrementAndGet();
        countsAgainstRate = false;
        throw new Refused(Refusal.BUSY);
      }
      try {
        Optional<T> verified = checkInTurn(userAtAddress, fromAddress, verify);
        countsAgainstRate = verified.isEmpty();
        return verified;
      } catch (Refused r) {
        countsAgainstRate = r.reason != Refusal.BUSY;
        throw r;
      } finally {
        inGate.decrementAndGet();
      }
    } finally {
      if (!countsAgainstRate) {
        rate.giveBack(address);
      }
    }
  }

  private <T> Optional<T> checkInTurn(
      String userAtAddress, String fromAddress, Supplier<Optional<T>> verify) {
    long deadline = System.nanoTime() + maxWaitNanos;
    // This check's places under both keys: ended by this id, or lapsing one lease after they were
    // taken.
    String place = UUID.randomUUID().toString();
    while (true) {
      acquireCheck(deadline);
      try {
        if (reserve(userAtAddress, fromAddress, place)) {
          return checkReserved(userAtAddress, fromAddress, place, verify);
        }
      } finally {
        checks.release();
      }
      pause(deadline);
    }
  }

  /** Both places, or none: true if taken; false if all are taken by checks in flight. */
  private boolean reserve(String userAtAddress, String fromAddress, String place) {
    LoginAttempts.Reservation user = attempts.reserve(userAtAddress, place, maxFailed, PLACE_LEASE);
    if (user == LoginAttempts.Reservation.LOCKED) {
      throw new Refused(Refusal.LOCKED);
    }
    if (user == LoginAttempts.Reservation.ALL_RESERVED) {
      return false;
    }
    LoginAttempts.Reservation any;
    try {
      any = attempts.reserve(fromAddress, place, maxFailedPerAddress, PLACE_LEASE);
    } catch (RuntimeException e) {
      try {
        attempts.release(userAtAddress, place);
      } catch (RuntimeException r) {
        e.addSuppressed(r);
      }
      throw e;
    }
    if (any == LoginAttempts.Reservation.RESERVED) {
      return true;
    }
    attempts.release(userAtAddress, place);
    if (any == LoginAttempts.Reservation.LOCKED) {
      throw new Refused(Refusal.ADDRESS_FAILURES);
    }
    return false;
  }

  /**
   * Checks the password in its places, and ends both whatever happens to either: as failures if the password was
   * wrong (a failure that could not be recorded is thrown), else released. A right password stays right if releasing
   * fails: that is logged, and the place lapses with its lease.
   */
  private <T> Optional<T> checkReserved(
      String userAtAddress, String fromAddress, String place, Supplier<Optional<T>> verify) {
    Optional<T> verified;
    try {
      verified = verify.get();
    } catch (RuntimeException | Error e) {
      try {
        endPlaces(userAtAddress, fromAddress, place, false);
      } catch (RuntimeException r) {
        e.addSuppressed(r);
      }
      throw e;
    }
    if (verified.isEmpty()) {
      endPlaces(userAtAddress, fromAddress, place, true);
      return verified;
    }
    try {
      endPlaces(userAtAddress, fromAddress, place, false);
    } catch (RuntimeException e) {
      // No key, user or address here: only what failed. The login is good; its places lapse with
      // their lease.
      LOG.log(
          System.Logger.Level.WARNING,
          "a verified login's check places could not be released; they lapse within "
              + PLACE_LEASE.toSeconds()
              + " s: "
              + e);
    }
    return verified;
  }

  /** Ends the place under both keys, the second even if ending the first throws. */
  private void endPlaces(String userAtAddress, String fromAddress, String place, boolean failed) {
    try {
      endPlace(userAtAddress, place, failed);
    } finally {
      endPlace(fromAddress, place, failed);
    }
  }

  private void endPlace(String key, String place, boolean failed) {
    if (failed) {
      attempts.fail(key, place, lockout);
    } else {
      attempts.release(key, place);
    }
  }

  private void acquireCheck(long deadline) {
    try {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !checks.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        throw new Refused(Refusal.BUSY);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused(Refusal.BUSY);
    }
  }

  private static void pause(long deadline) {
    long nanos = Math.min(RETRY_NANOS, deadline - System.nanoTime());
    if (nanos <= 0) {
      throw new Refused(Refusal.BUSY);
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused(Refusal.BUSY);
    }
  }
}
