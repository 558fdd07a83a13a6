package org.sessionregistry.internal.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.sessionregistry.spi.Invalidation;

/**
 * Sends a channel's invalidations from a thread of its own, for the library's channels whose publish is a network round trip:
 * a revoke behind a front cache then costs its caller the store's round trip only. The revoking node's own cache is
 * invalidated before the revoke returns whatever the channel does; the other nodes hear of it when the message
 * arrives, as before, a hand-over later, and a message that never arrives is bounded by their maximum staleness, as
 * a lost one always was.
 *
 * <p>What waited goes out together (up to 256 messages to one send: one round trip where the channel can batch), so a
 * backlog reaches the other nodes in a few round trips, not one each. Nothing is dropped while the channel works: when {@code capacity} messages wait (the channel is slower than the
 * revokes), the next one is sent on the caller's thread, which then waits as it would without the queue.
 * {@link #close} sends what still waits within its drain timeout and logs how many it could not. Thread-safe.
 */
public final class PublishQueue implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PublishQueue.class.getName());
  private static final Object STOP = new Object();

  /** At most this many messages go to one send. */
  static final int MAX_BATCH = 256;

  private final Consumer<List<Invalidation>> send;
  private final BlockingQueue<Object> waiting;

  /** Queued or being sent. */
  private final AtomicInteger pending = new AtomicInteger();

  /** Sent, whether or not the channel took them. */
  private final java.util.concurrent.atomic.LongAdder sent =
      new java.util.concurrent.atomic.LongAdder();

  private final Thread sender;
  private final Duration drainTimeout;
  private volatile boolean closed;

  /**
   * @param send the channel's own publish of one or more messages, in order (all that waited, up to 256: one
   *     round trip for a backlog where the channel can); called on the queue's thread, or on the caller's with one
   *     message when the queue is full or closed; failures are its own to handle (an exception is logged)
   * @param drainTimeout how long {@link #close} waits for the messages still queued
   */
  public PublishQueue(
      String threadName, Consumer<List<Invalidation>> send, int capacity, Duration drainTimeout) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.send = send;
    this.waiting = new ArrayBlockingQueue<>(capacity);
    this.drainTimeout = drainTimeout;
    this.sender = new Thread(this::run, threadName);
    this.sender.setDaemon(true);
    this.sender.start();
  }

  /** Queues the message, or sends it now when the queue is full or closed. Never throws for the channel's failure. */
  public void publish(Invalidation invalidation) {
    pending.incrementAndGet();
    boolean queued = !closed && sender.isAlive() && waiting.offer(invalidation);
    // Queued while close() ran to its end: nobody would take it, so it goes now (if close did not
    // take it after all).
    if (!queued || (closed && waiting.remove(invalidation))) {
      try {
        sendNow(List.of(invalidation));
      } finally {
        pending.decrementAndGet();
      }
    }
  }

  /** Sends what is queued (within the drain timeout), then stops the thread. */
  @Override
  public void close() {
    closed = true;
    if (Thread.currentThread() == sender) {
      waiting.offer(
          STOP); // closed from a send (a listener told of a failure): the loop ends after this
      // message
      return;
    }
    // An interrupted caller (a shutdown) still gets the bounded drain; its interrupt is restored
    // after.
    boolean interrupted = Thread.interrupted();
    // Blocks while the queue is full: the sender is taking from it meanwhile, and stops at the
    // marker.
    boolean marked = false;
    long until = System.nanoTime() + drainTimeout.toNanos();
    try {
      while (!marked && System.nanoTime() < until) {
        marked = waiting.offer(STOP, 10, TimeUnit.MILLISECONDS);
      }
      sender.join(Math.max(1, (until - System.nanoTime()) / 1_000_000));
      if (!sender.isAlive()) {
        // What a publish that raced close put behind the marker.
        for (Object left = waiting.poll(); left != null; left = waiting.poll()) {
          if (left != STOP) {
            try {
              sendNow(List.of((Invalidation) left));
            } finally {
              pending.decrementAndGet();
            }
          }
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    sender.interrupt();
    if (pending.get() > 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          pending.get()
              + " invalidations not published within "
              + drainTimeout
              + " of closing the channel; other nodes drop what they cached within their maximum staleness");
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      List<Object> taken = new ArrayList<>();
      while (true) {
        taken.clear();
        taken.add(waiting.take());
        waiting.drainTo(taken, MAX_BATCH - 1);
        List<Invalidation> batch = new ArrayList<>(taken.size());
        boolean stop = false;
        for (Object o : taken) {
          if (o == STOP) {
            stop = true; // close() puts it last: nothing after it was queued before close began
          } else {
            batch.add((Invalidation) o);
          }
        }
        if (!batch.isEmpty()) {
          try {
            sendNow(batch);
          } catch (Throwable t) { // an Error too: this thread must outlive any one batch
            LOG.log(
                System.Logger.Level.ERROR,
                "could not publish " + batch.size() + " invalidations",
                t);
          } finally {
            pending.addAndGet(-batch.size());
          }
        }
        if (stop) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // close() gave up waiting; it says how many were left
    }
  }

  /** Messages handed to the channel's send so far. */
  public long sent() {
    return sent.sum();
  }

  /** Messages queued or being sent. */
  public int pending() {
    return pending.get();
  }

  private void sendNow(List<Invalidation> batch) {
    sent.add(batch.size());
    try {
      send.accept(batch);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "could not publish "
              + batch.size()
              + " invalidations ("
              + batch.get(0).toText()
              + (batch.size() > 1 ? ", ..." : "")
              + "): "
              + e.getMessage());
    }
  }
}
