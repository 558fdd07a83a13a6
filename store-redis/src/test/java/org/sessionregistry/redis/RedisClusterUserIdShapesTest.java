package org.sessionregistry.redis;

import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.UserIdShapesContract;
import redis.clients.jedis.RedisClusterClient;

/** User ids of every shape on a Redis Cluster of three masters that the tests start on free loopback ports. */
class RedisClusterUserIdShapesTest extends UserIdShapesContract {
  private static RedisClusterClient client;

  @BeforeAll
  static void startCluster() throws Exception {
    client = SharedCluster.client();
  }

  @Override
  protected SessionStore createStore(Clock clock) {
    return RedisSessionStore.builder()
        .client(client, "the test's Redis Cluster")
        .clock(clock)
        .build();
  }
}
