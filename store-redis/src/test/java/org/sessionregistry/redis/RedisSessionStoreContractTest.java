package org.sessionregistry.redis;

import java.time.Clock;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.SessionStoreContract;

/** The contract, unchanged, on the machine's standalone Redis. */
class RedisSessionStoreContractTest extends SessionStoreContract {
  private final String namespace = SharedRedis.freshNamespace();

  @Override
  protected SessionStore createStore(Clock clock) {
    return RedisSessionStore.builder()
        .client(SharedRedis.client(), "the tests' Redis")
        .namespace(namespace)
        .clock(clock)
        .build();
  }

  /** Redis expires by TTL on its own clock, which the tests do not move. */
  @Override
  protected boolean reportsEveryExpiredSession() {
    return false;
  }

  @Override
  protected void cleanUp(SessionStore store) {
    SharedRedis.deleteNamespace(SharedRedis.client(), namespace);
  }

  /** SCAN returns a key twice when it must: a session may come twice in a walk. */
  @Override
  protected boolean walksEachSessionOnce() {
    return false;
  }
}
