package org.sessionregistry.spring;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.SessionAccessRule;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionListener;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.UserCredentials;
import org.sessionregistry.UserRoles;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.InvalidationChannel;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spring.SessionRegistryProperties.ChannelType;
import org.sessionregistry.spring.SessionRegistryProperties.StoreType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A {@link SessionRegistry} from the {@code session-registry.*} properties ({@link SessionRegistryProperties}), over
 * the store they name, closed with the application context. Every bean backs off when the application defines its
 * own of the same type: a {@link SessionRegistry}, a {@link SessionStore}, an {@link InvalidationChannel}. The
 * application's {@link UserRoles}, {@link UserCredentials}, {@link SessionAccessRule} and {@link SessionListener} beans
 * are given to the registry.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"
    })
@EnableConfigurationProperties(SessionRegistryProperties.class)
public class SessionRegistryAutoConfiguration {
  private static final String PREFIX = "session-registry.";

  /** The registry builder's setting names, as they appear in its messages. */
  private static final Pattern SETTING =
      Pattern.compile(
          "\\b(sessionLifetime|idleTimeout|touchInterval|maxSessionLifetime|maxSessionsPerUser)\\b");

  /**
   * The registry. The store bean closes itself with the context, so the registry is not closed a second time.
   *
   * @throws InvalidConfigurationPropertyValueException if a property's value is refused
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public SessionRegistry sessionRegistry(
      SessionRegistryProperties properties,
      SessionStore sessionRegistryStore,
      ObjectProvider<UserRoles> userRoles,
      ObjectProvider<UserCredentials> userCredentials,
      ObjectProvider<SessionAccessRule> accessRule,
      ObjectProvider<SessionListener> listeners) {
    SessionRegistry.Builder b = SessionRegistry.builder().store(sessionRegistryStore);
    apply(
        "session-lifetime",
        properties.sessionLifetime(),
        () -> b.sessionLifetime(properties.sessionLifetime()));
    if (properties.idleTimeout() != null) {
      apply(
          "idle-timeout", properties.idleTimeout(), () -> b.idleTimeout(properties.idleTimeout()));
    }
    b.extendWithActivity(properties.extendWithActivity());
    if (properties.maxSessionLifetime() != null) {
      apply(
          "max-session-lifetime",
          properties.maxSessionLifetime(),
          () -> b.maxSessionLifetime(properties.maxSessionLifetime()));
    }
    if (properties.touchInterval() != null) {
      apply(
          "touch-interval",
          properties.touchInterval(),
          () -> b.touchInterval(properties.touchInterval()));
    }
    if (properties.maxSessionsPerUser() != null) {
      apply(
          "max-sessions-per-user",
          properties.maxSessionsPerUser(),
          () -> b.maxSessionsPerUser(properties.maxSessionsPerUser(), policy(properties)));
    }
    userRoles.ifAvailable(b::userRoles);
    userCredentials.ifAvailable(b::userCredentials);
    accessRule.ifAvailable(b::accessRule);
    listeners.orderedStream().forEach(b::listener);
    try {
      return b.build();
    } catch (IllegalStateException e) {
      // A rule between settings: the message names both, translated to their properties.
      Matcher m = SETTING.matcher(e.getMessage());
      String first = m.find() ? property(m.group(1)) : PREFIX + "*";
      throw new InvalidConfigurationPropertyValueException(
          first,
          valueOf(first, properties),
          SETTING.matcher(e.getMessage()).replaceAll(r -> property(r.group(1))));
    }
  }

  /**
   * The store {@code session-registry.store} names, behind a front cache when
   * {@code session-registry.front-cache.enabled}.
   * Closed with the context (a store over the application's {@code DataSource} leaves the pool open).
   */
  @Bean
  @ConditionalOnMissingBean
  public SessionStore sessionRegistryStore(
      SessionRegistryProperties properties,
      Environment environment,
      ObjectProvider<DataSource> dataSource,
      ObjectProvider<InvalidationChannel> channel) {
    SessionStore store =
        switch (properties.store()) {
          case MEMORY -> InMemorySessionStore.create();
          case JDBC -> {
            requireModule(
                StoreType.JDBC,
                "org.sessionregistry.jdbc.JdbcSessionStore",
                "session-registry-store-jdbc");
            yield JdbcStores.store(properties.jdbc(), requireDataSource(dataSource, "store"));
          }
          case REDIS -> {
            requireModule(
                StoreType.REDIS,
                "org.sessionregistry.redis.RedisSessionStore",
                "session-registry-store-redis");
            yield RedisStores.store(RedisStores.Settings.of(properties.redis(), environment));
          }
        };
    SessionRegistryProperties.FrontCache cache = properties.frontCache();
    if (!cache.enabled()) {
      return store;
    }
    try {
      FrontCache.Builder front = FrontCache.builder();
      apply(
          "front-cache.maximum-size",
          cache.maximumSize(),
          () -> front.maximumSize(cache.maximumSize()));
      apply(
          "front-cache.maximum-staleness",
          cache.maximumStaleness(),
          () -> front.maximumStaleness(cache.maximumStaleness()));
      channel.ifAvailable(front::channel);
      return front.build().over(store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * The channel that carries revocations between the nodes' front caches
   * ({@code session-registry.front-cache.channel}),
   * closed with the context; none for the in-memory store or {@code none}.
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty("session-registry.front-cache.enabled")
  public @Nullable InvalidationChannel sessionRegistryInvalidationChannel(
      SessionRegistryProperties properties,
      Environment environment,
      ObjectProvider<DataSource> dataSource) {
    ChannelType type = properties.frontCache().channel();
    if (type == ChannelType.STORE) {
      type =
          switch (properties.store()) {
            case MEMORY -> ChannelType.NONE;
            case JDBC -> ChannelType.JDBC;
            case REDIS -> ChannelType.REDIS;
          };
    }
    return switch (type) {
      case NONE, STORE -> null;
      case JDBC -> {
        requireModule(
            StoreType.JDBC,
            "org.sessionregistry.jdbc.JdbcInvalidationChannel",
            "session-registry-store-jdbc");
        yield JdbcStores.channel(requireDataSource(dataSource, "front-cache.channel"));
      }
      case REDIS -> {
        requireModule(
            StoreType.REDIS,
            "org.sessionregistry.redis.RedisInvalidationChannel",
            "session-registry-store-redis");
        yield RedisStores.channel(RedisStores.Settings.of(properties.redis(), environment));
      }
    };
  }

  /** Applies one property; a value the builder refuses fails the start naming the property and the value. */
  static void apply(String property, Object value, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(
          PREFIX + property,
          value,
          SETTING.matcher(e.getMessage()).replaceAll(r -> property(r.group(1))));
    }
  }

  private static SessionLimit.Policy policy(SessionRegistryProperties properties) {
    return switch (properties.maxSessionsPolicy()) {
      case END -> SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE;
      case REFUSE -> SessionLimit.Policy.REFUSE_NEW;
    };
  }

  private static DataSource requireDataSource(
      ObjectProvider<DataSource> dataSource, String property) {
    DataSource ds = dataSource.getIfUnique();
    if (ds == null) {
      throw new InvalidConfigurationPropertyValueException(
          PREFIX + property,
          "jdbc",
          "the JDBC store uses the application's DataSource, and there is no single one: add spring-boot-starter-jdbc"
              + " and spring.datasource.url (or define a DataSource bean)");
    }
    return ds;
  }

  private static void requireModule(StoreType type, String className, String artifactId) {
    if (!org.springframework.util.ClassUtils.isPresent(
        className, SessionRegistryAutoConfiguration.class.getClassLoader())) {
      throw new InvalidConfigurationPropertyValueException(
          PREFIX + "store",
          type.name().toLowerCase(),
          "it needs org.sessionregistry:"
              + artifactId
              + " on the class path: add it beside the starter");
    }
  }

  /** {@code idleTimeout} → {@code session-registry.idle-timeout}. */
  private static String property(String setting) {
    return PREFIX + setting.replaceAll("([A-Z])", "-$1").toLowerCase();
  }

  private static @Nullable Object valueOf(String property, SessionRegistryProperties p) {
    return switch (property.substring(PREFIX.length())) {
      case "session-lifetime" -> p.sessionLifetime();
      case "idle-timeout" -> p.idleTimeout();
      case "touch-interval" -> p.touchInterval();
      case "max-session-lifetime" -> p.maxSessionLifetime();
      default -> null;
    };
  }
}
