package org.sessionregistry.redis;

import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.UserIdShapesContract;
import redis.clients.jedis.RedisClusterClient;

/** User ids of every shape on a Redis Cluster of three masters that this test starts on free loopback ports. */
class RedisClusterUserIdShapesTest extends UserIdShapesContract {
  private static OwnedRedis cluster;
  private static RedisClusterClient client;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = OwnedRedis.cluster(3);
    client = RedisClusterClient.create(Set.copyOf(cluster.nodes()));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected SessionStore createStore(Clock clock) {
    return RedisSessionStore.builder().client(client, "the test's Redis Cluster").clock(clock).build();
  }
}
