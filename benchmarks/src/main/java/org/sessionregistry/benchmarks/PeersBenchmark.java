package org.sessionregistry.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Session Registry beside Spring Session, in one run, on the same servers, with 5,000 other sessions in each store:
 * what a user comparing the two would measure. {@code impl=ours} is the registry on the store; {@code impl=spring} is
 * Spring Session's repository as Spring Boot sets it up (its defaults, on HikariCP with its defaults): {@code MapSessionRepository} over a
 * {@link ConcurrentHashMap}, {@code JdbcIndexedSessionRepository} on H2, PostgreSQL and MariaDB (its shipped schema), and
 * {@code RedisIndexedSessionRepository} on Lettuce. A user's sessions are found by Spring's principal-name index
 * ({@code FindByIndexNameSessionRepository}); the map has none, so there they are found by a scan, which is what an
 * application on it does. Revoke-all is find-by-principal then delete each, as Spring Security does for a user.
 * Sessions made by create and revoke-all are ended after each invocation (not timed): the stores stay at their size.
 * Only those two have per-invocation fixtures (in states of their own), so lookup and list are timed over many calls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class PeersBenchmark {
  private static final String PRINCIPAL =
      FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME;

  @Param({"IN_MEMORY", "H2", "POSTGRESQL", "MARIADB", "REDIS"})
  public StoreKind store;

  /**
   * {@code ours}: the registry on a pool set up as the store's own ({@code JdbcSessionStore.newPool}); {@code
   * ours_app_pool}: on the pool Spring Boot would give it (HikariCP, defaults), for the SQL stores; {@code spring}:
   * Spring Session on that same kind of pool.
   */
  @Param({"ours", "ours_app_pool", "spring"})
  public String impl;

  /** The user's sessions, for list and revoke-all. */
  @Param({"100"})
  public int sessions;

  private Side side;
  private final List<String> known = new ArrayList<>();
  private String listed;
  private int next;

  @Setup(Level.Trial)
  public void open() throws Exception {
    side =
        switch (impl) {
          case "ours" -> new Ours(store, false);
          case "ours_app_pool" -> new Ours(store, true);
          case "spring" -> new Spring(store);
          default ->
              throw new IllegalArgumentException(
                  "impl must be ours, ours_app_pool or spring, was " + impl);
        };
    for (int i = 0; i < 5000; i++) {
      known.add(side.create(Ids.newId()));
    }
    listed = Ids.newId();
    for (int i = 0; i < sessions; i++) {
      side.create(listed);
    }
  }

  @Benchmark
  public Object lookup() {
    return side.lookup(known.get(next++ % known.size()));
  }

  /** Logins made in one invocation: sub-microsecond creates need more than one per timing to be read at all. */
  static final int LOGINS = 64;

  /**
   * Logins, each for a user of its own (named before, not timed: a random id is not the operation's); ended after the
   * invocation (not timed), so that the store stays at its size.
   */
  @Benchmark
  @OperationsPerInvocation(LOGINS)
  public Object create(Logins logins) {
    for (int i = 0; i < LOGINS; i++) {
      logins.held[i] = side.create(logins.users[i]);
    }
    return logins.held;
  }

  @Benchmark
  public Object list() {
    return side.list(listed);
  }

  @Benchmark
  public Object revokeAll(Revoked revoked) {
    return side.revokeAll(revoked.user);
  }

  /**
   * The users that {@link #create} logs in, named before each invocation, and their sessions, ended after it. Only
   * create uses this state, so only create pays for the per-invocation fixtures.
   */
  @State(Scope.Thread)
  public static class Logins {
    final String[] users = new String[LOGINS];
    final String[] held = new String[LOGINS];

    @Setup(Level.Invocation)
    public void name() {
      for (int i = 0; i < LOGINS; i++) {
        users[i] = Ids.newId();
      }
    }

    @TearDown(Level.Invocation)
    public void end(PeersBenchmark bench) {
      for (int i = 0; i < LOGINS; i++) {
        if (held[i] != null) {
          bench.side.end(users[i], held[i]);
          held[i] = null;
        }
      }
    }
  }

  /** A user with its sessions, made before each revoke-all and not timed. */
  @State(Scope.Thread)
  public static class Revoked {
    String user;

    @Setup(Level.Invocation)
    public void fresh(PeersBenchmark bench) {
      user = Ids.newId();
      for (int i = 0; i < bench.sessions; i++) {
        bench.side.create(user);
      }
      bench.side.settle();
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    side.close();
  }

  /** One implementation's four operations; a session is named by what a client holds (a token, a session id). */
  private interface Side extends AutoCloseable {
    /** @return what a client would hold */
    String create(String user);

    Object lookup(String held);

    Object list(String user);

    Object revokeAll(String user);

    /** Ends one session, as a logout does. */
    void end(String user, String held);

    /**
     * Does the work a revoke-all left for later, before the next one (not timed): our SQL revoke-all raises the user's
     * generation and leaves the rows to {@code purgeExpired}, which deletes them off the caller's path. Without it the
     * tables grow through the run and every statement slows (H2, in this JVM: 13 µs, then 117). Spring deletes as it
     * revokes: nothing to do.
     */
    default void settle() {}
  }

  private static final class Ours implements Side {
    private final StoreKind.Fixture fixture;

    Ours(StoreKind kind, boolean applicationPool) {
      this.fixture = kind.open(ds -> ds, applicationPool);
    }

    @Override
    public String create(String user) {
      IssuedSession s = fixture.registry.create(user);
      return s.token();
    }

    @Override
    public Object lookup(String token) {
      return fixture.registry.authenticate(token);
    }

    @Override
    public void settle() {
      fixture.registry.purgeExpired(1);
    }

    @Override
    public Object list(String user) {
      return fixture.registry.list(user);
    }

    @Override
    public Object revokeAll(String user) {
      fixture.registry.revokeAll(user);
      return user;
    }

    @Override
    public void end(String user, String token) {
      fixture.registry.authenticate(token).ifPresent(fixture.registry::logout);
    }

    @Override
    public void close() throws Exception {
      fixture.close();
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class Spring implements Side {
    private final SessionRepository repository;
    private final Map<String, Session> map;
    private final List<AutoCloseable> resources = new ArrayList<>();

    Spring(StoreKind kind) throws IOException {
      switch (kind) {
        case IN_MEMORY -> {
          map = new ConcurrentHashMap<>();
          repository = new MapSessionRepository(map);
        }
        case H2, POSTGRESQL, MARIADB -> {
          map = null;
          // The pool Spring Boot would give it: HikariCP with its defaults.
          javax.sql.DataSource pool =
              switch (kind) {
                case H2 ->
                    StoreKind.pool(
                        "jdbc:h2:mem:spring-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                        "sa",
                        "",
                        true);
                case POSTGRESQL ->
                    StoreKind.pool(
                        StoreKind.POSTGRES_URL,
                        StoreKind.POSTGRES_USER,
                        StoreKind.POSTGRES_PASSWORD,
                        true);
                default ->
                    StoreKind.pool(
                        StoreKind.MARIADB_URL,
                        StoreKind.MARIADB_USER,
                        StoreKind.MARIADB_PASSWORD,
                        true);
              };
          resources.add((AutoCloseable) pool);
          JdbcTemplate jdbc = new JdbcTemplate(pool);
          jdbc.execute("DROP TABLE IF EXISTS SPRING_SESSION_ATTRIBUTES");
          jdbc.execute("DROP TABLE IF EXISTS SPRING_SESSION");
          for (String statement :
              schema(
                      switch (kind) {
                        case H2 -> "h2";
                        case POSTGRESQL -> "postgresql";
                        default -> "mysql"; // Spring Session's script for MySQL and MariaDB
                      })
                  .split(";")) {
            if (!statement.isBlank()) {
              jdbc.execute(statement);
            }
          }
          resources.add(
              0,
              () -> {
                jdbc.execute("DROP TABLE IF EXISTS SPRING_SESSION_ATTRIBUTES");
                jdbc.execute("DROP TABLE IF EXISTS SPRING_SESSION");
              });
          repository =
              new JdbcIndexedSessionRepository(
                  jdbc, new TransactionTemplate(new DataSourceTransactionManager(pool)));
        }
        default -> {
          map = null;
          LettuceConnectionFactory connections =
              new LettuceConnectionFactory(
                  new RedisStandaloneConfiguration(StoreKind.REDIS_HOST, StoreKind.REDIS_PORT));
          connections.afterPropertiesSet();
          connections.start();
          RedisTemplate<String, Object> template = new RedisTemplate<>();
          template.setConnectionFactory(connections);
          template.setKeySerializer(new StringRedisSerializer());
          template.setHashKeySerializer(new StringRedisSerializer());
          template.afterPropertiesSet();
          RedisIndexedSessionRepository redis = new RedisIndexedSessionRepository(template);
          String namespace = "spring-bench-" + UUID.randomUUID();
          redis.setRedisKeyNamespace(namespace);
          redis.afterPropertiesSet();
          resources.add(connections::destroy);
          resources.add(
              0,
              () -> {
                var keys = template.keys(namespace + ":*");
                if (keys != null && !keys.isEmpty()) {
                  template.unlink(keys);
                }
              });
          resources.add(0, redis::destroy);
          repository = redis;
        }
      }
    }

    private static String schema(String database) throws IOException {
      try (InputStream in =
          JdbcIndexedSessionRepository.class.getResourceAsStream("schema-" + database + ".sql")) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }

    @Override
    public String create(String user) {
      Session s = repository.createSession();
      s.setAttribute(PRINCIPAL, user);
      repository.save(s);
      return s.getId();
    }

    @Override
    public Object lookup(String id) {
      return repository.findById(id);
    }

    @Override
    public Object list(String user) {
      if (map != null) { // no index: a scan, as an application on MapSessionRepository does
        List<Session> found = new ArrayList<>();
        for (Session s : map.values()) {
          if (user.equals(s.getAttribute(PRINCIPAL))) {
            found.add(new MapSession(s));
          }
        }
        return found;
      }
      return ((FindByIndexNameSessionRepository) repository).findByPrincipalName(user);
    }

    @Override
    public Object revokeAll(String user) {
      Iterable<Object> found =
          map != null
              ? (List<Object>) list(user)
              : ((Map<String, Object>)
                      ((FindByIndexNameSessionRepository) repository).findByPrincipalName(user))
                  .values();
      for (Object s : found) {
        repository.deleteById(((Session) s).getId());
      }
      return user;
    }

    @Override
    public void end(String user, String id) {
      repository.deleteById(id);
    }

    @Override
    public void close() throws Exception {
      for (AutoCloseable r : resources) {
        r.close();
      }
    }
  }
}
