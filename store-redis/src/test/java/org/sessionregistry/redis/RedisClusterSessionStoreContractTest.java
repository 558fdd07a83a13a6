package org.sessionregistry.redis;

import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.SessionStoreContract;
import redis.clients.jedis.RedisClusterClient;

/** The contract, unchanged, on a Redis Cluster of three masters that the tests start on free loopback ports. */
class RedisClusterSessionStoreContractTest extends SessionStoreContract {
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

  @Override
  protected boolean reportsEveryExpiredSession() {
    return false;
  }

  /** SCAN returns a key twice when it must: a session may come twice in a walk. */
  @Override
  protected boolean walksEachSessionOnce() {
    return false;
  }
}
