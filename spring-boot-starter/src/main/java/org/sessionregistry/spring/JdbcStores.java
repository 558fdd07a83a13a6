package org.sessionregistry.spring;

import javax.sql.DataSource;
import org.sessionregistry.jdbc.Dialect;
import org.sessionregistry.jdbc.JdbcInvalidationChannel;
import org.sessionregistry.jdbc.JdbcSchema;
import org.sessionregistry.jdbc.JdbcSessionStore;
import org.sessionregistry.spring.SessionRegistryProperties.SchemaInitialization;

/** The JDBC store and channel; a class of its own so that it is loaded only when session-registry-store-jdbc is. */
final class JdbcStores {
  private JdbcStores() {}

  static JdbcSessionStore store(SessionRegistryProperties.Jdbc jdbc, DataSource dataSource) {
    JdbcSessionStore store = JdbcSessionStore.builder().dataSource(dataSource).build();
    SchemaInitialization init = jdbc.initializeSchema();
    boolean embedded = store.dialect() == Dialect.H2;
    if (init == SchemaInitialization.ALWAYS
        || (init == SchemaInitialization.EMBEDDED && embedded)) {
      JdbcSchema.create(dataSource, store.dialect()); // each table only if missing
    }
    return store;
  }

  static JdbcInvalidationChannel channel(DataSource dataSource) {
    return JdbcInvalidationChannel.builder().dataSource(dataSource).build();
  }
}
