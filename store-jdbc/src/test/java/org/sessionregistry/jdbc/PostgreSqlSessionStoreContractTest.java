package org.sessionregistry.jdbc;

import java.time.Clock;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.SessionStoreContract;

/** The contract, unchanged, on PostgreSQL. */
class PostgreSqlSessionStoreContractTest extends SessionStoreContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return JdbcSessionStore.builder().dataSource(TestDatabase.POSTGRESQL.dataSource()).build();
  }
}
