package org.sessionregistry.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
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
import org.sessionregistry.RegistryObserver;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.micrometer.SessionRegistryMetrics;

/**
 * What metrics add to an operation: the same registry without an observer and with {@link SessionRegistryMetrics}
 * over a Prometheus registry, in one run, on the in-memory store (the cheapest operation there is, where the fixed
 * cost shows most), PostgreSQL and Redis ({@link StoreKind}'s fixtures). One thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {
  @Param({"OFF", "ON"})
  public String metrics;

  @Param({"IN_MEMORY", "POSTGRESQL", "REDIS"})
  public StoreKind store;

  private StoreKind.Fixture fixture;

  private SessionRegistry registry;
  private PrometheusMeterRegistry meters;
  private String token;

  @Setup(Level.Trial)
  public void open() {
    RegistryObserver observer = RegistryObserver.none();
    if (metrics.equals("ON")) {
      meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      observer = SessionRegistryMetrics.create(meters, store.name().toLowerCase(Locale.ROOT));
    }
    fixture = store.open(ds -> ds, false, observer);
    registry = fixture.registry;
    Populate.others(registry, 1000);
    token = registry.create(Ids.newId()).token();
  }

  @Benchmark
  public Object authenticateHit() {
    return registry.authenticate(token);
  }

  /** A login: a session for a user of its own. */
  @Benchmark
  public Object create() {
    return registry.create(Ids.newId());
  }

  /** What timing alone costs: the two clock readings an observed operation takes (the same with metrics off). */
  @Benchmark
  public long twoClockReadings() {
    long start = System.nanoTime();
    return System.nanoTime() - start;
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    fixture.close();
    if (meters != null) {
      meters.close();
    }
  }
}
