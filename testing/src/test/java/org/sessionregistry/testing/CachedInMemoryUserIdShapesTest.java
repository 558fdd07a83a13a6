package org.sessionregistry.testing;

import java.time.Clock;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.cache.InProcessInvalidationChannel;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.SessionStore;

/** User ids of every shape through the front cache, in front of the in-memory store. */
class CachedInMemoryUserIdShapesTest extends UserIdShapesContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return FrontCache.builder()
        .channel(InProcessInvalidationChannel.create())
        .clock(clock)
        .build()
        .over(InMemorySessionStore.builder().clock(clock).build());
  }
}
