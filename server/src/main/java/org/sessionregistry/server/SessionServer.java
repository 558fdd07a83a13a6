package org.sessionregistry.server;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.http.LoginAttempts;
import org.sessionregistry.http.MattermostAccessRule;
import org.sessionregistry.http.MattermostSessionApi;
import org.sessionregistry.http.SessionRegistryApi;
import org.sessionregistry.jdbc.ConnectionPool;
import org.sessionregistry.jdbc.Dialect;
import org.sessionregistry.jdbc.JdbcInvalidationChannel;
import org.sessionregistry.jdbc.JdbcSessionStore;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.micrometer.ChannelMetrics;
import org.sessionregistry.micrometer.FrontCacheMetrics;
import org.sessionregistry.micrometer.SessionRegistryMetrics;
import org.sessionregistry.micrometer.SessionStoreMetrics;
import org.sessionregistry.redis.RedisSessionStore;
import org.sessionregistry.server.ServerConfig.CacheKind;
import org.sessionregistry.server.ServerConfig.StoreKind;
import org.sessionregistry.servlet.MattermostSessionServlet;
import org.sessionregistry.servlet.SessionRegistryApiServlet;
import org.sessionregistry.spi.InvalidationChannel;
import org.sessionregistry.spi.SessionStore;
import redis.clients.jedis.UnifiedJedis;

/**
 * The runnable server: the Mattermost session endpoints through the servlet binding on the Jetty edge, over the
 * configured store. Start it with {@link #start}; {@link #close} stops it gracefully (requests in flight finish, then
 * the store closes).
 */
final class SessionServer implements AutoCloseable {
  private static final Duration DRAIN = Duration.ofSeconds(5);

  /**
   * The live-sessions gauge counts at most this often, however often it is scraped: Prometheus's default scrape
   * interval, so that a SQL store runs its count query at most once per scrape.
   */
  static final Duration LIVE_COUNT_EVERY = Duration.ofSeconds(15);

  private final HttpEdge edge;
  private final Backend backend;

  private SessionServer(HttpEdge edge, Backend backend) {
    this.edge = edge;
    this.backend = backend;
  }

  /**
   * Opens the store, the users file (creating it with demo users on first run, passwords printed once to {@code out}),
   * and the listening socket.
   *
   * @throws StartupException with a message for the operator: busy port, unreachable store, bad users file
   */
  static SessionServer start(ServerConfig config, PrintStream out) throws StartupException {
    try {
      PrivateFiles.directory(config.dataDir);
    } catch (IOException e) {
      throw new StartupException(
          "the data directory " + config.dataDir + " cannot be created: " + e.getMessage());
    }
    boolean firstRun = !Files.exists(config.usersFile);
    UsersFile users = openUsers(config, out);
    try {
      Backend backend = Backend.open(config, users);
      try {
        return new SessionServer(startEdge(config, servlets(backend)), backend);
      } catch (StartupException | RuntimeException e) {
        backend.close();
        throw e;
      }
    } catch (StartupException | RuntimeException e) {
      if (firstRun) {
        // The demo passwords were shown for a server that did not start: make the next start create
        // them again.
        try {
          Files.deleteIfExists(config.usersFile);
        } catch (IOException ignored) {
          // Nothing more to do.
        }
      }
      throw e;
    }
  }

  /**
   * What answers which paths: the server's own endpoints under {@code /sr/v1/} (and its OpenAPI description there),
   * Mattermost's under {@code /api/v4/}, and every other path (a 404 AppError from the Mattermost endpoints, until a page is served there).
   */
  static Map<String, HttpServlet> servlets(Backend backend) {
    Map<String, HttpServlet> servlets = new LinkedHashMap<>();
    servlets.put("/*", new MattermostSessionServlet(backend.api));
    servlets.put("/sr/v1/*", new SessionRegistryApiServlet(backend.own));
    servlets.put(DescriptionServlet.PATH, new DescriptionServlet());
    return servlets;
  }

  private static HttpEdge startEdge(ServerConfig config, Map<String, HttpServlet> servlets)
      throws StartupException {
    try {
      return HttpEdge.start(settings(config), servlets);
    } catch (IOException e) {
      String busy =
          e instanceof BindException || e.getCause() instanceof BindException
              ? "is in use"
              : "cannot be used";
      throw new StartupException(
          "port "
              + config.port
              + " on "
              + config.host
              + " "
              + busy
              + " ("
              + e.getMessage()
              + "): stop what listens there, or choose another with --port");
    } catch (Exception e) {
      throw new StartupException(
          "cannot start the HTTP server on "
              + config.host
              + ":"
              + config.port
              + ": "
              + e.getMessage());
    }
  }

