package org.sessionregistry.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.redis.RedisSessionStore;
import redis.clients.jedis.Jedis;

/**
 * What {@code waitForReplicas(1, ...)} costs a revocation on Redis: the same revoke with and without its {@code WAIT},
 * on a master with one replica that this benchmark starts itself (the installed {@code redis-server}, on free loopback
 * ports), in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ReplicaWaitBenchmark {
  @Param({"0", "1"})
  public int replicas;

  private final List<Process> servers = new ArrayList<>();
  private Path dir;
  private RedisSessionStore store;
  private SessionRegistry registry;
  private IssuedSession session;

  @Setup(Level.Trial)
  public void start() throws Exception {
    dir = Files.createTempDirectory("sr-bench-replica");
    int master = freePort();
    int replica = freePort();
    servers.add(server(master, List.of()));
    servers.add(server(replica, List.of("--replicaof", "127.0.0.1", String.valueOf(master))));
    try (Jedis j = new Jedis("127.0.0.1", replica)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!j.info("replication").contains("master_link_status:up")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the benchmark's replica did not sync within 20 s");
        }
        Thread.sleep(50);
      }
    }
    store =
        RedisSessionStore.builder()
            .standalone("127.0.0.1", master)
            .waitForReplicas(replicas, Duration.ofSeconds(1))
            .build();
    registry = SessionRegistry.builder().store(store).build();
  }

  @Setup(Level.Invocation)
  public void freshSession() {
    session = registry.create(Ids.newId());
  }

  @Benchmark
  public boolean revoke() {
    return registry.revoke(session.session().userId(), session.session().id());
  }

  @Benchmark
  public void revokeAll() {
    registry.revokeAll(session.session().userId());
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    store.close();
    for (Process p : servers) {
      p.destroy();
      p.waitFor();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private Process server(int port, List<String> extra) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                System.getenv().getOrDefault("SR_REDIS_SERVER", "redis-server"),
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString()));
    command.addAll(extra);
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        j.ping();
        return p;
      } catch (RuntimeException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "redis-server on 127.0.0.1:" + port + " did not start", notYet);
        }
        Thread.sleep(50);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
