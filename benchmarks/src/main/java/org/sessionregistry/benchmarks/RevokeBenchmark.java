package org.sessionregistry.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;

/**
 * The hot path: revoking all (or all but one) of a user's N sessions, with {@code others} sessions of other users in
 * the store.
 *
 * <p>Method: each invocation revokes a user that a per-invocation setup created with N sessions just before; JMH times
 * the benchmark method only, so the re-creation is never measured. Iterations last a fixed wall-clock time, so slow
 * stores (N = 1,000 on PostgreSQL) take as long as fast ones, with fewer invocations. Per-invocation setup costs a
 * timestamp pair (tens of nanoseconds), which matters only for the in-memory store at N = 1.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RevokeBenchmark {
  @Param({
    "IN_MEMORY",
    "H2",
    "POSTGRESQL",
    "REDIS",
    "IN_MEMORY_CACHED",
    "H2_CACHED",
    "POSTGRESQL_CACHED",
    "REDIS_CACHED"
  })
  public StoreKind store;

  @Param({"1", "10", "100", "1000"})
  public int sessions;

  /** Sessions of other users in the store: revoke-all must cost the same with 1,000 or 1,000,000. */
  @Param({"1000"})
  public int others;

  private StoreKind.Fixture fixture;
  private String user;
  private String keep;

  @Setup(Level.Trial)
  public void open() {
    fixture = store.open();
    Populate.others(fixture.registry, others);
  }

  @Setup(Level.Invocation)
  public void freshUser() {
    user = Ids.newId();
    IssuedSession first = fixture.registry.create(user);
    keep = first.session().id();
    for (int i = 1; i < sessions; i++) {
      fixture.registry.create(user);
    }
    // Do now what the stores defer, so the revoke is not billed for it: in memory, unlinking the
    // previous revoke-all's
    // entries; on SQL, deleting the rows it ended by generation.
    fixture.registry.purgeExpired(1);
    fixture.prepareRoundTrip.run();
  }

  @Benchmark
  public void revokeAll() {
    fixture.registry.revokeAll(user);
  }

  @Benchmark
  public void revokeAllExcept() {
    fixture.registry.revokeAllExcept(user, keep);
  }

  /**
   * The floor under the same conditions, right after the same per-invocation set-up: one {@code PING} (Redis), one
   * one-row primary-key {@code DELETE} (SQL), nothing (in-memory). A revoke cannot run back to back, so it always
   * follows a burst of creates and pays what a first call after other work pays (caches, wake-ups, the database's
   * background writes); the back-to-back floors of {@code FloorBenchmark} do not.
   */
  @Benchmark
  public void floorAfterSetup() {
    fixture.roundTrip.run();
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    fixture.close();
  }
}
