package org.sessionregistry.server;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose request line and headers have not all arrived within the limit: Jetty reads headers
 * without a thread, but its idle timeout restarts with every byte, so a client sending one byte a second (slowloris)
 * would hold a connection, and with enough of them every connection the server allows, forever.
 *
 * <p>It looks at each connection a few times per limit, through Jetty's public counters only: requests whose headers
 * completed ({@code getMessagesIn}), responses begun ({@code getMessagesOut}) and bytes read ({@code getBytesIn}). A
 * request is arriving from the moment a new connection opens, or from the first byte read after the previous response
 * began, until its headers complete; a request being served, and a keep-alive connection with nothing new to read, are
 * left to the idle timeout. An HTTP/2 connection is watched only until its first stream opens; its streams are bounded
 * by HTTP/2's own limits. Closing is one period late at most.
 */
final class HeaderTimeout extends AbstractLifeCycle implements Runnable {
  private static final long NONE = Long.MIN_VALUE;

  private final AbstractConnector connector;
  private final long limitNanos;
  private final long periodMillis;

  /** Read and written by the sweeping task (one at a time), cleared at the stop. */
  private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();

  private volatile Scheduler.Task task;

  HeaderTimeout(AbstractConnector connector, Duration limit) {
    this.connector = connector;
    this.limitNanos = limit.toNanos();
    this.periodMillis = Math.max(50, limit.toMillis() / 4);
  }

  @Override
  protected void doStart() {
    schedule();
  }

  @Override
  protected void doStop() {
    Scheduler.Task t = task;
    if (t != null) {
      t.cancel();
    }
    watches.clear();
  }

  private void schedule() {
    task = connector.getScheduler().schedule(this, periodMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    try {
      sweep(System.nanoTime(), System.currentTimeMillis());
    } finally {
      if (isRunning()) {
        schedule();
      }
    }
  }

  private void sweep(long now, long wallNow) {
    Set<Connection> open = new HashSet<>();
    for (EndPoint endPoint : connector.getConnectedEndPoints()) {
      Connection c = endPoint.getConnection();
      if (c == null) {
        continue;
      }
      open.add(c);
      Watch w =
          watches.computeIfAbsent(
              c, k -> new Watch(now - Math.max(0, wallNow - k.getCreatedTimeStamp()) * 1_000_000L));
      if (arriving(c, w, now) && now - w.arrivingSince > limitNanos) {
        endPoint.close(new TimeoutException("request headers took longer than the header timeout"));
      }
    }
    watches.keySet().retainAll(open);
  }

  /** Whether a request is arriving on the connection, and since when (in the watch). */
  private static boolean arriving(Connection c, Watch w, long now) {
    long in = c.getMessagesIn();
    if (c instanceof HTTP2Connection) {
      return in == 0;
    }
    long out = c.getMessagesOut();
    long bytes = c.getBytesIn();
    if (in != w.in || out != w.out) {
      // A request's headers completed, or a response began, since the last look: start over from
      // here.
      w.in = in;
      w.out = out;
      w.bytes = bytes;
      w.arrivingSince = NONE;
      return false;
    }
    if (in > out) {
      w.bytes = bytes; // being served: its body and its response are the idle timeout's
      return false;
    }
    if (w.arrivingSince == NONE && bytes != w.bytes) {
      w.arrivingSince = now; // the next request has begun to arrive
    }
    return w.arrivingSince != NONE;
  }

  private static final class Watch {
    long in;
    long out;
    long bytes;
    long arrivingSince;

    Watch(long openedAt) {
      this.arrivingSince = openedAt; // a new connection's first request is arriving from the start
    }
  }
}
