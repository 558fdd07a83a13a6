package org.sessionregistry.spring.actuate;

import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.spi.SessionStore;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code sessionRegistry} health: up while the store answers (one read of a user that has no session), down with
 * the failure otherwise. The invalidation channel, when there is one, is a detail ({@code connected} or
 * {@code disconnected}): while it is down the front caches are bypassed, every request goes to the store, and sessions
 * still work.
 */
public class SessionRegistryHealthIndicator extends AbstractHealthIndicator {
  /** A valid user id no application is likely to use; reading it costs one round trip and finds nothing. */
  private static final String PROBE = "session-registry-health-probe";

  private final SessionStore store;
  private final @Nullable BooleanSupplier channelConnected;

  SessionRegistryHealthIndicator(SessionStore store, @Nullable BooleanSupplier channelConnected) {
    super("the session store could not be asked");
    this.store = store;
    this.channelConnected = channelConnected;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    store.findByUser(PROBE);
    builder.up();
    if (channelConnected != null) {
      builder.withDetail("channel", channelConnected.getAsBoolean() ? "connected" : "disconnected");
    }
  }
}
