package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.micrometer.SessionRegistryMetrics;
import org.sessionregistry.micrometer.SessionStoreMetrics;
import org.sessionregistry.testing.Eventually;

/**
 * The Redis store's observability on real servers: its pool's gauges (active, idle, waiters) as calls hold and wait
 * for connections, the {@code PING} probe through a stop and a start, and no live-sessions gauge.
 */
class RedisObservabilityTest {
  private final MeterRegistry meters = new SimpleMeterRegistry();

  /**
   * Four creates on a pool of two while Redis is frozen: two hold a connection, two wait for one; then Redis runs on,
   * all four finish, and the pool keeps its two connections idle.
   */
  @Test
  void thePoolGaugesShowConnectionsInUseAndCallsWaiting() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisSessionStore store =
            RedisSessionStore.builder()
                .standalone("127.0.0.1", server.port())
                .maxConnections(2)
                .timeout(Duration.ofSeconds(30))
                .build()) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      SessionStoreMetrics.bind(meters, store, Duration.ZERO, Tags.of("store", "redis"));
      assertThat(meters.find("sessionregistry.sessions.live").gauges())
          .as("Redis counts no sessions: no gauge")
          .isEmpty();
      registry.create(Ids.newId());
      assertThat(pool("active")).isZero();
      assertThat(pool("idle")).as("the connection the create used").isEqualTo(1);
      for (int i = 0; i < 5; i++) {
        registry.create(Ids.newId());
      }
      assertThat(pool("idle")).as("calls one after another share it").isEqualTo(1);
      assertThat(waiters()).isZero();

      // Two connections open first: one made while Redis is frozen would wait in its handshake,
      // neither lent out
      // nor waiting for the pool.
      for (int attempt = 1; attempt <= 10 && pool("idle") < 2; attempt++) {
        server.pause();
        List<Future<IssuedSession>> warm = new ArrayList<>();
        try {
          for (int i = 0; i < 2; i++) {
            warm.add(callers.submit(() -> registry.create(Ids.newId())));
          }
          Thread.sleep(100L * attempt); // both in flight: the second opening a connection
        } finally {
          server.resume();
        }
        for (Future<IssuedSession> create : warm) {
          create.get(30, TimeUnit.SECONDS);
        }
      }
      assertThat(pool("idle")).isEqualTo(2);

      server.pause();
      List<Future<IssuedSession>> creates = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          creates.add(callers.submit(() -> registry.create(Ids.newId())));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(pool("active") == 2 && waiters() == 2) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(pool("active")).as("two calls hold the two connections").isEqualTo(2);
        assertThat(waiters()).as("two wait for one").isEqualTo(2);
        assertThat(pool("idle")).isZero();
      } finally {
        server.resume();
      }
      for (Future<IssuedSession> create : creates) {
        assertThat(registry.authenticate(create.get(30, TimeUnit.SECONDS).token())).isPresent();
      }
      assertThat(pool("active")).isZero();
      assertThat(pool("idle")).isEqualTo(2);
      assertThat(waiters()).isZero();
    } finally {
      callers.shutdownNow();
    }
  }

  /** A PING, counted as no operation; a stopped Redis fails it typed, and a started one answers it again. */
  @Test
  void theProbeFollowsRedisDownAndUpAndIsNoOperation() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisSessionStore store =
            RedisSessionStore.builder()
                .standalone("127.0.0.1", server.port())
                .timeout(Duration.ofMillis(500))
                .build()) {
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(store)
              .observer(SessionRegistryMetrics.create(meters, "redis"))
              .build();
      long pings = server.commandCalls(server.port()).getOrDefault("ping", 0L);
      registry.checkStore();
      assertThat(server.commandCalls(server.port()).get("ping")).isEqualTo(pings + 1);

      server.stop();
      assertThatThrownBy(registry::checkStore)
          .isInstanceOf(SessionStoreUnavailableException.class)
          .hasMessageContaining("could not check Redis");
      server.restart();
      assertThat(
              Eventually.answer(
                  () -> {
                    registry.checkStore();
                    return true;
                  }))
          .isTrue();
      assertThat(meters.getMeters()).as("probes are no operations").isEmpty();
    }
  }

  /** With the application's client, its pool is the application's to report. */
  @Test
  void aClientTheApplicationGaveReportsNoPool() {
    RedisSessionStore store =
        RedisSessionStore.builder().client(SharedRedis.client(), "the tests' client").build();
    assertThat(store.poolStatus()).isNull();
    store.probe();
  }

  private double pool(String state) {
    return meters
        .get("sessionregistry.pool.connections")
        .tags("store", "redis", "state", state)
        .gauge()
        .value();
  }

  private double waiters() {
    return meters.get("sessionregistry.pool.waiters").gauge().value();
  }
}
