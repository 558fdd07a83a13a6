package org.sessionregistry.testing;

import java.time.Clock;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.SessionStore;

class InMemorySessionStoreContractTest extends SessionStoreContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return InMemorySessionStore.builder().clock(clock).build();
  }
}
