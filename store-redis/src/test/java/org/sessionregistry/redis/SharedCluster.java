package org.sessionregistry.redis;

import java.util.Set;
import redis.clients.jedis.RedisClusterClient;

/**
 * A Redis Cluster of three masters on free loopback ports, started by the first test class that asks for it and shared
 * by the others (starting one takes seconds), stopped when the tests' JVM ends.
 */
final class SharedCluster {
  private static RedisClusterClient client;

  private SharedCluster() {}

  static synchronized RedisClusterClient client() throws Exception {
    if (client == null) {
      OwnedRedis cluster = OwnedRedis.cluster(3);
      RedisClusterClient c = RedisClusterClient.create(Set.copyOf(cluster.nodes()));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    c.close();
                    try {
                      cluster.close();
                    } catch (Exception e) {
                      // the JVM is ending: nothing left to tell
                    }
                  },
                  "shared-redis-cluster-stop"));
      client = c;
    }
    return client;
  }
}
