package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.internal.Ids;
import org.sessionregistry.spi.TokenHash;
import org.sessionregistry.testing.MutableClock;
import redis.clients.jedis.RedisClient;

/** The Redis layout's own rules: the index cleans itself by time, never by a missing record, and fails closed. */
class RedisLayoutTest {
  private static OwnedRedis server;
  private static RedisClient client;
  private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final RedisSessionStore store = RedisSessionStore.builder().client(client, "test").clock(clock).build();
  private final SessionRegistry registry = SessionRegistry.builder().store(store).clock(clock)
      .idleTimeout(Duration.ofHours(1)).build();

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
  void theIndexDropsEntriesPastTheirRetainUntil() {
    String user = Ids.newId();
    IntStream.range(0, 3).forEach(i -> registry.create(user));
    String index = store.indexKey(RedisSessionStore.tag(user), user);
    assertThat(client.hlen(index)).isEqualTo(3);

    clock.advance(Duration.ofHours(1).plusMillis(1));
    registry.create(user);
    assertThat(client.hlen(index)).as("three expired entries pruned by the create").isEqualTo(1);
  }

  /** Lua's unpack takes a few thousand values at most; the scripts go in chunks. */
  @Test
  void thousandsOfStaleEntriesDoNotBreakTheScripts() {
    String user = Ids.newId();
    String index = store.indexKey(RedisSessionStore.tag(user), user);
    Map<String, String> stale = new HashMap<>();
    String past = String.format("%013d", clock.millis() - 1);
    for (int i = 0; i < 8_100; i++) {
      stale.put(Ids.newId(), "aaaaaaaaaaaaaaaaaaaaaa" + past);
    }
    client.hset(index, stale);

    IssuedSession issued = registry.create(user);
    assertThat(client.hlen(index)).isEqualTo(1);
    assertThat(registry.list(user)).extracting(Session::id).containsExactly(issued.session().id());
    client.hset(index, stale);
    assertThat(registry.list(user)).hasSize(1);
    assertThat(client.hlen(index)).isEqualTo(1);
    client.hset(index, stale);
    assertThat(registry.revokeAll(user)).isEqualTo(1);
  }

  /**
   * A live session whose record is out of reach (a Cluster slot migrating) is never taken for gone: writes fail typed,
   * before changing anything, so the caller retries; the index keeps the session.
   */
  @Test
  void aLiveSessionWhoseRecordIsOutOfReachFailsClosed() {
    String user = Ids.newId();
    IssuedSession issued = registry.create(user);
    String tag = RedisSessionStore.tag(user);
    String tokenKey = store.tokenKeyPrefix(tag) + RedisSessionStore.encode(TokenHash.of(issued.token()));
    String record = client.get(tokenKey);
    client.del(tokenKey);
    clock.advance(Duration.ofMinutes(10));

    assertThatThrownBy(() -> registry.touch(issued.session()))
        .isInstanceOf(SessionStoreUnavailableException.class).hasMessageContaining("TRYAGAIN");
    assertThatThrownBy(() -> registry.revoke(user, issued.session().id()))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThatThrownBy(() -> registry.revokeAll(user)).isInstanceOf(SessionStoreUnavailableException.class);
    assertThat(client.hlen(store.indexKey(tag, user))).as("nothing written").isEqualTo(1);

    client.set(tokenKey, record); // the slot finished moving
    assertThat(registry.revokeAll(user)).isEqualTo(1);
    assertThat(client.exists(tokenKey)).isFalse();
  }

  /** A client that retries an insert whose answer it lost (a timeout) finds it done, not a duplicate. */
  @Test
  void aRetriedInsertIsDoneOnce() {
    String user = Ids.newId();
    IssuedSession issued = registry.create(user);
    Session s = issued.session();

    store.insert(s, TokenHash.of(issued.token()), s.createdAt().plus(Duration.ofHours(1)));
    assertThat(registry.list(user)).containsExactly(s);
  }

  @Test
  void tagsSpreadEvenSequentialUserIds() {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 102_400; i++) {
      counts.merge(RedisSessionStore.tag(String.format("%026d", i)), 1, Integer::sum);
    }
    assertThat(counts).hasSize(1024);
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(50, 150));
    assertThat(List.of(Ids.newToken("ab"))).allSatisfy(t -> assertThat(t).startsWith("ab").hasSize(26));
  }
}
