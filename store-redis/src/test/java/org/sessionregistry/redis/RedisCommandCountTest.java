package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.testing.MutableClock;
import redis.clients.jedis.RedisClient;

/**
 * What each operation costs on the server, read from INFO commandstats of a Redis this test owns: one round trip, and
 * work inside Redis that does not grow in commands with the number of sessions. Authenticate, list and revoke-all are
 * one plain command each; the writes are one script, whose inner commands Redis counts too, so they show here.
 */
class RedisCommandCountTest {
  private static OwnedRedis server;
  private static RedisClient client;

  @BeforeAll
  static void start() throws Exception {
    server = OwnedRedis.standalone();
    client = RedisClient.create("127.0.0.1", server.port());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void eachOperationIsOneRoundTripWhateverTheNumberOfSessions() {
    MutableClock clock =
        new MutableClock(
            java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    RedisSessionStore store =
        RedisSessionStore.builder().client(client, "test").clock(clock).build();
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .idleTimeout(Duration.ofHours(8))
            .build();
    SessionRegistry listening =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .idleTimeout(Duration.ofHours(8))
            .listener(new org.sessionregistry.SessionListener() {})
            .build();
    // The first use of each script on a server costs one more round trip (NOSCRIPT, then EVAL,
    // which caches it).
    String warmUp = Ids.newId();
    registry.create(warmUp);
    registry.list(warmUp);
    clock.advance(Duration.ofMinutes(5));
    registry.touch(registry.list(warmUp).get(0));
    registry.revoke(warmUp, registry.list(warmUp).get(0).id());
    registry.create(warmUp);
    registry.revokeAllExcept(warmUp, registry.list(warmUp).get(0).id());

    String user = Ids.newId();
    List<IssuedSession> sessions = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sessions.add(registry.create(user));
    }

    assertThat(cost(() -> registry.authenticate(sessions.get(3).token())))
        .as("authenticate")
        .isEqualTo(Map.of("zrangebylex", 1L));
    assertThat(cost(() -> registry.list(user))).as("list of 100").isEqualTo(Map.of("zrange", 1L));
    clock.advance(Duration.ofMinutes(5));
    assertThat(cost(() -> registry.touch(sessions.get(3).session())))
        .as("touch when due")
        .isEqualTo(
            Map.of("evalsha", 1L, "zrange", 1L, "zrem", 1L, "zadd", 1L, "pttl", 1L, "pexpire", 1L));
    assertThat(cost(() -> registry.create(user)))
        .as("create beside 100 (it outlives them: the TTL grows)")
        .isEqualTo(
            Map.of(
                "evalsha",
                1L,
                "zrange",
                2L,
                "zcard",
                1L,
                "object|encoding",
                1L,
                "zadd",
                1L,
                "pttl",
                1L,
                "pexpire",
                1L));
    SessionRegistry extending =
        SessionRegistry.builder().store(store).clock(clock).extendWithActivity(true).build();
    assertThat(cost(() -> extending.touch(sessions.get(4).session())))
        .as("touch that extends: the expiry too")
        .isEqualTo(
            Map.of("evalsha", 1L, "zrange", 2L, "zrem", 2L, "zadd", 2L, "pttl", 1L, "pexpire", 1L));
    IssuedSession phone = registry.create(NewSession.forUser(user).withDeviceId("phone"));
    assertThat(
            cost(
                () ->
                    registry.create(
                        NewSession.forUser(user).withDeviceId("phone").replacingSameDevice())))
        .as("a device logging in again beside 100: one script")
        .containsEntry("evalsha", 1L)
        .doesNotContainKeys("eval", "del", "unlink");
    assertThat(registry.authenticate(phone.token())).isEmpty();
    assertThat(cost(() -> registry.revoke(user, sessions.get(0).session().id())))
        .as("revoke one")
        .isEqualTo(Map.of("evalsha", 1L, "zrange", 1L, "zremrangebylex", 1L));
    assertThat(cost(() -> registry.revokeAll(user)))
        .as("revoke all of 100, no listener")
        .isEqualTo(Map.of("unlink", 1L));
    assertThat(cost(() -> registry.list(user))).as("list after").isEqualTo(Map.of("zrange", 1L));
    for (int i = 0; i < 100; i++) {
      registry.create(user);
    }
    assertThat(cost(() -> listening.revokeAll(user)))
        .as("revoke all of 100 for a listener: sessions read back")
        .isEqualTo(Map.of("evalsha", 1L, "zrange", 1L, "unlink", 1L));
    List<IssuedSession> again = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      again.add(registry.create(user));
    }
    // The kept session's members move to a fresh key, the old one is unlinked: no command over the
    // others.
    assertThat(cost(() -> registry.revokeAllExcept(user, again.get(50).session().id())))
        .as("revoke all but one")
        .isEqualTo(
            Map.of(
                "evalsha", 1L, "zrange", 2L, "pttl", 1L, "unlink", 1L, "zadd", 1L, "pexpire", 1L));
    assertThat(registry.list(user))
        .extracting(s -> s.id())
        .containsExactly(again.get(50).session().id());
    assertThat(client.pttl(store.key(user))).as("the key's TTL kept").isPositive();
  }

