package org.sessionregistry.jdbc;

import java.time.Clock;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.UserIdShapesContract;

/** User ids of every shape on H2. */
class H2UserIdShapesTest extends UserIdShapesContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return JdbcSessionStore.builder().dataSource(TestDatabase.H2.dataSource()).build();
  }
}
