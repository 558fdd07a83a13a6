package org.sessionregistry.spring;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code session-registry.*} properties the auto-configured {@link org.sessionregistry.SessionRegistry} is built
 * from. Values are checked when the registry is built, at start-up, by the same rules as the builders': a bad one
 * fails the start with a message naming the property and the value (a password is never shown).
 *
 * @param store where sessions live: {@code memory} (one node), {@code jdbc} (the application's {@code DataSource}) or
 *     {@code redis}
 * @param sessionLifetime how long a session lives: from its creation, or from its last activity when
 *     {@code extend-with-activity} is on
 * @param idleTimeout how long a session lives without activity; none when unset
 * @param extendWithActivity whether activity moves a session's expiry to its moment plus the session lifetime
 * @param maxSessionLifetime the longest a session extended with activity may live from its creation; none when unset
 * @param touchInterval the least time between two writes of a session's activity; when unset, 5 minutes, or half the
 *     idle timeout (or extended lifetime) when that is shorter than 10 minutes
 * @param maxSessionsPerUser the most live sessions of one user, counted and enforced in the same atomic store operation
 *     as each login, on every node; no limit when unset
 * @param maxSessionsPolicy what a login beyond {@code max-sessions-per-user} does: {@code end} the user's least
 *     recently active sessions, or {@code refuse} the login
 * @param jdbc the JDBC store's settings
 * @param redis the Redis store's settings
 * @param frontCache the front cache, which answers repeated tokens from memory in front of a remote store
 * @param mattermostApi Mattermost's session endpoints under {@code /api/v4/}, on the application's own port
 */
@ConfigurationProperties("session-registry")
public record SessionRegistryProperties(
    @DefaultValue("memory") StoreType store,
    @DefaultValue("30d") Duration sessionLifetime,
    @Nullable Duration idleTimeout,
    @DefaultValue("false") boolean extendWithActivity,
    @Nullable Duration maxSessionLifetime,
    @Nullable Duration touchInterval,
    @Nullable Integer maxSessionsPerUser,
    @DefaultValue("end") LimitPolicy maxSessionsPolicy,
    @DefaultValue Jdbc jdbc,
    @DefaultValue Redis redis,
    @DefaultValue FrontCache frontCache,
    @DefaultValue MattermostApi mattermostApi) {

  /** Where sessions live. */
  public enum StoreType {
    /** In this JVM: one node, sessions lost at restart. */
    MEMORY,
    /** In the application's own {@code DataSource} (H2, PostgreSQL, MariaDB); needs session-registry-store-jdbc. */
    JDBC,
    /** In Redis, standalone; needs session-registry-store-redis. */
    REDIS
  }

  /** What a login beyond the cap per user does. */
  public enum LimitPolicy {
    /** Ends the user's least recently active sessions to make room (Mattermost's way). */
    END,
    /** Refuses the login, as Spring Security's {@code maxSessionsPreventsLogin}. */
    REFUSE
  }

  /** When the JDBC store creates its tables (each only if missing), as Spring Session's {@code initialize-schema}. */
  public enum SchemaInitialization {
    /** At every start. */
    ALWAYS,
    /** Only in an embedded database (H2). */
    EMBEDDED,
    /** Never: the application runs the shipped script ({@code JdbcSchema.createScript}) itself. */
    NEVER
  }

  /** Which channel carries revocations between the nodes' front caches. */
  public enum ChannelType {
    /** The store's own: Redis pub/sub for {@code redis}, the revocations table for {@code jdbc}; none in memory. */
    STORE,
    /** Redis pub/sub, on the Redis of {@code session-registry.redis.*}. */
    REDIS,
    /** The revocations table of the application's {@code DataSource}, polled. */
    JDBC,
    /** None: other nodes see a revocation within the maximum staleness. */
    NONE
  }

  /**
   * @param initializeSchema when the store creates its tables
   */
  public record Jdbc(@DefaultValue("embedded") SchemaInitialization initializeSchema) {}

  /**
   * Unset values are taken from Spring Boot's {@code spring.data.redis.*} ({@code host}, {@code port},
   * {@code username}, {@code password}, {@code ssl.enabled}), then from Redis's defaults.
   *
   * @param host the Redis host; default {@code spring.data.redis.host}, else {@code localhost}
   * @param port the Redis port; default {@code spring.data.redis.port}, else 6379
   * @param username the ACL user; default {@code spring.data.redis.username}, else {@code default} when a password is
   *     set
   * @param password the password; default {@code spring.data.redis.password}
   * @param ssl whether to connect over TLS, trusting the JVM's trust store; default
   *     {@code spring.data.redis.ssl.enabled}
   * @param timeout how long a call may take, the wait for a connection included
   * @param namespace what every key (and the invalidation channel's name) starts with
   */
  public record Redis(
      @Nullable String host,
      @Nullable Integer port,
      @Nullable String username,
      @Nullable String password,
      @Nullable Boolean ssl,
      @DefaultValue("2s") Duration timeout,
      @DefaultValue("sr") String namespace) {

    /** Never shows the password. */
    @Override
    public String toString() {
      return "Redis[host="
          + host
          + ", port="
          + port
          + ", username="
          + username
          + ", password="
          + (password == null ? null : "<redacted>")
          + ", ssl="
          + ssl
          + ", timeout="
          + timeout
          + ", namespace="
          + namespace
          + "]";
    }
  }

  /**
   * @param enabled whether a front cache answers repeated tokens from memory
   * @param maximumSize the most sessions it keeps
   * @param maximumStaleness the longest a cached answer is trusted when a revocation's message was lost
   * @param channel which channel carries revocations between nodes
   */
  public record FrontCache(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("100000") long maximumSize,
      @DefaultValue("30s") Duration maximumStaleness,
      @DefaultValue("store") ChannelType channel) {}

  /**
   * Mattermost API v4's session endpoints (login, logout, list and revoke sessions) on the application's own port, for
   * Mattermost's clients: logins checked by the application's {@code AuthenticationManager}, user ids the
   * application's own.
   *
   * @param enabled whether the endpoints answer under {@code /api/v4/}
   * @param userIdPattern the user ids a path may name ({@code /api/v4/users/<id>/sessions}), a regular expression
   *     the whole id must match; others answer 400. Unset: any id the registry takes
   */
  public record MattermostApi(
      @DefaultValue("false") boolean enabled, @Nullable String userIdPattern) {}
}
