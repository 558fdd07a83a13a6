/**
 * The JDBC store: {@code org.sessionregistry.jdbc.JdbcSessionStore} on plain JDBC and HikariCP (or an application's
 * Jdbi), for H2, PostgreSQL and MariaDB, with its schema scripts and the polled invalidation channel (on Jdbi). The
 * driver is the application's to add.
 */
module org.sessionregistry.jdbc {
  requires transitive org.sessionregistry.core;
  requires transitive java.sql;
  requires transitive org.jdbi.v3.core;
  requires com.zaxxer.hikari;
  // Only for ConnectionPool.bindMetrics: HikariCP's own Micrometer meters, when the application has
  // Micrometer.
  requires static micrometer.core;

  exports org.sessionregistry.jdbc;
}
