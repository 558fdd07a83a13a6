package org.sessionregistry.jdbc.internal;

import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;

/**
 * Runs one store operation on a handle of its own: never inside a transaction the application has open on the same
 * thread, committed here when the pool hands out connections with auto-commit off (Jdbi would not, and the pool would
 * roll the write back when the connection returns), retried when it loses a deadlock, and failing typed. An idempotent
 * operation is also retried once, on a fresh connection, when the database closed the one it ran on.
 */
public final class StatementRunner {
  static final int DEADLOCK_ATTEMPTS = 3;

  private final Jdbi jdbi;
  private final String description;
  private final int statementTimeoutSeconds;
  private final Runnable dropIdleConnections;
  /** The connections time statements themselves (H2's QUERY_TIMEOUT, set by the pool), as long as the default. */
  private final boolean connectionsTimeStatements;
  /** The Jdbi is the store's own, configured once; an application's is left as it is and configured per handle. */
  private final boolean ownJdbi;

  /**
   * @param description names the store in messages, e.g. "JDBC session store (PostgreSQL at ...)"
   * @param dropIdleConnections makes the pool open fresh connections (after the database closed one, it has likely
   *     closed them all: a restart, a failover, an administrator); a no-op when the pool cannot be told
   */
  public StatementRunner(Jdbi jdbi, String description, int statementTimeoutSeconds, Runnable dropIdleConnections,
      boolean connectionsTimeStatements, boolean ownJdbi) {
    this.jdbi = jdbi;
    this.ownJdbi = ownJdbi;
    if (ownJdbi) {
      // Once for all handles: set on each one, Jdbi copies its configuration for that handle (microseconds a call).
      jdbi.getConfig(Handles.class).setForceEndTransactions(false);
      if (!connectionsTimeStatements) {
        jdbi.getConfig(SqlStatements.class).setQueryTimeout(statementTimeoutSeconds);
      }
    }
    this.description = description;
    this.statementTimeoutSeconds = statementTimeoutSeconds;
    this.dropIdleConnections = dropIdleConnections;
    this.connectionsTimeStatements = connectionsTimeStatements;
  }

  public String description() {
    return description;
  }

  /** @param operation what the caller was doing, for messages: "revoke a session" */
  public <T> T call(String operation, HandleCallback<T, RuntimeException> work) {
    return call(operation, statementTimeoutSeconds, work);
  }

  /**
   * {@link #call(String, HandleCallback)} for work that may run twice (a read, a delete, activity): when the database
   * closed the connection under it, it runs once more on a fresh connection. Its second run may find done what the
   * first did before the connection went.
   */
  public <T> T callIdempotent(String operation, HandleCallback<T, RuntimeException> work) {
    return callIdempotent(operation, statementTimeoutSeconds, work);
  }

  /** {@link #callIdempotent(String, HandleCallback)} with a statement timeout of its own. */
  public <T> T callIdempotent(String operation, int timeoutSeconds, HandleCallback<T, RuntimeException> work) {
    try {
      return call(operation, timeoutSeconds, work);
    } catch (SessionStoreUnavailableException e) {
      if (!SqlErrors.isConnectionLost(e.getCause())) {
        throw e;
      }
      dropIdleConnections.run();
      try {
        return call(operation, timeoutSeconds, work);
      } catch (SessionStoreException second) {
        second.addSuppressed(e);
        throw second;
      }
    }
  }

  /** {@link #call(String, HandleCallback)} with a statement timeout of its own. */
  public <T> T call(String operation, int timeoutSeconds, HandleCallback<T, RuntimeException> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return once(work, timeoutSeconds);
      } catch (JdbiException | SQLException e) {
        if (attempt < DEADLOCK_ATTEMPTS && SqlErrors.isDeadlock(e)) {
          backOff(attempt); // the losing statement was rolled back whole; running it again is safe
          continue;
        }
        throw SqlErrors.translate(description, operation, e);
      } catch (SessionStoreException e) {
        throw e;
      } catch (RuntimeException e) {
        // A row the store cannot read (corrupt props, a missing unique index): say so, typed.
        throw new SessionStoreException(description + " failed to " + operation + ": " + e.getMessage(), e);
      }
    }
  }

  private <T> T once(HandleCallback<T, RuntimeException> work, int timeoutSeconds) throws SQLException {
    Handle h = jdbi.open();
    boolean manualCommit = false;
    try {
      if (!ownJdbi) {
        h.getConfig(Handles.class).setForceEndTransactions(false);
      }
      boolean ownTimeout = connectionsTimeStatements && timeoutSeconds != statementTimeoutSeconds;
      if (!connectionsTimeStatements && (!ownJdbi || timeoutSeconds != statementTimeoutSeconds)) {
        h.getConfig(SqlStatements.class).setQueryTimeout(timeoutSeconds);
      } else if (ownTimeout) {
        h.execute("SET QUERY_TIMEOUT " + timeoutSeconds * 1000L); // this call's, on this connection
      }
      manualCommit = !h.getConnection().getAutoCommit();
      T result;
      try {
        result = work.withHandle(h);
      } finally {
        if (ownTimeout) {
          h.execute("SET QUERY_TIMEOUT " + statementTimeoutSeconds * 1000L); // the pool's again
        }
      }
      if (manualCommit) {
        h.commit();
      }
      return result;
    } catch (RuntimeException | SQLException e) {
      if (manualCommit) {
        try {
          h.rollback();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    } finally {
      h.close();
    }
  }

  static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20) * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
