package org.sessionregistry.internal.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.spi.ChannelStatus;
import org.sessionregistry.spi.Invalidation;
import org.sessionregistry.spi.InvalidationChannel;

/**
 * The listeners of an {@link InvalidationChannel} and its connection state, for the library's channels: a listener that
 * subscribes while the channel is connected is told so at once, and every change of state is told to all listeners
 * exactly once. Thread-safe.
 */
public final class ChannelListeners {
  private final CopyOnWriteArrayList<InvalidationChannel.Listener> listeners =
      new CopyOnWriteArrayList<>();
  private volatile boolean connected;
  private volatile Instant since = Instant.now();
  private final LongAdder received = new LongAdder();

  /** {@link System#nanoTime()} when the server was last heard from; {@code heardAny} says whether ever. */
  private volatile long lastHeard;

  private volatile boolean heardAny;

  /** Adds a listener; tells it {@code connected()} at once if the channel is. */
  public synchronized InvalidationChannel.Subscription add(InvalidationChannel.Listener listener) {
    listeners.add(listener);
    if (connected) {
      listener.connected();
    }
    return () -> listeners.remove(listener);
  }

  public boolean isConnected() {
    return connected;
  }

  /** The channel is connected: deliveries can be trusted from now on. Idempotent. */
  public synchronized void connected() {
    if (!connected) {
      connected = true;
      since = Instant.now();
      listeners.forEach(InvalidationChannel.Listener::connected);
    }
  }

  /** The channel lost its connection: deliveries may be lost. Idempotent. */
  public synchronized void disconnected() {
    if (connected) {
      connected = false;
      since = Instant.now();
      listeners.forEach(InvalidationChannel.Listener::disconnected);
    }
  }

  public void deliver(Invalidation invalidation) {
    received.increment();
    heard();
    listeners.forEach(l -> l.invalidate(invalidation));
  }

  /** The channel's server answered (a message, a pong, a poll). */
  public void heard() {
    lastHeard = System.nanoTime();
    heardAny = true;
  }

  /** The channel's status, with what its publish queue says (none: 0 and 0). */
  public ChannelStatus status(long published, int queued) {
    @Nullable Duration sinceHeard =
        heardAny ? Duration.ofNanos(System.nanoTime() - lastHeard) : null;
    return new ChannelStatus(connected, since, published, received.sum(), queued, sinceHeard);
  }
}
