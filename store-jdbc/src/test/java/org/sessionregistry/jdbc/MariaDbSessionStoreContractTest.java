package org.sessionregistry.jdbc;

import java.time.Clock;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.SessionStoreContract;

/** The contract, unchanged, on MariaDB. */
class MariaDbSessionStoreContractTest extends SessionStoreContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return JdbcSessionStore.builder().dataSource(TestDatabase.MARIADB.dataSource()).build();
  }
}
