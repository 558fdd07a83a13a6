package org.sessionregistry.redis;

import java.time.Clock;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.SessionStoreContract;

/** The contract, unchanged, with the front cache and the Redis pub/sub channel in front of the Redis store. */
class CachedRedisSessionStoreContractTest extends SessionStoreContract {
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
        .ticker(this.clock::nanoTime)
        .build()
        .over(
            RedisSessionStore.builder()
                .client(SharedRedis.client(), "the tests' Redis")
                .namespace(namespace)
                .clock(clock)
                .build());
  }

  @Override
  protected boolean reportsEveryExpiredSession() {
    return false;
  }

  @Override
  protected void cleanUp(SessionStore store) {
    channel.close();
    SharedRedis.deleteNamespace(SharedRedis.client(), namespace);
  }

  /** SCAN returns a key twice when it must: a session may come twice in a walk. */
  @Override
  protected boolean walksEachSessionOnce() {
    return false;
  }
}
