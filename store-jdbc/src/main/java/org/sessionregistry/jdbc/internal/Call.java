package org.sessionregistry.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Session;

/**
 * One store call's connection, lent by {@link StatementRunner}: it runs the call's statements, each stopped at the
 * call's timeout, and opens a transaction when asked, which the runner commits or rolls back. Not thread-safe, and
 * usable only during the call.
 */
public final class Call {
  /** The value of each {@code :name} of a statement. */
  @FunctionalInterface
  public interface Params {
    Params NONE =
        name -> {
          throw new IllegalArgumentException("no value for :" + name);
        };

    Object value(String name);
  }

  /** One row of a result, read by position. */
  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private final Connection connection;
  private final StatementRunner.Timing timing;
  private final int timeoutSeconds;
  private final boolean autoCommit;
  private boolean began;

  Call(Connection connection, StatementRunner.Timing timing, int timeoutSeconds)
      throws SQLException {
    this.connection = connection;
    this.timing = timing;
    this.timeoutSeconds = timeoutSeconds;
    this.autoCommit = connection.getAutoCommit();
  }

  /** Runs the next statements in one transaction, which the runner ends; within one already, nothing changes. */
  public void begin() throws SQLException {
    if (autoCommit && !began) {
      connection.setAutoCommit(false);
      began = true;
    }
  }

  /** The rows the statement counts as changed. */
  public int update(Sql sql, Params params) throws SQLException {
    try (PreparedStatement s = prepare(sql, params);
        StatementWatchdog.Watch w = watch(s)) {
      return s.executeUpdate();
    }
  }

  /** The rows the statement returns. */
  public <T> List<T> query(Sql sql, Params params, Row<T> row) throws SQLException {
    try (PreparedStatement s = prepare(sql, params);
        StatementWatchdog.Watch w = watch(s);
        ResultSet rs = s.executeQuery()) {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(row.read(rs));
      }
      return rows;
    }
  }

  public List<Session> sessions(Sql sql, Params params) throws SQLException {
    return query(sql, params, SessionRows::read);
  }

  public Optional<Session> session(Sql sql, Params params) throws SQLException {
    List<Session> found = sessions(sql, params);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /**
   * Each result of the statements sent together, in order: the sessions a statement returns, or the rows it changed
   * (an {@link Integer}).
   */
  public List<Object> results(Sql sql, Params params) throws SQLException {
    try (PreparedStatement s = prepare(sql, params);
        StatementWatchdog.Watch w = watch(s)) {
      List<Object> results = new ArrayList<>();
      s.execute();
      for (; ; ) {
        ResultSet rs = s.getResultSet();
        if (rs != null) {
          List<Session> rows = new ArrayList<>();
          try (rs) {
            while (rs.next()) {
              rows.add(SessionRows.read(rs));
            }
          }
          results.add(rows);
        } else if (s.getUpdateCount() >= 0) {
          results.add(s.getUpdateCount());
        } else {
          return results;
        }
        s.getMoreResults();
      }
    }
  }

  /** A statement without parameters and results, such as MariaDB's {@code ROLLBACK}. */
  public void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  private PreparedStatement prepare(Sql sql, Params params) throws SQLException {
    PreparedStatement s = connection.prepareStatement(sql.text());
    try {
      if (timing == StatementRunner.Timing.DRIVER) {
        s.setQueryTimeout(timeoutSeconds);
      }
      List<String> names = sql.names();
      for (int i = 0; i < names.size(); i++) {
        Object value = params.value(names.get(i));
        if (value == null) {
          s.setNull(i + 1, Types.VARCHAR);
        } else {
          s.setObject(i + 1, value);
        }
      }
      return s;
    } catch (SQLException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private StatementWatchdog.@Nullable Watch watch(Statement s) {
    return timing == StatementRunner.Timing.WATCHDOG
        ? StatementWatchdog.watch(s, timeoutSeconds)
        : null;
  }

  /** Whether the runner must end a transaction: one this call began, or the pool's (auto-commit off). */
  boolean inTransaction() {
    return began || !autoCommit;
  }

  /** Back to auto-commit, if this call left it. */
  void restoreAutoCommit() throws SQLException {
    if (began) {
      began = false;
      connection.setAutoCommit(true);
    }
  }

  Connection connection() {
    return connection;
  }
}
