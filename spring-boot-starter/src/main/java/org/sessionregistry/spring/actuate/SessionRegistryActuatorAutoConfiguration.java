package org.sessionregistry.spring.actuate;

import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.spi.InvalidationChannel;
import org.sessionregistry.spi.SessionStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * With Actuator: the {@code sessions} endpoint ({@link SessionsEndpoint}), created only when the application exposes
 * it, and the {@code sessionRegistry} health indicator ({@link SessionRegistryHealthIndicator}). Each backs off when
 * the application defines its own.
 */
@AutoConfiguration(afterName = "org.sessionregistry.spring.SessionRegistryAutoConfiguration")
@ConditionalOnClass(Endpoint.class)
public class SessionRegistryActuatorAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(SessionRegistry.class)
  @ConditionalOnAvailableEndpoint
  public SessionsEndpoint sessionsEndpoint(SessionRegistry registry) {
    return new SessionsEndpoint(registry);
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "sessionRegistryHealthIndicator")
    @ConditionalOnBean(SessionStore.class)
    @ConditionalOnEnabledHealthIndicator("session-registry")
    SessionRegistryHealthIndicator sessionRegistryHealthIndicator(
        SessionStore store, ObjectProvider<InvalidationChannel> channel) {
      return new SessionRegistryHealthIndicator(store, connected(channel.getIfUnique()));
    }
  }

  /** Whether the library's channel is connected; the SPI does not say, its two channels do. */
  private static @Nullable BooleanSupplier connected(@Nullable InvalidationChannel channel) {
    if (channel == null) {
      return null;
    }
    ClassLoader loader = SessionRegistryActuatorAutoConfiguration.class.getClassLoader();
    if (ClassUtils.isPresent("org.sessionregistry.redis.RedisInvalidationChannel", loader)
        && channel instanceof org.sessionregistry.redis.RedisInvalidationChannel redis) {
      return redis::isConnected;
    }
    if (ClassUtils.isPresent("org.sessionregistry.jdbc.JdbcInvalidationChannel", loader)
        && channel instanceof org.sessionregistry.jdbc.JdbcInvalidationChannel jdbc) {
      return jdbc::isConnected;
    }
    return null;
  }
}
