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
import org.sessionregistry.SessionPage;

/**
 * Walking every session ({@code SessionRegistry.listAll}) of a store holding {@code sessions} of them (ten to a user),
 * page by page, from the first cursor to the last; and counting them ({@code SessionRegistry.count}; on Redis the
 * count is a walk too, cached by the store, so the benchmark measures the walk the cache saves by a fresh store's
 * first count only once per trial: its {@code count} row is the cached answer). Each invocation is one whole walk:
 * single-shot times, several of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@Fork(1)
public class WalkBenchmark {
  @Param({"IN_MEMORY", "H2", "POSTGRESQL", "MARIADB", "REDIS"})
  public StoreKind store;

  @Param({"100000"})
  public int sessions;

  @Param({"200"})
  public int pageSize;

  private StoreKind.Fixture fixture;

  @Setup(Level.Trial)
  public void open() {
    fixture = store.open();
    Populate.others(fixture.registry, sessions);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    fixture.close();
  }

  /** One walk over every session; returns how many sessions it saw (at least {@code sessions}). */
  @Benchmark
  public long walk() {
    long seen = 0;
    String cursor = "";
    do {
      SessionPage page = fixture.registry.listAll(cursor, pageSize);
      seen += page.sessions().size();
      cursor = page.nextCursor();
    } while (!cursor.isEmpty());
    if (seen < sessions) {
      throw new IllegalStateException("the walk saw " + seen + " of " + sessions + " sessions");
    }
    return seen;
  }

  @Benchmark
  public long count() {
    return fixture.registry.count().count();
  }
}
