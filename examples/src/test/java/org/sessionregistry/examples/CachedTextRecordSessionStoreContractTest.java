package org.sessionregistry.examples;

import java.time.Clock;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.cache.InProcessInvalidationChannel;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.SessionStoreContract;

/** The contract, unchanged, on the example store behind the front cache, wired as an application wires it. */
class CachedTextRecordSessionStoreContractTest extends SessionStoreContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return FrontCache.builder()
        .channel(InProcessInvalidationChannel.create())
        .clock(clock)
        .ticker(this.clock::nanoTime)
        .build()
        .over(new TextRecordSessionStore());
  }
}
