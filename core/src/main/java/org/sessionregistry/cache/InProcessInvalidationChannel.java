package org.sessionregistry.cache;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A channel within one JVM: for several registries over one store in one process, and for tests. Always connected;
 * delivers synchronously, on the publishing thread.
 */
public final class InProcessInvalidationChannel implements InvalidationChannel {
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

  public static InProcessInvalidationChannel create() {
    return new InProcessInvalidationChannel();
  }

  private InProcessInvalidationChannel() {}

  @Override
  public void publish(Invalidation invalidation) {
    for (Listener l : listeners) {
      l.invalidate(invalidation);
    }
  }

  @Override
  public Subscription subscribe(Listener listener) {
    listeners.add(listener);
    listener.connected();
    return () -> listeners.remove(listener);
  }
}
