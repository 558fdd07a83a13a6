package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.NewSession;
import org.sessionregistry.SessionRegistry;
import redis.clients.jedis.RedisClient;

/**
 * Memory per session in Redis, over 10,000 sessions (half of them the only session of their user, half three to a
 * user), on a Redis this test owns, two ways: the sum of {@code MEMORY USAGE} of every user's key, every member counted
 * (the measure; target under 400 bytes without props), and the growth of {@code used_memory}, which also
 * counts what {@code MEMORY USAGE} leaves out (the expires dictionary, hash-table buckets) and is reported beside it.
 */
class RedisMemoryTest {
  /** What a Mattermost web login carries. */
  private static final Map<String, String> LOGIN_PROPS =
      Map.of(
          "platform",
          "Linux",
          "os",
          "Linux",
          "browser",
          "Chrome/120.0",
          "csrf",
          "kq3xhgrbx3byxyt8zg4gmpw1ch",
          "isMobile",
          "false",
          "isSaml",
          "false",
          "isOAuthUser",
          "false",
          "is_guest",
          "false");

  @Test
  void aSessionWithoutPropsTakesUnder400BytesByMemoryUsage() throws Exception {
    assertThat(bytesPerSession(Map.of(), "without props")).isLessThan(400);
  }

  /** Reported, not held to the target: the props are most of it. */
  @Test
  void aSessionWithALoginsPropsIsMeasuredToo() throws Exception {
    assertThat(bytesPerSession(LOGIN_PROPS, "with a web login's 8 props")).isLessThan(800);
  }

  private static double bytesPerSession(Map<String, String> props, String what) throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", server.port())) {
      RedisSessionStore store = RedisSessionStore.builder().client(client, "test").build();
      SessionRegistry registry =
          SessionRegistry.builder().store(store).idleTimeout(Duration.ofHours(8)).build();
      registry.revokeAll(Ids.newId()); // scripts loaded
      long before = usedMemory(client);
      List<String> keys = new ArrayList<>();
      int sessions = 0;
      while (sessions < 10_000) {
        String user = Ids.newId();
        keys.add(store.key(user));
        for (int i = 0; i < (sessions < 5_000 ? 1 : 3); i++, sessions++) {
          registry.create(
              NewSession.forUser(user).withRoles(Set.of("system_user")).withProps(props));
        }
      }
      double grown = (usedMemory(client) - before) / (double) sessions;
      long usage = 0;
      for (String key : keys) {
        Long bytes = client.memoryUsage(key, 0); // every member, not a sample
        assertThat(bytes).as(key).isNotNull();
        usage += bytes;
      }
      double perSession = usage / (double) sessions;
      System.out.printf(
          "Redis store, per session %s over %,d sessions: %.0f bytes by MEMORY USAGE, %.0f bytes of"
              + " used_memory growth%n",
          what, sessions, perSession, grown);
      return perSession;
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
