package org.sessionregistry.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A pool of connections set up as the store's own, from {@link JdbcSessionStore#newPool}: a {@link DataSource} to give
 * to {@link JdbcSessionStore.Builder#dataSource} and {@link JdbcInvalidationChannel.Builder#dataSource}, and to close
 * when they are closed. Which pool library runs it is not part of the API.
 *
 * <p>Thread-safe. {@link #close()} closes every connection and is idempotent; a closed pool hands out no connection.
 */
public final class ConnectionPool implements DataSource, AutoCloseable {
  private final HikariDataSource pool;

  ConnectionPool(HikariDataSource pool) {
    this.pool = pool;
  }

  /** What the store reads of it (its eviction, its URL): the pool itself, not this facade. */
  HikariDataSource pool() {
    return pool;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return pool.getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return pool.getConnection(username, password);
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || pool.isWrapperFor(iface);
  }

  /**
   * Binds the pool's own meters, as HikariCP makes them, to {@code meters}: {@code hikaricp.connections} (total),
   * {@code .active}, {@code .idle}, {@code .pending} (calls waiting for a connection), {@code .max}, {@code .min},
   * {@code .timeout} (connections not handed out in time), and the timers {@code .acquire}, {@code .usage},
   * {@code .creation}, each tagged {@code pool} with the pool's name ({@code session-registry}). Once per pool.
   * Needs Micrometer ({@code micrometer-core}), an optional dependency of this module.
   *
   * @throws IllegalStateException if the pool's meters are bound already
   */
  public void bindMetrics(io.micrometer.core.instrument.MeterRegistry meters) {
    if (meters == null) {
      throw new IllegalArgumentException("meters must not be null");
    }
    bindMetrics(pool, meters);
  }

  /** HikariCP's own Micrometer meters for this pool; its started pool takes them at once, and only once. */
  static void bindMetrics(
      HikariDataSource pool, io.micrometer.core.instrument.MeterRegistry meters) {
    if (pool.getMetricsTrackerFactory() != null || pool.getMetricRegistry() != null) {
      throw new IllegalStateException(
          "the pool " + pool.getPoolName() + " has its meters bound already");
    }
    pool.setMetricsTrackerFactory(
        new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(meters));
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return pool.isClosed();
  }

  /** Closes every connection, waiting for those in use to be returned. Idempotent. */
  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "ConnectionPool["
        + JdbcSessionStore.withoutSecrets(String.valueOf(pool.getJdbcUrl()))
        + "]";
  }
}
