package org.sessionregistry.benchmarks;

import java.util.ArrayList;
import java.util.List;
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
import org.sessionregistry.Session;

/**
 * The other operations, one thread: authenticate a known token (hit) and an unknown one (miss), list a user's N
 * sessions, create a session, touch one (a write each time: the touch interval is zero here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class OperationsBenchmark {
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

  /** The user's sessions (what list returns). */
  @Param({"1", "100"})
  public int sessions;

  private StoreKind.Fixture fixture;
  private String user;
  private final List<String> tokens = new ArrayList<>();
  private final List<String> unknown = new ArrayList<>();
  private Session touched;
  private int next;

  @Setup(Level.Trial)
  public void open() {
    fixture = store.open();
    Populate.others(fixture.registry, 1000);
    user = Ids.newId();
    for (int i = 0; i < sessions; i++) {
      IssuedSession s = fixture.registry.create(user);
      tokens.add(s.token());
      touched = s.session();
    }
    // Unknown tokens of the same shape as the user's (the store's prefix, then 26 other random
    // characters), so that a
    // store that routes by the prefix (Redis) asks the server rather than refusing at once.
    String prefix = tokens.get(0).substring(0, tokens.get(0).length() - Ids.LENGTH);
    for (int i = 0; i < 1024; i++) {
      unknown.add(prefix + Ids.newId());
    }
  }

  @Benchmark
  public Object authenticateHit() {
    return fixture.registry.authenticate(tokens.get(next++ % tokens.size()));
  }

  @Benchmark
  public Object authenticateMiss() {
    return fixture.registry.authenticate(unknown.get(next++ & 1023));
  }

  @Benchmark
  public Object list() {
    return fixture.registry.list(user);
  }

  /** A login: a session for a user of its own, as real users have few sessions each. */
  @Benchmark
  public Object create() {
    return fixture.registry.create(Ids.newId());
  }

  @Benchmark
  public Object touch() {
    return fixture.registry.touch(touched);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    fixture.close();
  }
}