  static HttpEdge.Settings settings(ServerConfig c) {
    return new HttpEdge.Settings(
        c.host,
        c.port,
        c.httpIdleTimeout,
        c.httpHeaderTimeout,
        c.httpBodyTimeout,
        c.httpMaxHeaderBytes,
        c.httpMaxBodyBytes,
        c.httpMaxRequests,
        c.httpMaxQueued,
        c.httpQueueTimeout,
        c.httpMaxConnections,
        c.httpH2c,
        DRAIN);
  }

  /** The port it listens on (useful with {@code --port 0}). */
  int port() {
    return edge.port();
  }

  String storeDescription() {
    return backend.description;
  }

  /** The metrics port (useful with {@code --metrics-port 0}), or -1 when metrics are off. */
  int metricsPort() {
    return backend.metrics != null ? backend.metrics.port() : -1;
  }

  /** Stops taking requests, lets those in flight finish (up to 5 s), then closes the store. */
  @Override
  public void close() {
    try {
      edge.close();
    } finally {
      backend.close();
    }
  }

  /**
   * Everything behind the HTTP edge: the store (with its front cache and channel), the registry, the endpoints, and the
   * purging of a SQL store. Any container can serve {@link #api} (the tests run it on Tomcat too).
   */
  static final class Backend implements AutoCloseable {
    final SessionRegistry registry;
    final MattermostSessionApi api;

    /** The server's own endpoints, under {@code /sr/v1/}. */
    final SessionRegistryApi own;

    final String description;
    final @Nullable MetricsEndpoint metrics;
    private final List<AutoCloseable> resources;
    private final @Nullable ScheduledExecutorService purger;

    private Backend(
        SessionRegistry registry,
        MattermostSessionApi api,
        SessionRegistryApi own,
        String description,
        @Nullable MetricsEndpoint metrics,
        List<AutoCloseable> resources,
        @Nullable ScheduledExecutorService purger) {
      this.registry = registry;
      this.metrics = metrics;
      this.api = api;
      this.own = own;
      this.description = description;
      this.resources = resources;
      this.purger = purger;
    }

