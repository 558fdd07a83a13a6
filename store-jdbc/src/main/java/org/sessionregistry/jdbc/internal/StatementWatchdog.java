package org.sessionregistry.jdbc.internal;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Cancels statements that run past their deadline, from one daemon thread that looks every {@link #PERIOD_MILLIS}: a
 * statement timeout that leaves nothing on the connection. For H2 on an application's pool, where JDBC's
 * {@code setQueryTimeout} is H2's {@code SET QUERY_TIMEOUT}, a session setting: a statement more per call (the
 * store's lookups took three times as long) that would stay on the connection the application gets back. Watching
 * costs a call a set insertion and removal. Thread-safe.
 */
final class StatementWatchdog {
  /** How late past its deadline a statement may be cancelled, at most. */
  static final long PERIOD_MILLIS = 100;

  private static final Set<Watch> RUNNING = ConcurrentHashMap.newKeySet();
  private static volatile boolean started;

  private StatementWatchdog() {}

  /** Watches {@code statement} until the returned watch is closed, cancelling it if that is after the timeout. */
  static Watch watch(Statement statement, int timeoutSeconds) {
    Watch w = new Watch(statement, System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds));
    RUNNING.add(w);
    if (!started) {
      start();
    }
    return w;
  }

  private static synchronized void start() {
    if (started) {
      return;
    }
    Thread t = new Thread(StatementWatchdog::loop, "session-registry-statement-timeouts");
    t.setDaemon(true);
    t.start();
    started = true;
  }

  private static void loop() {
    for (; ; ) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
      long now = System.nanoTime();
      for (Watch w : RUNNING) {
        if (now - w.deadline >= 0) {
          w.cancel();
        }
      }
    }
  }

  /** One statement's watch; closing it, once the statement is done, makes sure it is not cancelled after. */
  static final class Watch implements AutoCloseable {
    private final Statement statement;
    private final long deadline;
    private boolean done;

    private Watch(Statement statement, long deadline) {
      this.statement = statement;
      this.deadline = deadline;
    }

    /** Under the lock that close takes: a cancel never reaches a statement that is done (nor the connection's next). */
    private synchronized void cancel() {
      if (done) {
        return;
      }
      done = true;
      RUNNING.remove(this);
      try {
        statement.cancel();
      } catch (SQLException | RuntimeException e) {
        // closed meanwhile: nothing left to stop
      }
    }

    @Override
    public synchronized void close() {
      done = true;
      RUNNING.remove(this);
    }
  }
}
