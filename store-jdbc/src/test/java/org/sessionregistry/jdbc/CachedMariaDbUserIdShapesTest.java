package org.sessionregistry.jdbc;

import java.time.Clock;
import java.time.Duration;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.UserIdShapesContract;

/** User ids of every shape through the front cache and the JDBC channel, in front of MariaDB. */
class CachedMariaDbUserIdShapesTest extends UserIdShapesContract {
  private JdbcInvalidationChannel channel;

  @Override
  protected SessionStore createStore(Clock clock) {
    channel =
        JdbcInvalidationChannel.builder()
            .dataSource(TestDatabase.MARIADB.dataSource())
            .pollInterval(Duration.ofMillis(100))
            .build();
    return FrontCache.builder()
        .channel(channel)
        .clock(clock)
        .build()
        .over(JdbcSessionStore.builder().dataSource(TestDatabase.MARIADB.dataSource()).build());
  }

  @Override
  protected void cleanUp(SessionStore store) {
    store.close();
    channel.close();
  }
}
