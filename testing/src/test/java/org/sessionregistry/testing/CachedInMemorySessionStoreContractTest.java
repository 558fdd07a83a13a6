package org.sessionregistry.testing;

import java.time.Clock;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.cache.InProcessInvalidationChannel;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.SessionStore;

/** The contract, unchanged, with the front cache in front of the in-memory store. */
class CachedInMemorySessionStoreContractTest extends SessionStoreContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return FrontCache.builder()
        .channel(InProcessInvalidationChannel.create())
        .clock(clock)
        .ticker(this.clock::nanoTime)
        .build()
        .over(InMemorySessionStore.builder().clock(clock).build());
  }
}
