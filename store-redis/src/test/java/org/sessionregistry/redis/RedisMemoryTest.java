package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.internal.Ids;
import org.sessionregistry.spi.TokenHash;
import redis.clients.jedis.RedisClient;

/**
 * Memory per session in Redis, over 10,000 sessions without props (half of them the only session of their user, half
 * three to a user), on a Redis this test owns, two ways: the sum of {@code MEMORY USAGE} of every key the sessions
 * use (the measure; target under 400 bytes), and the growth of {@code used_memory}, which also counts what
 * {@code MEMORY USAGE} leaves out (the expires dictionary, hash-table buckets) and is reported beside it.
 */
class RedisMemoryTest {

  @Test
  void aSessionTakesUnder400BytesByMemoryUsage() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", server.port())) {
      RedisSessionStore store = RedisSessionStore.builder().client(client, "test").build();
      SessionRegistry registry = SessionRegistry.builder().store(store).idleTimeout(Duration.ofHours(8)).build();
      registry.revokeAll(Ids.newId()); // scripts loaded
      long before = usedMemory(client);
      List<String> keys = new ArrayList<>();
      int sessions = 0;
      while (sessions < 10_000) {
        String user = Ids.newId();
        String tag = RedisSessionStore.tag(user);
        keys.add(store.indexKey(tag, user));
        for (int i = 0; i < (sessions < 5_000 ? 1 : 3); i++, sessions++) {
          IssuedSession issued = registry.create(user);
          keys.add(store.tokenKeyPrefix(tag) + RedisSessionStore.encode(TokenHash.of(issued.token())));
        }
      }
      double grown = (usedMemory(client) - before) / (double) sessions;
      long usage = 0;
      for (String key : keys) {
        Long bytes = client.memoryUsage(key);
        assertThat(bytes).as(key).isNotNull();
        usage += bytes;
      }
      double perSession = usage / (double) sessions;
      System.out.printf("Redis store, per session over %,d sessions: %.0f bytes by MEMORY USAGE, %.0f bytes of"
          + " used_memory growth%n", sessions, perSession, grown);
      assertThat(perSession).isLessThan(400);
    }
  }

  private static long usedMemory(RedisClient client) {
    for (String line : client.info("memory").split("\\r?\\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("INFO memory has no used_memory");
  }
}
