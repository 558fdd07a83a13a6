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
 * Memory per session in Redis, by MEMORY USAGE of every key the sessions use (token keys and user indexes), for
 * 10,000 sessions without props: 2,500 users with one session and 2,500 with three. Target: under 400 bytes.
 */
class RedisMemoryTest {

  @Test
  void aSessionTakesUnder400Bytes() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", server.port())) {
      RedisSessionStore store = RedisSessionStore.builder().client(client, "test").build();
      SessionRegistry registry = SessionRegistry.builder().store(store).idleTimeout(Duration.ofHours(8)).build();
      List<String> keys = new ArrayList<>();
      int sessions = 0;
      for (int u = 0; u < 5_000; u++) {
        String user = Ids.newId();
        String tag = RedisSessionStore.tag(user);
        keys.add(store.indexKey(tag, user));
        for (int i = 0; i < (u < 2_500 ? 1 : 3); i++, sessions++) {
          IssuedSession issued = registry.create(user);
          keys.add(store.tokenKeyPrefix(tag) + java.util.Base64.getUrlEncoder().withoutPadding()
              .encodeToString(TokenHash.of(issued.token()).toBytes()));
        }
      }
      long bytes = 0;
      for (String key : keys) {
        Long usage = client.memoryUsage(key);
        assertThat(usage).as(key).isNotNull();
        bytes += usage;
      }
      double perSession = bytes / (double) sessions;
      System.out.printf("Redis store: %.0f bytes per session (MEMORY USAGE) over %,d sessions%n", perSession, sessions);
      assertThat(perSession).isLessThan(400);
    }
  }
}
