package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.micrometer.ChannelMetrics;
import org.sessionregistry.micrometer.FrontCacheMetrics;
import org.sessionregistry.micrometer.SessionRegistryMetrics;
import redis.clients.jedis.RedisClient;

/** The metrics binding after real operations on a Redis of the test's own, and while the channel's Redis is down. */
class RedisMetricsTest {
  /** The channel's timeout, and the margin a busy machine gets on top of it. */
  private static final Duration CHANNEL_TIMEOUT = Duration.ofSeconds(2);

  private static final Duration MARGIN = Duration.ofSeconds(3);

  @Test
  void operationsAreCountedExactlyAndARevokeAllStaysOneCommand() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", server.port())) {
      MeterRegistry meters = new SimpleMeterRegistry();
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(RedisSessionStore.builder().client(client, "test").build())
              .observer(SessionRegistryMetrics.create(meters, "redis"))
              .build();
      String user = Ids.newId();
      IssuedSession first = registry.create(user);
      registry.create(user);
      registry.create(user);
      registry.authenticate(first.token());
      registry.authenticate(first.token().substring(0, 20) + "aaaaaaaaaaaaaaaaaaaaaaaaaa");
      registry.revoke(user, first.session().id());
      registry.revokeAll(user); // warms the script cache: the next is measured

      registry.create(user);
      registry.create(user);
      Map<String, Long> commands = commandsOf(server, () -> registry.revokeAll(user));

      assertThat(commands)
          .as("with metrics, a revoke-all is still one UNLINK: nothing read back")
          .isEqualTo(Map.of("unlink", 1L));
      assertThat(count(meters, "create", "ok")).isEqualTo(5);
      assertThat(count(meters, "authenticate", "hit")).isEqualTo(1);
      assertThat(count(meters, "authenticate", "miss")).isEqualTo(1);
      assertThat(count(meters, "revoke", "ok")).isEqualTo(1);
      assertThat(count(meters, "revoke_all", "ok")).isEqualTo(2);
      assertThat(
              meters
                  .get("sessionregistry.sessions.ended")
                  .tag("reason", "revoke")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(
              meters
                  .get("sessionregistry.revocations.bulk")
                  .tags("store", "redis", "scope", "user")
                  .counter()
                  .count())
          .isEqualTo(2);

      server.stop();
      try {
        registry.authenticate(first.token());
      } catch (RuntimeException expected) {
        // The store is down: the token is refused.
      }
      assertThat(count(meters, "authenticate", "store_unavailable")).isEqualTo(1);
    }
  }

  /**
   * The channel's own Redis stops: the connected gauge falls to 0 within the channel's timeout plus a margin, and the
   * cache counts bypasses meanwhile; Redis starts again and the gauge comes back to 1.
   */
  @Test
  void theChannelGaugeFollowsItsRedisDownAndUp() throws Exception {
    try (OwnedRedis storeServer = OwnedRedis.standalone();
        OwnedRedis channelServer = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", storeServer.port());
        RedisInvalidationChannel channel =
            RedisInvalidationChannel.builder()
                .redis("127.0.0.1", channelServer.port())
                .timeout(CHANNEL_TIMEOUT)
                .build()) {
      MeterRegistry meters = new SimpleMeterRegistry();
      FrontCache cache = FrontCache.builder().channel(channel).recordStats().build();
      FrontCacheMetrics.bind(meters, cache);
      ChannelMetrics.bind(meters, channel);
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(cache.over(RedisSessionStore.builder().client(client, "test").build()))
              .build();
      await(
          "connected",
          () -> gauge(meters, "sessionregistry.channel.connected") == 1,
          Duration.ofSeconds(10));
      IssuedSession issued = registry.create(Ids.newId());
      registry.authenticate(issued.token());
      assertThat(lookups(meters, "hit")).isEqualTo(1);
      double since = gauge(meters, "sessionregistry.channel.state.since");

      channelServer.stop();
      await(
          "down",
          () -> gauge(meters, "sessionregistry.channel.connected") == 0,
          CHANNEL_TIMEOUT.plus(MARGIN));
      assertThat(gauge(meters, "sessionregistry.channel.state.since")).isGreaterThan(since);
      assertThat(registry.authenticate(issued.token())).as("from the store").isPresent();
      assertThat(lookups(meters, "bypass")).isEqualTo(1);

      channelServer.restart();
      await(
          "up again",
          () -> gauge(meters, "sessionregistry.channel.connected") == 1,
          CHANNEL_TIMEOUT.plus(MARGIN));
      assertThat(gauge(meters, "sessionregistry.channel.silence"))
          .as("seconds since it heard Redis")
          .isLessThan(MARGIN.toSeconds());
      registry.authenticate(issued.token());
      registry.authenticate(issued.token());
      assertThat(lookups(meters, "miss") + lookups(meters, "hit")).as("trusted again").isEqualTo(3);
    }
  }

  private static long count(MeterRegistry meters, String operation, String outcome) {
    var timer =
        meters
            .find("sessionregistry.operations")
            .tags("store", "redis", "operation", operation, "outcome", outcome)
            .functionTimer();
    return timer == null ? 0 : (long) timer.count();
  }

  private static double gauge(MeterRegistry meters, String name) {
    var gauge = meters.find(name).gauge();
    return gauge != null ? gauge.value() : meters.get(name).timeGauge().value();
  }

  private static double lookups(MeterRegistry meters, String result) {
    return meters
        .get("sessionregistry.cache.lookups")
        .tag("result", result)
        .functionCounter()
        .count();
  }

  private static void await(String what, BooleanSupplier condition, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within " + within).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** The commands the call ran on the server, by name (INFO's own left out). */
  private static Map<String, Long> commandsOf(OwnedRedis server, Runnable call) {
    Map<String, Long> before = server.commandCalls(server.port());
    call.run();
    Map<String, Long> delta = new TreeMap<>();
    server
        .commandCalls(server.port())
        .forEach(
            (name, n) -> {
              long d = n - before.getOrDefault(name, 0L);
              if (d != 0 && !name.equals("info")) {
                delta.put(name, d);
              }
            });
    return delta;
  }
}
