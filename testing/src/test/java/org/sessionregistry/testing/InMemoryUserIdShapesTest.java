package org.sessionregistry.testing;

import java.time.Clock;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.SessionStore;

/** User ids of every shape on the in-memory store. */
class InMemoryUserIdShapesTest extends UserIdShapesContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return InMemorySessionStore.builder().clock(clock).build();
  }
}