    static Backend open(ServerConfig config, UsersFile users) throws StartupException {
      List<AutoCloseable> resources = new ArrayList<>();
      boolean sql =
          config.store == StoreKind.H2
              || config.store == StoreKind.POSTGRESQL
              || config.store == StoreKind.MARIADB;
      ConnectionPool pool = null;
      if (sql) {
        pool =
            JdbcSessionStore.newPool(
                jdbcUrl(config), config.jdbcUser, config.jdbcPassword, 10, Duration.ofSeconds(5));
        resources.add(pool);
      }
      SessionStore store;
      RedisAccess redis;
      try {
        redis = new RedisAccess(config);
        store = openStore(config, pool, redis);
      } catch (StartupException e) {
        closeAll(resources);
        throw e;
      }
      String description = describe(config);
      try {
        if (config.store == StoreKind.H2 && config.jdbcUrl == null) {
          for (String file : List.of("sessions.mv.db", "sessions.trace.db")) {
            PrivateFiles.file(config.dataDir.resolve(file)); // H2 makes them by the umask
          }
        }
        PrivateFiles.file(config.usersFile);
        PrometheusMeterRegistry meters =
            config.metricsPort != null
                ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
                : null;
        InvalidationChannel channel = null;
        if (config.cache != CacheKind.NONE) {
          FrontCache.Builder cache =
              FrontCache.builder()
                  .maximumSize(config.cacheSize)
                  .maximumStaleness(config.cacheStaleness);
          if (meters != null) {
            cache.recordStats();
          }
          channel =
              switch (config.cache) {
                case REDIS -> redis.channel().build();
                case JDBC ->
                    JdbcInvalidationChannel.builder()
                        .dataSource(pool)
                        .pollInterval(config.cachePoll)
                        .build();
                default -> null;
              };
          if (channel != null) {
            resources.add(0, channel);
            cache.channel(channel);
          }
          FrontCache built = cache.build();
          store = built.over(store);
          if (meters != null) {
            FrontCacheMetrics.bind(meters, built);
            if (channel != null) {
              ChannelMetrics.bind(meters, channel);
            }
          }
          description +=
              ", front cache "
                  + config.cache.name().toLowerCase(Locale.ROOT)
                  + " (staleness "
                  + config.cacheStaleness
                  + ")";
        }
        SessionRegistry.Builder rb =
            SessionRegistry.builder()
                .store(store)
                .sessionLifetime(config.sessionLifetime)
                .extendWithActivity(config.extendSessionsWithActivity)
                .userRoles(users)
                .accessRule(MattermostAccessRule.standard())
                .userCredentials(users);
        if (config.maxSessionLifetime != null) {
          rb.maxSessionLifetime(config.maxSessionLifetime);
        }
        if (config.maxSessionsPerUser > 0) {
          rb.maxSessionsPerUser(config.maxSessionsPerUser, config.sessionLimitPolicy);
        }
        if (config.idleTimeout != null) {
          rb.idleTimeout(config.idleTimeout); // the registry's touch interval fits it
        }
        if (meters != null) {
          String kind =
              config.store.name().toLowerCase(Locale.ROOT)
                  + (config.cache != CacheKind.NONE ? "_cached" : "");
          rb.observer(SessionRegistryMetrics.create(meters, kind));
          if (pool != null) {
            pool.bindMetrics(meters);
          }
          SessionStoreMetrics.bind(meters, store, LIVE_COUNT_EVERY, Tags.of("store", kind));
        }
        SessionRegistry registry = rb.build();
        try {
          // One round trip, so that an unreachable store stops the start, not the first login.
          registry.checkStore();
        } catch (SessionStoreException e) {
          throw new StartupException(
              "the session store (" + description + ") is unreachable: " + e.getMessage());
        }
        SharedLoginAttempts.Jdbc sqlAttempts = null;
        LoginAttempts attempts;
        if (config.store == StoreKind.REDIS
            || config.store == StoreKind.REDIS_CLUSTER
            || config.cache == CacheKind.REDIS) {
          UnifiedJedis client = redis.client(config.store == StoreKind.REDIS_CLUSTER);
          resources.add(client);
          attempts = SharedLoginAttempts.redis(client, config.redisNamespace);
        } else if (sql) {
          try {
            attempts =
                sqlAttempts =
                    SharedLoginAttempts.jdbc(
                        pool, Dialect.ofJdbcUrl(jdbcUrl(config)), java.time.Clock.systemUTC());
          } catch (SessionStoreException e) {
            throw new StartupException(
                "the failed-login table could not be created: " + e.getMessage());
          }
        } else {
          attempts = LoginAttempts.inProcess();
        }
        MattermostSessionApi api =
            MattermostSessionApi.builder(registry, users)
                .maxBodyBytes(config.httpMaxBodyBytes)
                .secureCookies(config.secureCookies)
                .recordClientAddress(config.recordClientAddress)
                .clientAddress(config.clientAddress)
                .cookieMaxAge(config.sessionLifetime)
                .loginAttempts(attempts)
                .maxFailedLogins(config.loginMaxFailures, config.loginLockout)
                .maxFailedLoginsPerAddress(config.loginMaxFailuresPerAddress)
                .maxConcurrentPasswordChecks(config.loginMaxConcurrentChecks)
                .passwordCheckQueue(config.loginMaxWaiting, config.loginMaxWait)
                .loginsPerAddressPerMinute(config.loginRatePerAddress)
                .build();
        SessionRegistryApi own =
            SessionRegistryApi.builder(registry, users).sameEdgeAs(api).build();
        ScheduledExecutorService purger = null;
        if (sql) {
          SharedLoginAttempts.Jdbc purgedAttempts = sqlAttempts;
          purger =
              Executors.newSingleThreadScheduledExecutor(
                  r -> {
                    Thread t = new Thread(r, "session-registry-purge");
                    t.setDaemon(true);
                    return t;
                  });
          long every = config.purgeInterval.toMillis();
          purger.scheduleWithFixedDelay(
              () -> purge(registry, purgedAttempts), every, every, TimeUnit.MILLISECONDS);
        }
        MetricsEndpoint metrics = null;
        if (meters != null) {
          try {
            metrics =
                MetricsEndpoint.start(
                    config.metricsHost, config.metricsPort, meters, registry, channel);
          } catch (IOException e) {
            if (purger != null) {
              purger.shutdownNow();
            }
            throw new StartupException(
                "the metrics port "
                    + config.metricsPort
                    + " on "
                    + config.metricsHost
                    + " cannot be used ("
                    + e.getMessage()
                    + "): stop what listens there, or choose another with"
                    + " --metrics-port");
          }
          resources.add(0, metrics);
        }
        return new Backend(registry, api, own, description, metrics, resources, purger);
      } catch (IOException e) {
        closeQuietly(store);
        closeAll(resources);
        throw new StartupException("the server's files cannot be made private: " + e.getMessage());
      } catch (StartupException | RuntimeException e) {
        closeQuietly(store);
        closeAll(resources);
        throw e;
      }
    }

