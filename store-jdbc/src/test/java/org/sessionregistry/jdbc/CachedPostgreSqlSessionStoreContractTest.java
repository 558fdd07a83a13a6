package org.sessionregistry.jdbc;

import java.time.Clock;
import java.time.Duration;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.SessionStoreContract;

/** The contract, unchanged, with the front cache and the JDBC channel in front of PostgreSQL. */
class CachedPostgreSqlSessionStoreContractTest extends SessionStoreContract {
  private JdbcInvalidationChannel channel;

  @Override
  protected SessionStore createStore(Clock clock) {
    channel =
        JdbcInvalidationChannel.builder()
            .dataSource(TestDatabase.POSTGRESQL.dataSource())
            .pollInterval(Duration.ofMillis(100))
            .build();
    return FrontCache.builder()
        .channel(channel)
        .clock(clock)
        .ticker(this.clock::nanoTime)
        .build()
        .over(JdbcSessionStore.builder().dataSource(TestDatabase.POSTGRESQL.dataSource()).build());
  }

  @Override
  protected void cleanUp(SessionStore store) {
    store.close();
    channel.close();
  }
}