  /**
   * A create at the user's limit, which ends the least recently active session to make room, is still one round trip:
   * one EVALSHA, in whose script the counting, the ending and the adding happen (INFO counts its inner commands too).
   */
  @Test
  void aCreateAtTheLimitIsOneRoundTrip() {
    MutableClock clock =
        new MutableClock(
            java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    RedisSessionStore store =
        RedisSessionStore.builder().client(client, "test").clock(clock).build();
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .maxSessionsPerUser(100, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE)
            .build();
    registry.create(Ids.newId()); // the script, cached
    String user = Ids.newId();
    List<IssuedSession> sessions = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sessions.add(registry.create(user));
      clock.advance(Duration.ofMillis(1));
    }

    Map<String, Long> cost = cost(() -> registry.create(user));

    assertThat(cost).as("a create at the limit of 100").containsEntry("evalsha", 1L);
    assertThat(cost.keySet())
        .as("everything else inside the script")
        .isSubsetOf(
            "evalsha",
            "zrange",
            "zcard",
            "zremrangebylex",
            "object|encoding",
            "zadd",
            "pttl",
            "pexpire");
    assertThat(registry.list(user)).hasSize(100);
    assertThat(registry.authenticate(sessions.get(0).token()))
        .as("the least recently active, ended")
        .isEmpty();
  }

  /**
   * Behind the front cache, with a channel on another Redis, a revoke costs its caller the store's one script: the
   * channel's PUBLISH goes out from the channel's own thread (a revoke does not wait for it: RedisFrontCacheTest pauses
   * the channel's Redis to show it).
   */
  @Test
  void aRevokeBehindTheFrontCacheIsOneRoundTripOnTheStore() throws Exception {
    try (OwnedRedis channelServer = OwnedRedis.standalone();
        RedisInvalidationChannel channel =
            RedisInvalidationChannel.builder().redis("127.0.0.1", channelServer.port()).build()) {
      RedisSessionStore store = RedisSessionStore.builder().client(client, "test").build();
      SessionRegistry registry =
          SessionRegistry.builder()
              .store(FrontCache.builder().channel(channel).build().over(store))
              .build();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!channel.isConnected()) {
        assertThat(System.nanoTime()).as("subscribed").isLessThan(deadline);
        Thread.sleep(5);
      }
      String warmUp = Ids.newId();
      registry.revoke(
          warmUp,
          registry.create(warmUp).session().id()); // the script cached, a publisher connection
      String user = Ids.newId();
      IssuedSession issued = registry.create(user);
      registry.create(user);
      assertThat(registry.authenticate(issued.token())).isPresent();

      assertThat(cost(() -> registry.revoke(user, issued.session().id())))
          .as("revoke one, cached")
          .isEqualTo(Map.of("evalsha", 1L, "zrange", 1L, "zremrangebylex", 1L));
      assertThat(cost(() -> registry.revokeAll(user)))
          .as("revoke all, cached")
          .isEqualTo(Map.of("unlink", 1L));
      while (channelServer.commandCalls(channelServer.port()).getOrDefault("publish", 0L) < 3) {
        assertThat(System.nanoTime())
            .as("the channel's messages, from its thread")
            .isLessThan(deadline);
        Thread.sleep(5);
      }
      assertThat(registry.authenticate(issued.token())).isEmpty();
    }
  }

  /** The commands the call ran on the server, by name, with their counts (INFO's own calls left out). */
  private static Map<String, Long> cost(Runnable call) {
    Map<String, Long> before = server.commandCalls(server.port());
    call.run();
    Map<String, Long> after = server.commandCalls(server.port());
    Map<String, Long> delta = new TreeMap<>();
    after.forEach(
        (name, count) -> {
          long d = count - before.getOrDefault(name, 0L);
          if (d != 0 && !name.equals("info")) {
            delta.put(name, d);
          }
        });
    return delta;
  }
}
