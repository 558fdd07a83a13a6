package org.sessionregistry.spi;

import org.jspecify.annotations.Nullable;

/**
 * Carries invalidations between the nodes whose front caches sit over one shared store: when one node revokes, the
 * others drop what they cached. Implemented over Redis pub/sub ({@code RedisInvalidationChannel}), a polled table
 * ({@code JdbcInvalidationChannel}), or within one JVM ({@code org.sessionregistry.cache.InProcessInvalidationChannel}).
 *
 * <p>Delivery may be lost; what a channel must do is tell its listeners when it is not connected, so that they stop
 * trusting their caches until it is back. Thread-safe.
 */
public interface InvalidationChannel extends AutoCloseable {

  /**
   * Sends an invalidation to every listener of every node, this one included. Best effort: a failure is logged, not
   * thrown, because the revocation itself already happened in the store; front caches bound what a lost message costs
   * by their maximum staleness. A channel whose publish is a round trip should queue it and return at once
   * (on a thread of its own): revokes then do not wait for it; the revoking node's own cache is invalidated before.
   */
  void publish(Invalidation invalidation);

  /**
   * Starts delivering to the listener. The listener is told {@link Listener#connected()} once deliveries can be
   * trusted (at once for a channel that is always connected), and {@link Listener#disconnected()} whenever they stop.
   *
   * @return a handle that stops deliveries to this listener
   */
  Subscription subscribe(Listener listener);

  /**
   * How the channel is doing, for metrics and health checks: read from memory, never a round trip. The library's
   * channels answer; the default, null, says the channel keeps no account.
   */
  default @Nullable ChannelStatus status() {
    return null;
  }

  /** Stops the channel's threads and connections. */
  @Override
  default void close() {}

  /** Told of invalidations and of the channel's connection. Must be quick and never throw. */
  interface Listener {
    void invalidate(Invalidation invalidation);

    /** From now on every invalidation published will be delivered, until {@link #disconnected()}. */
    void connected();

    /** Invalidations may have been lost, and may be lost until {@link #connected()}. */
    void disconnected();
  }

  /** Stops deliveries to one listener. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
