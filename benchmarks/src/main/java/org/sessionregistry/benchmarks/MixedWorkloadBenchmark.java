package org.sessionregistry.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.sessionregistry.Ids;

/**
 * A server's traffic on four threads: 90% authenticate, 9% create, 1% revoke-all, over 2,000 users with 5 sessions
 * each. Throughput, in operations per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(4)
public class MixedWorkloadBenchmark {
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

  private StoreKind.Fixture fixture;
  private final List<String> users = new ArrayList<>();
  private final List<String> tokens = new ArrayList<>();

  @Setup(Level.Trial)
  public void open() {
    fixture = store.open();
    for (int u = 0; u < 2000; u++) {
      String user = Ids.newId();
      users.add(user);
      for (int i = 0; i < 5; i++) {
        tokens.add(fixture.registry.create(user).token());
      }
    }
  }

  @Benchmark
  public Object mixed() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int dice = random.nextInt(100);
    if (dice < 90) {
      return fixture.registry.authenticate(tokens.get(random.nextInt(tokens.size())));
    }
    String user = users.get(random.nextInt(users.size()));
    if (dice < 99) {
      return fixture.registry.create(user);
    }
    fixture.registry.revokeAll(user);
    return user;
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    fixture.close();
  }
}
