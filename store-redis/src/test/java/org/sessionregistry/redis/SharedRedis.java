package org.sessionregistry.redis;

import java.util.List;
import java.util.UUID;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The machine's Redis, from SR_REDIS_HOST and SR_REDIS_PORT (default 127.0.0.1:6379), shared by the test classes. */
final class SharedRedis {
  static final String HOST = env("SR_REDIS_HOST", "127.0.0.1");
  static final int PORT = Integer.parseInt(env("SR_REDIS_PORT", "6379"));
  private static RedisClient client;

  private SharedRedis() {}

  static synchronized RedisClient client() {
    if (client == null) {
      RedisClient c = RedisClient.create(HOST, PORT);
      try {
        c.ping();
      } catch (RuntimeException e) {
        c.close();
        throw new IllegalStateException(
            "Redis is not reachable at "
                + HOST
                + ":"
                + PORT
                + " ("
                + e.getMessage()
                + "). Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no"
                + " -- or point the tests at another one with SR_REDIS_HOST and SR_REDIS_PORT.",
            e);
      }
      client = c;
    }
    return client;
  }

  /** A namespace of its own for one test class, so tests never touch anything else in that Redis. */
  static String freshNamespace() {
    return "sr-test-" + UUID.randomUUID();
  }

  /** Removes a test namespace's keys (SCAN, never KEYS). */
  static void deleteNamespace(UnifiedJedis redis, String namespace) {
    String cursor = ScanParams.SCAN_POINTER_START;
    ScanParams match = new ScanParams().match(namespace + ":*").count(1000);
    do {
      ScanResult<String> page = redis.scan(cursor, match);
      List<String> keys = page.getResult();
      for (String k : keys) {
        redis.unlink(k);
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
