package org.sessionregistry.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.RegistryObserver;
import org.sessionregistry.RevocationReason;

/**
 * The registry's operations as Micrometer meters: give it to {@code SessionRegistry.builder().observer(...)}.
 *
 * <pre>{@code
 * SessionRegistryMetrics metrics = SessionRegistryMetrics.create(meterRegistry, "redis");
 * SessionRegistry registry = SessionRegistry.builder().store(store).observer(metrics).build();
 * }</pre>
 *
 * <ul>
 *   <li>{@code sessionregistry.operations} (function timer, seconds: a count and a total, no maximum, so that
 *       recording reads no clock beyond the operation's own two readings): each operation, tagged {@code operation} (create,
 *       authenticate, touch, list, revoke, revoke_all, revoke_all_except, revoke_everyone, purge,
 *       credentials_change), {@code outcome}
 *       (hit, miss, ok, not_found, refused_by_limit, store_unavailable, store_error) and {@code store};
 *   <li>{@code sessionregistry.sessions.ended} (counter): sessions ended, tagged {@code reason} (logout, revoke,
 *       expired, session_limit, replaced_by_same_device, credentials_changed) and {@code store}, as the store reported
 *       them. Those a revoke-all ends are not read back, so not counted here: see the next;
 *   <li>{@code sessionregistry.revocations.bulk} (counter): revoke-all, revoke-all-except and revoke-everyone
 *       operations that succeeded, tagged {@code scope} (user, user_but_one, everyone) and {@code store};
 *   <li>{@code sessionregistry.credentials.changes} (counter): credential changes the application reported
 *       ({@code SessionRegistry.credentialsChanged}) whose revocation succeeded, tagged {@code store}.
 * </ul>
 *
 * <p>Meters are registered on first use, so a scrape shows only what happened. Recording allocates nothing once a
 * meter exists. Thread-safe.
 */
public final class SessionRegistryMetrics implements RegistryObserver {
  /** What a store tag may be: a short lower-case word, never anything a user chose. */
  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,31}");

  private static final Operation[] OPERATIONS = Operation.values();
  private static final Outcome[] OUTCOMES = Outcome.values();
  private static final RevocationReason[] REASONS = RevocationReason.values();

  private final MeterRegistry meters;
  private final Tags storeTag;
  private final AtomicReferenceArray<Timing> timings =
      new AtomicReferenceArray<>(OPERATIONS.length * OUTCOMES.length);
  private final AtomicReferenceArray<Counter> ended = new AtomicReferenceArray<>(REASONS.length);
  private final AtomicReferenceArray<Counter> bulk = new AtomicReferenceArray<>(OPERATIONS.length);
  private volatile @Nullable Counter credentialChanges;

  private SessionRegistryMetrics(MeterRegistry meters, String store) {
    this.meters = meters;
    this.storeTag = Tags.of("store", store);
  }

  /**
   * @param store what the {@code store} tag says: a short lower-case word such as {@code memory}, {@code postgresql},
   *     {@code redis}, {@code redis_cached}
   * @throws IllegalArgumentException if {@code store} is not such a word
   */
  public static SessionRegistryMetrics create(MeterRegistry meters, String store) {
    if (meters == null) {
      throw new IllegalArgumentException("meters must not be null");
    }
    if (store == null || !KIND.matcher(store).matches()) {
      throw new IllegalArgumentException(
          "store must be a lower-case word of at most 32 letters, digits and _,"
              + " was \""
              + store
              + "\"");
    }
    return new SessionRegistryMetrics(meters, store);
  }

  @Override
  public void operationEnded(Operation operation, Outcome outcome, long nanos) {
    int i = operation.ordinal() * OUTCOMES.length + outcome.ordinal();
    Timing timing = timings.get(i);
    if (timing == null) {
      timing = register(i, operation, outcome);
    }
    timing.count.increment();
    timing.nanos.add(nanos);
    if (outcome == Outcome.OK) {
      if (operation == Operation.REVOKE_ALL
          || operation == Operation.REVOKE_ALL_EXCEPT
          || operation == Operation.REVOKE_EVERYONE) {
        bulk(operation).increment();
      } else if (operation == Operation.CREDENTIALS_CHANGE) {
        credentialChanges().increment();
      }
    }
  }

  @Override
  public void sessionsEnded(RevocationReason reason, int count) {
    Counter counter = ended.get(reason.ordinal());
    if (counter == null) {
      counter =
          Counter.builder("sessionregistry.sessions.ended")
              .description(
                  "Sessions ended, by reason, as the store reported them (revoke-all's are not read back)")
              .tags(storeTag)
              .tag("reason", tag(reason))
              .register(meters);
      ended.set(reason.ordinal(), counter);
    }
    counter.increment(count);
  }

  /** The first of an operation and outcome: its timing, registered once whichever thread comes first. */
  private synchronized Timing register(int i, Operation operation, Outcome outcome) {
    Timing timing = timings.get(i);
    if (timing == null) {
      timing = new Timing();
      // The meter reads the adders at each scrape; this array keeps them (Micrometer holds them
      // weakly).
      FunctionTimer.builder(
              "sessionregistry.operations",
              timing,
              t -> t.count.sum(),
              t -> t.nanos.sum(),
              TimeUnit.NANOSECONDS)
          .description("Session registry operations, store round trips included")
          .tags(storeTag)
          .tag("operation", tag(operation))
          .tag("outcome", tag(outcome))
          .register(meters);
      timings.set(i, timing);
    }
    return timing;
  }

  /** One operation and outcome's count and total time, added to on the operation's thread without contention. */
  private static final class Timing {
    final LongAdder count = new LongAdder();
    final LongAdder nanos = new LongAdder();
  }

  private Counter credentialChanges() {
    Counter counter = credentialChanges;
    if (counter == null) {
      counter =
          Counter.builder("sessionregistry.credentials.changes")
              .description(
                  "Credential changes the application reported (SessionRegistry.credentialsChanged)")
              .tags(storeTag)
              .register(meters);
      credentialChanges = counter; // registering twice returns the same counter: no lock needed
    }
    return counter;
  }

  private Counter bulk(Operation operation) {
    Counter counter = bulk.get(operation.ordinal());
    if (counter == null) {
      String scope =
          switch (operation) {
            case REVOKE_ALL -> "user";
            case REVOKE_ALL_EXCEPT -> "user_but_one";
            default -> "everyone";
          };
      counter =
          Counter.builder("sessionregistry.revocations.bulk")
              .description(
                  "Revoke-all, revoke-all-except and revoke-everyone operations that succeeded")
              .tags(storeTag)
              .tag("scope", scope)
              .register(meters);
      bulk.set(operation.ordinal(), counter);
    }
    return counter;
  }

  private static String tag(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "SessionRegistryMetrics" + storeTag;
  }
}
