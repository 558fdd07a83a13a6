package org.sessionregistry.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.JdbiException;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;

/**
 * How every statement of the JDBC store runs, in one place: a call borrows a connection of its own (never one with a
 * transaction the application has open on the thread), its statements are stopped at the statement timeout, it
 * commits what it wrote when it opened a transaction or the pool lends connections with auto-commit off (and rolls
 * back when it fails), it runs again when it lost a deadlock (it was rolled back whole) up to {@link
 * #DEADLOCK_ATTEMPTS} times, an idempotent call runs once more on a fresh connection when the database closed the one
 * it ran on, and failures leave as {@link SessionStoreException}s (see {@link SqlErrors}). Thread-safe.
 */
public final class StatementRunner {
  static final int DEADLOCK_ATTEMPTS = 3;

  /** How a statement is stopped at its timeout. */
  public enum Timing {
    /** The connections stop it themselves, after the store's timeout (H2's QUERY_TIMEOUT, set by the store's pool). */
    CONNECTION,
    /** The driver, through JDBC's {@code setQueryTimeout}: nothing is left on the connection (PostgreSQL, MariaDB). */
    DRIVER,
    /** {@link StatementWatchdog} cancels it: nothing is left on the connection (H2 on an application's pool). */
    WATCHDOG
  }

  /** Where calls borrow connections: a pool, or an application's Jdbi. */
  @FunctionalInterface
  public interface Connections {
    /** A connection, and what gives it back (usually the connection's own close). */
    Lease borrow() throws SQLException;
  }

  public record Lease(Connection connection, AutoCloseable giveBack) {}

  /** The statements of one call, on its connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Call call) throws SQLException;
  }

  private final Connections connections;
  private final String description;
  private final Timing timing;
  private final int statementTimeoutSeconds;
  private final Runnable dropIdleConnections;

  /**
   * @param description names the store in messages, e.g. "JDBC session store (PostgreSQL at ...)"
   * @param dropIdleConnections makes the pool open fresh connections (after the database closed one, it has likely
   *     closed them all: a restart, a failover, an administrator); a no-op when the pool cannot be told
   */
  public StatementRunner(
      Connections connections,
      String description,
      Timing timing,
      int statementTimeoutSeconds,
      Runnable dropIdleConnections) {
    this.connections = connections;
    this.description = description;
    this.timing = timing;
    this.statementTimeoutSeconds = statementTimeoutSeconds;
    this.dropIdleConnections = dropIdleConnections;
  }

  public String description() {
    return description;
  }

  /** The timeout of a call's statements, unless the call gives its own. */
  public int statementTimeoutSeconds() {
    return statementTimeoutSeconds;
  }

  /**
   * Runs work that must not run twice (a create) on a connection of its own.
   *
   * @param operation what the caller was doing, for messages: "create a session"
   */
  public <T> T call(String operation, Work<T> work) {
    return call(operation, statementTimeoutSeconds, work);
  }

  /**
   * {@link #call} for work that may run twice (a read, a delete, activity): when the database closed the connection
   * under it, it runs once more on a fresh connection. Its second run may find done what the first did.
   */
  public <T> T callIdempotent(String operation, Work<T> work) {
    return callIdempotent(operation, statementTimeoutSeconds, work);
  }

  /** {@link #callIdempotent(String, Work)} with a statement timeout of its own. */
  public <T> T callIdempotent(String operation, int timeoutSeconds, Work<T> work) {
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

  private <T> T call(String operation, int timeoutSeconds, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return once(work, timeoutSeconds);
      } catch (SQLException | JdbiException e) {
        if (attempt < DEADLOCK_ATTEMPTS && SqlErrors.isDeadlock(e)) {
          backOff(attempt);
          continue;
        }
        throw SqlErrors.translate(description, operation, e);
      } catch (SessionStoreException e) {
        throw e;
      } catch (Exception e) {
        // A row the store cannot read (corrupt props), a pool that failed to give a connection
        // back: typed.
        throw new SessionStoreException(
            description + " failed to " + operation + ": " + e.getMessage(), e);
      }
    }
  }

  private <T> T once(Work<T> work, int timeoutSeconds) throws Exception {
    Lease lease = connections.borrow();
    try (AutoCloseable giveBack = lease.giveBack()) {
      Connection c = lease.connection();
      // The pool's connections stop statements after the store's timeout; another one is set for
      // this call only.
      boolean ownTimeout = timing == Timing.CONNECTION && timeoutSeconds != statementTimeoutSeconds;
      if (ownTimeout) {
        setH2QueryTimeout(c, timeoutSeconds);
      }
      try {
        return inTransactionIfAny(new Call(c, timing, timeoutSeconds), work);
      } finally {
        if (ownTimeout) {
          setH2QueryTimeout(c, statementTimeoutSeconds);
        }
      }
    }
  }

  private static <T> T inTransactionIfAny(Call call, Work<T> work) throws SQLException {
    T result;
    try {
      result = work.run(call);
      if (call.inTransaction()) {
        call.connection().commit();
      }
    } catch (SQLException | RuntimeException e) {
      try {
        if (call.inTransaction()) {
          call.connection().rollback();
        }
      } catch (SQLException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      try {
        call.restoreAutoCommit();
      } catch (SQLException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    call.restoreAutoCommit();
    return result;
  }

  private static void setH2QueryTimeout(Connection c, int seconds) throws SQLException {
    try (var s = c.createStatement()) {
      s.execute("SET QUERY_TIMEOUT " + seconds * 1000L);
    }
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20) * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
