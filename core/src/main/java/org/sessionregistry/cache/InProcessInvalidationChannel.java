package org.sessionregistry.cache;

import org.sessionregistry.internal.channel.ChannelListeners;
import org.sessionregistry.spi.ChannelStatus;
import org.sessionregistry.spi.Invalidation;
import org.sessionregistry.spi.InvalidationChannel;

/**
 * A channel within one JVM: for several registries over one store in one process, and for tests. Always connected;
 * delivers synchronously, on the publishing thread.
 */
public final class InProcessInvalidationChannel implements InvalidationChannel {
  private final ChannelListeners listeners = new ChannelListeners();

  public static InProcessInvalidationChannel create() {
    return new InProcessInvalidationChannel();
  }

  private InProcessInvalidationChannel() {
    listeners.connected();
  }

  @Override
  public void publish(Invalidation invalidation) {
    listeners.deliver(invalidation);
  }

  /** Always connected; each message is heard at once, as it is received. */
  @Override
  public ChannelStatus status() {
    return listeners.status(listeners.status(0, 0).received(), 0);
  }

  @Override
  public Subscription subscribe(Listener listener) {
    return listeners.add(listener);
  }
}
