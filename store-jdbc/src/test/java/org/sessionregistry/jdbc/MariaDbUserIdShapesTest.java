package org.sessionregistry.jdbc;

import java.time.Clock;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.UserIdShapesContract;

/** User ids of every shape on MariaDB. */
class MariaDbUserIdShapesTest extends UserIdShapesContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return JdbcSessionStore.builder().dataSource(TestDatabase.MARIADB.dataSource()).build();
  }
}
