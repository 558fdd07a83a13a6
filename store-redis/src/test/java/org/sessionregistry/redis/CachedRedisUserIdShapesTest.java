package org.sessionregistry.redis;

import java.time.Clock;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.UserIdShapesContract;

/** User ids of every shape through the front cache and the Redis channel, in front of the Redis store. */
class CachedRedisUserIdShapesTest extends UserIdShapesContract {
  private final String namespace = SharedRedis.freshNamespace();
  private RedisInvalidationChannel channel;

  @Override
  protected SessionStore createStore(Clock clock) {
    channel =
        RedisInvalidationChannel.builder()
            .redis(SharedRedis.HOST, SharedRedis.PORT)
            .namespace(namespace)
            .build();
    return FrontCache.builder()
        .channel(channel)
        .clock(clock)
        .build()
        .over(
            RedisSessionStore.builder()
                .client(SharedRedis.client(), "the tests' Redis")
                .namespace(namespace)
                .clock(clock)
                .build());
  }

  @Override
  protected void cleanUp(SessionStore store) {
    channel.close();
    SharedRedis.deleteNamespace(SharedRedis.client(), namespace);
  }
}
