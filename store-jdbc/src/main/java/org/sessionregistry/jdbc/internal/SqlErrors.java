package org.sessionregistry.jdbc.internal;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.jdbi.v3.core.ConnectionException;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;

/**
 * What a failed statement means for the caller: the database unavailable (down, shutting down, out of connections,
 * past a statement or lock timeout), a deadlock worth retrying, a constraint violated, or another failure. Messages
 * carry the driver's text and SQLState, never a bound value.
 */
public final class SqlErrors {
  private static final Set<String> UNAVAILABLE_STATES =
      Set.of(
          "57P01", "57P02", "57P03",
          "53300", // PostgreSQL: shutting down, cannot connect now, too many connections
          "57014", "55P03", // PostgreSQL: statement timeout, lock not available
          "HYT00"); // H2: lock timeout

  private SqlErrors() {}

  /**
   * A typed exception whose cause is the driver's SQLException, not Jdbi's: Jdbi's message lists the statement's bound
   * values, props (csrf) among them.
   */
  public static SessionStoreException translate(String description, String operation, Exception e) {
    SQLException sql = sqlCause(e);
    String reason = sql != null ? reason(sql) : e.getClass().getSimpleName();
    if (e instanceof ConnectionException || (sql != null && isConnectionFailure(sql))) {
      return new SessionStoreUnavailableException(
          description
              + " is unavailable, could not "
              + operation
              + ": "
              + reason
              + ". The outcome is unknown; the store reconnects when the database is back.",
          sql);
    }
    String state =
        sql != null && sql.getSQLState() != null ? " (SQLState " + sql.getSQLState() + ")" : "";
    return new SessionStoreException(
        description + " failed to " + operation + state + ": " + reason, sql);
  }

  /** Unreachable, shutting down, out of connections, or not answering in time (statement or lock timeout). */
  static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException
        || e instanceof SQLTimeoutException
        || e.getErrorCode() == 1205 // MariaDB: lock wait timeout
        || (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state)));
  }

  /**
   * The database closed the connection the statement ran on (terminated, restarted, failed over), as opposed to not
   * answering in time or not accepting a connection: a fresh connection may well work.
   */
  public static boolean isConnectionLost(@Nullable Throwable e) {
    SQLException sql = sqlCause(e);
    if (sql == null
        || sql instanceof SQLTimeoutException
        || sql instanceof SQLTransientConnectionException) {
      return false; // too slow, or the pool had nothing to lend: asking again would only wait again
    }
    String state = sql.getSQLState();
    if (state != null
        && (state.equals("08001") || state.equals("08004") || state.equals("57014"))) {
      return false; // could not connect, refused, cancelled for time
    }
    return sql instanceof SQLRecoverableException
        || sql instanceof SQLNonTransientConnectionException
        || (state != null
            && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")))
        || sql.getErrorCode() == 90121; // H2: the database is closed
  }

  /** The statement lost a deadlock (or a serialization conflict) and was rolled back whole: running it again is safe. */
  public static boolean isDeadlock(@Nullable Throwable e) {
    SQLException sql = sqlCause(e);
    if (sql == null) {
      return false;
    }
    String state = sql.getSQLState();
    return "40001".equals(state) || "40P01".equals(state) || sql.getErrorCode() == 1213;
  }

  /** A unique key or another integrity constraint refused the write (SQLState class 23). */
  public static boolean isConstraintViolation(@Nullable Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("23")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The driver's message, and its root cause's when the pool wraps it ("Connection is not available ..." hides
   * "Database may be already in use").
   */
  public static String reason(SQLException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(e.getMessage());
    return root == e || root.getMessage() == null || message.contains(root.getMessage())
        ? message
        : message + " (cause: " + root.getMessage() + ")";
  }

  public static @Nullable SQLException sqlCause(@Nullable Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }
}
