package org.sessionregistry.jdbc;

import java.time.Clock;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.SessionStoreContract;

/** The contract, unchanged, on H2. */
class H2SessionStoreContractTest extends SessionStoreContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return JdbcSessionStore.builder().dataSource(TestDatabase.H2.dataSource()).build();
  }
}
