package org.sessionregistry.internal.channel;

import java.util.concurrent.CopyOnWriteArrayList;
import org.sessionregistry.spi.Invalidation;
import org.sessionregistry.spi.InvalidationChannel;

/**
 * The listeners of an {@link InvalidationChannel} and its connection state, for the library's channels: a listener that
 * subscribes while the channel is connected is told so at once, and every change of state is told to all listeners
 * exactly once. Thread-safe.
 */
public final class ChannelListeners {
  private final CopyOnWriteArrayList<InvalidationChannel.Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean connected;

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
      listeners.forEach(InvalidationChannel.Listener::connected);
    }
  }

  /** The channel lost its connection: deliveries may be lost. Idempotent. */
  public synchronized void disconnected() {
    if (connected) {
      connected = false;
      listeners.forEach(InvalidationChannel.Listener::disconnected);
    }
  }

  public void deliver(Invalidation invalidation) {
    listeners.forEach(l -> l.invalidate(invalidation));
  }
}
