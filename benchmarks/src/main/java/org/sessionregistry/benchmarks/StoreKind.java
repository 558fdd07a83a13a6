package org.sessionregistry.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.sessionregistry.Ids;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.jdbc.Dialect;
import org.sessionregistry.jdbc.JdbcInvalidationChannel;
import org.sessionregistry.jdbc.JdbcSchema;
import org.sessionregistry.jdbc.JdbcSessionStore;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.redis.RedisInvalidationChannel;
import org.sessionregistry.redis.RedisSessionStore;
import org.sessionregistry.spi.InvalidationChannel;
import org.sessionregistry.spi.SessionStore;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The stores a benchmark runs against, each with and without the front cache (whose channel is the store's own kind:
 * Redis pub/sub, JDBC polling, or in-process). Servers come from the same environment variables as the tests.
 */
public enum StoreKind {
  IN_MEMORY,
  IN_MEMORY_CACHED,
  H2,
  H2_CACHED,
  POSTGRESQL,
  POSTGRESQL_CACHED,
  MARIADB,
  MARIADB_CACHED,
  REDIS,
  REDIS_CACHED;

  static final String POSTGRES_URL =
      env("SR_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String POSTGRES_USER = env("SR_POSTGRES_USER", "postgres");
  static final String POSTGRES_PASSWORD = env("SR_POSTGRES_PASSWORD", "");
  static final String MARIADB_URL = env("SR_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test");
  static final String MARIADB_USER = env("SR_MARIADB_USER", "root");
  static final String MARIADB_PASSWORD = env("SR_MARIADB_PASSWORD", "");
  static final String REDIS_HOST = env("SR_REDIS_HOST", "127.0.0.1");
  static final int REDIS_PORT = Integer.parseInt(env("SR_REDIS_PORT", "6379"));

  /** The SQL dialect of a JDBC kind. */
  Dialect dialect() {
    return switch (this) {
      case H2, H2_CACHED -> Dialect.H2;
      case POSTGRESQL, POSTGRESQL_CACHED -> Dialect.POSTGRESQL;
      case MARIADB, MARIADB_CACHED -> Dialect.MARIADB;
      default -> throw new IllegalStateException(this + " is not a JDBC store");
    };
  }

  boolean cached() {
    return name().endsWith("_CACHED");
  }

  /** A registry over a fresh store of this kind; close the fixture to drop its data. */
  Fixture open() {
    return open(ds -> ds);
  }

  /** The same, with the SQL stores' data source wrapped (to count statements). */
  Fixture open(java.util.function.UnaryOperator<javax.sql.DataSource> wrap) {
    return open(wrap, false);
  }

  /**
   * The same, the SQL stores on an application's pool when {@code applicationPool}: a HikariCP pool with its defaults
   * and only the URL and credentials set, as Spring Boot configures one, given to the store's {@code dataSource}.
   * Otherwise on a pool set up as the store's own ({@link JdbcSessionStore#newPool}).
   */
  Fixture open(
      java.util.function.UnaryOperator<javax.sql.DataSource> wrap, boolean applicationPool) {
    List<AutoCloseable> resources = new ArrayList<>();
    Runnable prepareRoundTrip = () -> {};
    Runnable roundTrip = () -> {};
    SessionStore store;
    InvalidationChannel channel = null;
    switch (this) {
      case IN_MEMORY, IN_MEMORY_CACHED -> {
        store = InMemorySessionStore.builder().maximumSize(5_000_000).build();
        channel = cached() ? org.sessionregistry.cache.InProcessInvalidationChannel.create() : null;
      }
      case H2, H2_CACHED, POSTGRESQL, POSTGRESQL_CACHED, MARIADB, MARIADB_CACHED -> {
        Dialect dialect = dialect();
        javax.sql.DataSource pool =
            switch (dialect) {
              case H2 ->
                  pool(
                      "jdbc:h2:mem:bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                      "sa",
                      "",
                      applicationPool);
              case POSTGRESQL ->
                  pool(POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD, applicationPool);
              case MARIADB -> pool(MARIADB_URL, MARIADB_USER, MARIADB_PASSWORD, applicationPool);
            };
        resources.add((AutoCloseable) pool);
        JdbcSchema.drop(pool, dialect);
        JdbcSchema.create(pool, dialect);
        store = JdbcSessionStore.builder().dataSource(wrap.apply(pool)).dialect(dialect).build();
        // The floor: a one-row primary-key DELETE of a row inserted just before, on the store's own
        // pool.
        sql(pool, "DROP TABLE IF EXISTS sr_floor_fixture", null);
        sql(
            pool,
            "CREATE TABLE sr_floor_fixture (id VARCHAR(26) PRIMARY KEY, v VARCHAR(26))",
            null);
        resources.add(0, () -> sql(pool, "DROP TABLE IF EXISTS sr_floor_fixture", null));
        String[] row = new String[1];
        prepareRoundTrip =
            () -> {
              row[0] = Ids.newId();
              sql(pool, "INSERT INTO sr_floor_fixture (id, v) VALUES (?, ?)", row[0]);
            };
        roundTrip = () -> sql(pool, "DELETE FROM sr_floor_fixture WHERE id = ?", row[0]);
        if (cached()) {
          channel =
              JdbcInvalidationChannel.builder()
                  .dataSource(wrap.apply(pool))
                  .pollInterval(Duration.ofSeconds(60))
                  .build();
        }
      }
      default -> {
        String namespace = "sr-bench-" + UUID.randomUUID();
        RedisClient client = RedisClient.create(REDIS_HOST, REDIS_PORT);
        resources.add(() -> deleteNamespace(client, namespace));
        resources.add(client);
        store =
            RedisSessionStore.builder()
                .client(client, "benchmark Redis")
                .namespace(namespace)
                .build();
        roundTrip = client::ping;
        if (cached()) {
          channel =
              RedisInvalidationChannel.builder()
                  .redis(REDIS_HOST, REDIS_PORT)
                  .namespace(namespace)
                  .build();
        }
      }
    }
    if (channel != null) {
      resources.add(0, channel);
    }
    if (cached()) {
      store =
          FrontCache.builder()
              .maximumSize(1_000_000)
              .maximumStaleness(Duration.ofMinutes(5))
              .channel(channel)
              .build()
              .over(store);
    }
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(store)
            .idleTimeout(Duration.ofHours(8))
            .touchInterval(Duration.ZERO)
            .build();
    return new Fixture(registry, prepareRoundTrip, roundTrip, resources);
  }

  /**
   * A pool of 8 set up as the store's own, or an application's: HikariCP with its defaults (10 connections, auto-commit
   * on) and only the URL and credentials set, as Spring Boot configures it.
   */
  static javax.sql.DataSource pool(
      String url, String user, String password, boolean applicationPool) {
    if (!applicationPool) {
      return JdbcSessionStore.newPool(url, user, password, 8, Duration.ofSeconds(5));
    }
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    return new com.zaxxer.hikari.HikariDataSource(config);
  }

  private static void deleteNamespace(RedisClient client, String namespace) {
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page =
          client.scan(cursor, new ScanParams().match(namespace + ":*").count(1000));
      page.getResult().forEach(client::unlink);
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  private static void sql(
      javax.sql.DataSource pool, String statement, @org.jspecify.annotations.Nullable String id) {
    try (java.sql.Connection c = pool.getConnection();
        java.sql.PreparedStatement s = c.prepareStatement(statement)) {
      if (id != null) {
        s.setString(1, id);
        if (statement.startsWith("INSERT")) {
          s.setString(2, id);
        }
      }
      s.execute();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("benchmark floor statement failed: " + statement, e);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  /**
   * A registry, the store's floor operation (Redis: a {@code PING}; SQL: a one-row primary-key {@code DELETE} of a row
   * that {@code prepareRoundTrip} inserts; in-memory: nothing), and what to close after.
   */
  static final class Fixture implements AutoCloseable {
    final SessionRegistry registry;
    final Runnable prepareRoundTrip;
    final Runnable roundTrip;
    private final List<AutoCloseable> resources;

    Fixture(
        SessionRegistry registry,
        Runnable prepareRoundTrip,
        Runnable roundTrip,
        List<AutoCloseable> resources) {
      this.registry = registry;
      this.prepareRoundTrip = prepareRoundTrip;
      this.roundTrip = roundTrip;
      this.resources = resources;
    }

    @Override
    public void close() throws Exception {
      registry.close();
      for (AutoCloseable r : resources) {
        r.close();
      }
    }
  }
}
