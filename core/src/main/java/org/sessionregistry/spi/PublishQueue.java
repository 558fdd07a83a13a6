package org.sessionregistry.spi;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Sends a channel's invalidations from a thread of its own, for channel authors whose publish is a network round trip:
 * a revoke behind a front cache then costs its caller the store's round trip only. The revoking node's own cache is
 * invalidated before the revoke returns whatever the channel does; the other nodes hear of it when the message
 * arrives, as before, a hand-over later, and a message that never arrives is bounded by their maximum staleness, as
 * a lost one always was.
 *
 * <p>One message at a time, one round trip each: a backlog reaches the other nodes as fast as the channel takes them.
 * Nothing is dropped while the channel works: when {@code capacity} messages wait (the channel is slower than the
 * revokes), the next one is sent on the caller's thread, which then waits as it would without the queue.
 * {@link #close} sends what still waits within its drain timeout and logs how many it could not. Thread-safe.
 */
public final class PublishQueue implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PublishQueue.class.getName());
  private static final Object STOP = new Object();

  private final Consumer<Invalidation> send;
  private final BlockingQueue<Object> waiting;
  /** Queued or being sent. */
  private final AtomicInteger pending = new AtomicInteger();
  private final Thread sender;
  private final Duration drainTimeout;
  private volatile boolean closed;

  /**
   * @param send the channel's own publish; called on the queue's thread (or, when it is full or closed, the
   *     caller's), one message at a time from the queue; failures are its own to handle (an exception is logged)
   * @param drainTimeout how long {@link #close} waits for the messages still queued
   */
  public PublishQueue(String threadName, Consumer<Invalidation> send, int capacity, Duration drainTimeout) {
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
    // Queued while close() ran to its end: nobody would take it, so it goes now (if close did not take it after all).
    if (!queued || (closed && waiting.remove(invalidation))) {
      try {
        sendNow(invalidation);
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
      waiting.offer(STOP); // closed from a send (a listener told of a failure): the loop ends after this message
      return;
    }
    // An interrupted caller (a shutdown) still gets the bounded drain; its interrupt is restored after.
    boolean interrupted = Thread.interrupted();
    // Blocks while the queue is full: the sender is taking from it meanwhile, and stops at the marker.
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
              sendNow((Invalidation) left);
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
      LOG.log(System.Logger.Level.WARNING, pending.get() + " invalidations not published within " + drainTimeout
          + " of closing the channel; other nodes drop what they cached within their maximum staleness");
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (true) {
        Object next = waiting.take();
        if (next == STOP) {
          return;
        }
        try {
          sendNow((Invalidation) next);
        } catch (Throwable t) { // an Error too: this thread must outlive any one message
          LOG.log(System.Logger.Level.ERROR, "could not publish " + ((Invalidation) next).toText(), t);
        } finally {
          pending.decrementAndGet();
        }
      }
    } catch (InterruptedException e) {
      // close() gave up waiting; it says how many were left
    }
  }

  private void sendNow(Invalidation invalidation) {
    try {
      send.accept(invalidation);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not publish " + invalidation.toText() + ": " + e.getMessage());
    }
  }
}
