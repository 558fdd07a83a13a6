package org.sessionregistry.redis;

import java.time.Clock;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.UserIdShapesContract;

/** User ids of every shape on the machine's standalone Redis. */
class RedisUserIdShapesTest extends UserIdShapesContract {
  private final String namespace = SharedRedis.freshNamespace();

  @Override
  protected SessionStore createStore(Clock clock) {
    return RedisSessionStore.builder()
        .client(SharedRedis.client(), "the tests' Redis")
        .namespace(namespace)
        .clock(clock)
        .build();
  }

  @Override
  protected void cleanUp(SessionStore store) {
    SharedRedis.deleteNamespace(SharedRedis.client(), namespace);
  }
}
