package org.sessionregistry.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * Revokes back to back, as the caller sees them: an untimed set-up makes {@value #USERS} users with N sessions each,
 * then one invocation revokes all of them in a row, and the time is divided by {@value #USERS}. Where
 * {@link RevokeBenchmark} times one revoke right after the burst of creates it needs (and pays what any first call
 * after other work pays, a {@code PING} too), only the first of these follows the set-up. {@code floorInARow} is the
 * store's one-round-trip floor ({@code PING}, a one-row {@code DELETE}) sent the same way, after the same set-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class RevokeInARowBenchmark {
  static final int USERS = 100;

  @Param({"IN_MEMORY", "H2", "POSTGRESQL", "REDIS"})
  public StoreKind store;

  @Param({"1", "100"})
  public int sessions;

  private StoreKind.Fixture fixture;
  private final String[] users = new String[USERS];
  private final String[] kept = new String[USERS];

  @Setup(Level.Trial)
  public void open() {
    fixture = store.open();
    Populate.others(fixture.registry, 1000);
  }

  @Setup(Level.Invocation)
  public void freshUsers() {
    for (int u = 0; u < USERS; u++) {
      users[u] = Ids.newId();
      IssuedSession first = fixture.registry.create(users[u]);
      kept[u] = first.session().id();
      for (int i = 1; i < sessions; i++) {
        fixture.registry.create(users[u]);
      }
    }
    fixture.registry.purgeExpired(
        1); // as RevokeBenchmark: deferred work done before, not billed to the revokes
    fixture.prepareRoundTrip.run();
  }

  @Benchmark
  @OperationsPerInvocation(USERS)
  public void revokeAll() {
    for (String user : users) {
      fixture.registry.revokeAll(user);
    }
  }

  @Benchmark
  @OperationsPerInvocation(USERS)
  public void revokeAllExcept() {
    for (int u = 0; u < USERS; u++) {
      fixture.registry.revokeAllExcept(users[u], kept[u]);
    }
  }

  @Benchmark
  @OperationsPerInvocation(USERS)
  public void floorInARow() {
    for (int u = 0; u < USERS; u++) {
      fixture.roundTrip.run();
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    fixture.close();
  }
}
