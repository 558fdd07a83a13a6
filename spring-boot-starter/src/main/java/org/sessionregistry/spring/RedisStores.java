package org.sessionregistry.spring;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.redis.RedisInvalidationChannel;
import org.sessionregistry.redis.RedisSessionStore;
import org.springframework.core.env.Environment;

/** The Redis store and channel; a class of its own so that it is loaded only when session-registry-store-redis is. */
final class RedisStores {
  private RedisStores() {}

  static RedisSessionStore store(Settings s) {
    RedisSessionStore.Builder b = RedisSessionStore.builder();
    SessionRegistryAutoConfiguration.apply(
        "redis.port", s.port, () -> b.standalone(s.host, s.port));
    SessionRegistryAutoConfiguration.apply("redis.timeout", s.timeout, () -> b.timeout(s.timeout));
    SessionRegistryAutoConfiguration.apply(
        "redis.namespace", s.namespace, () -> b.namespace(s.namespace));
    if (s.password != null) {
      b.credentials(s.username, s.password);
    }
    if (s.ssl) {
      b.tls(defaultTls());
    }
    return b.build();
  }

  static RedisInvalidationChannel channel(Settings s) {
    RedisInvalidationChannel.Builder b = RedisInvalidationChannel.builder();
    SessionRegistryAutoConfiguration.apply("redis.port", s.port, () -> b.redis(s.host, s.port));
    SessionRegistryAutoConfiguration.apply("redis.timeout", s.timeout, () -> b.timeout(s.timeout));
    SessionRegistryAutoConfiguration.apply(
        "redis.namespace", s.namespace, () -> b.namespace(s.namespace));
    if (s.password != null) {
      b.credentials(s.username, s.password);
    }
    if (s.ssl) {
      b.tls(defaultTls());
    }
    return b.build();
  }

  private static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "the JVM has no default TLS context for session-registry.redis.ssl", e);
    }
  }

  /** Where Redis is: each of session-registry.redis.* when set, else Spring Boot's spring.data.redis.*. */
  record Settings(
      String host,
      int port,
      String username,
      @Nullable String password,
      boolean ssl,
      Duration timeout,
      String namespace) {

    static Settings of(SessionRegistryProperties.Redis r, Environment env) {
      String host =
          r.host() != null ? r.host() : env.getProperty("spring.data.redis.host", "localhost");
      Integer port =
          r.port() != null
              ? r.port()
              : env.getProperty("spring.data.redis.port", Integer.class, 6379);
      String username =
          r.username() != null
              ? r.username()
              : env.getProperty("spring.data.redis.username", "default");
      String password =
          r.password() != null ? r.password() : env.getProperty("spring.data.redis.password");
      Boolean ssl =
          r.ssl() != null
              ? r.ssl()
              : env.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false);
      return new Settings(host, port, username, password, ssl, r.timeout(), r.namespace());
    }

    /** Never shows the password. */
    @Override
    public String toString() {
      return "Settings[" + host + ":" + port + ", ssl=" + ssl + "]";
    }
  }
}