    /** Stops purging, then closes the store and its channel and pool. */
    @Override
    public void close() {
      if (purger != null) {
        purger.shutdownNow();
      }
      registry.close();
      closeAll(resources);
    }
  }

  private static String jdbcUrl(ServerConfig config) {
    return config.jdbcUrl != null
        ? config.jdbcUrl
        : "jdbc:h2:" + config.dataDir.toAbsolutePath().resolve("sessions");
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        // Shutting down anyway.
      }
    }
  }

  private static void purge(SessionRegistry registry, SharedLoginAttempts.@Nullable Jdbc attempts) {
    try {
      while (registry.purgeExpired(1000) == 1000) {
        continue;
      }
      if (attempts != null) {
        attempts.purgeExpired();
      }
    } catch (RuntimeException e) {
      System.getLogger(SessionServer.class.getName())
          .log(System.Logger.Level.WARNING, "purging expired sessions failed: " + e.getMessage());
    }
  }

  private static UsersFile openUsers(ServerConfig config, PrintStream out) throws StartupException {
    try {
      if (!Files.exists(config.usersFile)) {
        Map<String, String> demo = new LinkedHashMap<>();
        demo.put("admin", "system_admin system_user");
        demo.put("user1", "system_user");
        demo.put("user2", "system_user");
        Map<String, String> passwords = UsersFile.createWithDemoUsers(config.usersFile, demo);
        out.println(
            "Created "
                + config.usersFile
                + " with demo users. Their passwords are shown this once:");
        passwords.forEach(
            (user, password) -> out.printf("  %-6s %s  (%s)%n", user, password, demo.get(user)));
        out.println(
            "Change one with: java -jar session-registry-server.jar user set <username> < password-file");
      }
      return UsersFile.open(config.usersFile);
    } catch (RuntimeException e) {
      throw new StartupException(e.getMessage());
    }
  }

  private static SessionStore openStore(
      ServerConfig config, @Nullable ConnectionPool pool, RedisAccess redis)
      throws StartupException {
    try {
      return switch (config.store) {
        case MEMORY -> InMemorySessionStore.create();
        case H2, POSTGRESQL, MARIADB ->
            JdbcSessionStore.builder()
                .dataSource(pool)
                .dialect(Dialect.ofJdbcUrl(jdbcUrl(config)))
                .createSchemaIfMissing(true)
                .build();
        case REDIS ->
            redis
                .store(
                    RedisSessionStore.builder()
                        .standalone(redis.first().getHost(), redis.first().getPort()))
                .build();
        case REDIS_CLUSTER ->
            redis.store(RedisSessionStore.builder().cluster(redis.nodes())).build();
      };
    } catch (SessionStoreException e) {
      throw new StartupException(
          "the session store (" + describe(config) + ") is unreachable: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage());
    }
  }

  static String describe(ServerConfig config) {
    return switch (config.store) {
      case MEMORY -> "in memory";
      case H2 ->
          "H2 file "
              + (config.jdbcUrl != null
                  ? JdbcSessionStore.withoutSecrets(config.jdbcUrl)
                  : config.dataDir.resolve("sessions"));
      case POSTGRESQL, MARIADB ->
          config.store.name().toLowerCase(Locale.ROOT)
              + " at "
              + JdbcSessionStore.withoutSecrets(config.jdbcUrl);
      case REDIS -> "Redis at " + config.redis;
      case REDIS_CLUSTER -> "Redis Cluster at " + config.redis;
    };
  }

  private static void closeQuietly(SessionStore store) {
    try {
      store.close();
    } catch (Exception e) {
      // Shutting down anyway.
    }
  }

  /** A reason the server cannot start, for the operator. */
  static final class StartupException extends Exception {
    StartupException(String message) {
      super(message);
    }
  }
}
