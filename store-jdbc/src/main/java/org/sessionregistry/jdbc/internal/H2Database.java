package org.sessionregistry.jdbc.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.sessionregistry.jdbc.Dialect;
import org.sessionregistry.jdbc.internal.SqlStatements.Session;

/**
 * H2, usually in the application's JVM: statements of one transaction go one after the other (no network to save).
 * Its {@code MERGE} is no atomic upsert: two first calls for a user may both insert its {@code sr_users} row, and the
 * loser runs again. JDBC's {@code setQueryTimeout} is a session setting on H2 (a statement more per call, and left on
 * the connection): the store's own pool sets {@code QUERY_TIMEOUT} in its URL instead, and on another pool a watchdog
 * cancels late statements. Lock waits are H2's {@code LOCK_TIMEOUT}, which a cancel does not cut short: the store's
 * pool makes it the statement timeout, an application's pool keeps its own (H2's default: 2 seconds).
 */
final class H2Database implements Database {
  @Override
  public Dialect dialect() {
    return Dialect.H2;
  }

  @Override
  public List<Object> together(Call call, List<Session> steps, Call.Params params)
      throws SQLException {
    return Database.oneByOne(this, call, steps, params);
  }

  @Override
  public StatementRunner.Timing timing(boolean connectionsTimeStatements) {
    return connectionsTimeStatements
        ? StatementRunner.Timing.CONNECTION
        : StatementRunner.Timing.WATCHDOG;
  }

  /** An H2 file written at each commit, and statements and lock waits as long as the statement timeout. */
  @Override
  public String ownPoolUrl(String url, Duration statementTimeout) {
    String durable = PoolFactory.durable(url);
    String lower = durable.toLowerCase(Locale.ROOT);
    String withLock =
        lower.contains("lock_timeout")
            ? durable
            : durable + ";LOCK_TIMEOUT=" + statementTimeout.toMillis();
    return lower.contains("query_timeout")
        ? withLock
        : withLock + ";QUERY_TIMEOUT=" + statementTimeout.toMillis();
  }
}
