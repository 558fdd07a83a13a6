package org.sessionregistry.examples;

import java.time.Clock;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.cache.InProcessInvalidationChannel;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.UserIdShapesContract;

/** User ids of every shape on the example store behind the front cache. */
class CachedTextRecordUserIdShapesTest extends UserIdShapesContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return FrontCache.builder()
        .channel(InProcessInvalidationChannel.create())
        .clock(clock)
        .build()
        .over(new TextRecordSessionStore());
  }
}
