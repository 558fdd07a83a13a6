package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionregistry.http.LoginAttempts;
import org.sessionregistry.http.LoginAttempts.Reservation;
import org.sessionregistry.jdbc.ConnectionPool;
import org.sessionregistry.jdbc.Dialect;
import org.sessionregistry.jdbc.JdbcSessionStore;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The shared failed-login counts, on the real Redis and databases: places bound the checks in flight exactly, only
 * failures lock, and both end on their own.
 */
class SharedLoginAttemptsTest {
  private static final String REDIS_HOST = env("SR_REDIS_HOST", "127.0.0.1");
  private static final int REDIS_PORT = Integer.parseInt(env("SR_REDIS_PORT", "6379"));
  private static final Duration WINDOW = Duration.ofMinutes(1);
  private static final Duration LEASE = Duration.ofMinutes(1);
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final String namespace = "sr-attempts-" + UUID.randomUUID();
  private final String key = "u:" + UUID.randomUUID() + "@203.0.113.1";

  @AfterEach
  void close() throws Exception {
    try (Jedis jedis = new Jedis(REDIS_HOST, REDIS_PORT)) {
      for (String k : jedis.keys(namespace + ":*")) {
        jedis.unlink(k);
      }
    }
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  /**
   * 32 reservations at once under a limit of 10 take exactly 10 places; places ended without a failure come back,
   * places ended as failures stay counted, and only when the failures alone reach the limit is the key locked.
   */
  @ParameterizedTest
  @ValueSource(strings = {"in-process", "redis", "postgresql", "mariadb", "h2"})
  void placesBoundTheChecksInFlightExactlyAndOnlyFailuresLock(String store) throws Exception {
    LoginAttempts attempts = open(store);
    List<String> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
    assertThat(reserveAtOnce(attempts, 32, taken))
        .isEqualTo(Map.of(Reservation.RESERVED, 10L, Reservation.ALL_RESERVED, 22L));
    for (int i = 0; i < 4; i++) {
      attempts.fail(key, taken.get(i), WINDOW);
    }
    for (int i = 4; i < 10; i++) {
      attempts.release(key, taken.get(i));
    }
    assertThat(attempts.failures(key)).isEqualTo(4);
    taken.clear();
    assertThat(reserveAtOnce(attempts, 32, taken))
        .isEqualTo(Map.of(Reservation.RESERVED, 6L, Reservation.ALL_RESERVED, 26L));
    for (int i = 0; i < 5; i++) {
      attempts.fail(key, taken.get(i), WINDOW);
    }
    assertThat(attempts.failures(key)).isEqualTo(9);
    assertThat(attempts.reserve(key, "one-more", 10, LEASE))
        .as("one place in flight, nine failures")
        .isEqualTo(Reservation.ALL_RESERVED);
    attempts.release(key, taken.get(5));
    assertThat(attempts.reserve(key, "last", 10, LEASE)).isEqualTo(Reservation.RESERVED);
    attempts.fail(key, "last", WINDOW);
    assertThat(attempts.failures(key)).isEqualTo(10);
    assertThat(reserveAtOnce(attempts, 32, taken)).isEqualTo(Map.of(Reservation.LOCKED, 32L));
    assertThat(attempts.failures("u:someone-else@203.0.113.1")).isZero();
  }

  /**
   * A place never ended lapses after its lease (a node stopped mid-check); failures age out with their window. The
   * short lease and window must outlast the next call (still held, still counted) on a busy machine: 2 s, where 300 ms
   * could lapse between two calls.
   */
  @ParameterizedTest
  @ValueSource(strings = {"in-process", "redis", "postgresql", "mariadb", "h2"})
  void placesLapseAndFailuresAgeOut(String store) throws Exception {
    LoginAttempts attempts = open(store);
    Duration short_ = Duration.ofSeconds(2);
    assertThat(attempts.reserve(key, "a", 1, short_)).isEqualTo(Reservation.RESERVED);
    assertThat(attempts.reserve(key, "b", 1, short_)).isEqualTo(Reservation.ALL_RESERVED);
    awaitUntil(
        () -> attempts.reserve(key, "c", 1, LEASE) == Reservation.RESERVED,
        "the lapsed place is free again");
    attempts.fail(key, "c", short_);
    assertThat(attempts.failures(key)).isEqualTo(1);
    assertThat(attempts.reserve(key, "d", 1, LEASE)).isEqualTo(Reservation.LOCKED);
    awaitUntil(() -> attempts.failures(key) == 0, "the failure aged out");
    assertThat(attempts.reserve(key, "e", 1, LEASE)).isEqualTo(Reservation.RESERVED);
  }

  /**
   * A place never ended lapses one lease after it was taken even while other checks keep taking and ending places
   * under the key (a busy NAT address). Before, every reservation moved the key's one lease on, so the leaked place
   * lived as long as the key stayed busy.
   */
  @ParameterizedTest
  @ValueSource(strings = {"in-process", "redis", "postgresql", "mariadb", "h2"})
  void aLeakedPlaceLapsesWhileTheKeyStaysBusy(String store) throws Exception {
    LoginAttempts attempts = open(store);
    Duration lease = Duration.ofMillis(500);
    assertThat(attempts.reserve(key, "leaked", 2, lease)).isEqualTo(Reservation.RESERVED);
    int[] round = {0};
    awaitUntil(
        () -> {
          String busy = "busy-" + ++round[0];
          String probe = "probe-" + round[0];
          assertThat(attempts.reserve(key, busy, 2, lease)).isEqualTo(Reservation.RESERVED);
          boolean lapsed = attempts.reserve(key, probe, 2, lease) == Reservation.RESERVED;
          attempts.release(key, busy);
          attempts.release(key, probe);
          return lapsed;
        },
        "the leaked place lapsed while a check came every 50 ms");
  }

  /**
   * A purge that deletes a key's row between the statement that makes it and the read that holds it does not fail the
   * operation (it was a 503 on PostgreSQL and H2, whose insert left an existing row unheld).
   */
  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb", "h2"})
  void aPurgeRacingAnOperationDoesNotFailIt(String store) throws Exception {
    AtomicReference<Runnable> afterRowMade = new AtomicReference<>();
    SharedLoginAttempts.Jdbc attempts =
        SharedLoginAttempts.jdbc(
            hooked(pool(store), afterRowMade), Dialect.ofJdbcUrl(url(store)), Clock.systemUTC());
    assertThat(attempts.reserve(key, "a", 10, Duration.ofMillis(1)))
        .isEqualTo(Reservation.RESERVED);
    attempts.release(key, "a");
    Thread.sleep(20); // every count of the key's row has ended: a purge deletes it
    ExecutorService purger = Executors.newSingleThreadExecutor();
    try {
      afterRowMade.set(
          () -> {
            Future<?> purge = purger.submit(attempts::purgeExpired);
            try {
              purge.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
              // The row is held: the purge waits for this transaction, and goes on after it.
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      assertThat(attempts.reserve(key, "b", 10, LEASE)).isEqualTo(Reservation.RESERVED);
      assertThat(afterRowMade.get()).as("the purge ran mid-operation").isNull();
    } finally {
      purger.shutdown();
      assertThat(purger.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** {@code n} reservations at once, each its own place; the places taken are added to {@code taken}. */
  private Map<Reservation, Long> reserveAtOnce(LoginAttempts attempts, int n, List<String> taken)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CyclicBarrier start = new CyclicBarrier(n);
      List<Future<Reservation>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String place = "place-" + UUID.randomUUID();
        answers.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  Reservation r = attempts.reserve(key, place, 10, LEASE);
                  if (r == Reservation.RESERVED) {
                    taken.add(place);
                  }
                  return r;
                }));
      }
      List<Reservation> all = new ArrayList<>();
      for (Future<Reservation> a : answers) {
        all.add(a.get(30, TimeUnit.SECONDS));
      }
      return all.stream()
          .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    } finally {
      pool.shutdownNow();
    }
  }

  private LoginAttempts open(String store) {
    return switch (store) {
      case "in-process" -> LoginAttempts.inProcess();
      case "redis" -> {
        UnifiedJedis jedis =
            RedisClient.builder().hostAndPort(new HostAndPort(REDIS_HOST, REDIS_PORT)).build();
        resources.add(jedis);
        yield SharedLoginAttempts.redis(jedis, namespace);
      }
      default ->
          SharedLoginAttempts.jdbc(pool(store), Dialect.ofJdbcUrl(url(store)), Clock.systemUTC());
    };
  }

  private static String url(String store) {
    return switch (store) {
      case "postgresql" -> env("SR_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
      case "mariadb" -> env("SR_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test");
      default -> "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    };
  }

  /** A pool on {@code store}'s database (a fresh one for H2), closed after the test. */
  private ConnectionPool pool(String store) {
    String user =
        switch (store) {
          case "postgresql" -> env("SR_POSTGRES_USER", "postgres");
          case "mariadb" -> env("SR_MARIADB_USER", "root");
          default -> "sa";
        };
    String password =
        switch (store) {
          case "postgresql" -> env("SR_POSTGRES_PASSWORD", "");
          case "mariadb" -> env("SR_MARIADB_PASSWORD", "");
          default -> "";
        };
    ConnectionPool pool =
        JdbcSessionStore.newPool(url(store), user, password, 40, Duration.ofSeconds(10));
    resources.add(pool);
    return pool;
  }

  /**
   * {@code pool}, except that right after a statement that makes or holds a key's row, {@code afterRowMade} (when set)
   * runs, in the middle of that transaction.
   */
  private static DataSource hooked(DataSource pool, AtomicReference<Runnable> afterRowMade) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(pool, method, args);
              if (!method.getName().equals("getConnection")) {
                return result;
              }
              Connection c = (Connection) result;
              return Proxy.newProxyInstance(
                  Connection.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (cp, cm, cargs) -> {
                    Object made = invoke(c, cm, cargs);
                    if (!cm.getName().equals("prepareStatement")
                        || !(cargs[0] instanceof String sql)
                        || !(sql.startsWith("INSERT INTO sr_login_attempts")
                            || sql.startsWith("MERGE INTO sr_login_attempts"))) {
                      return made;
                    }
                    PreparedStatement s = (PreparedStatement) made;
                    return Proxy.newProxyInstance(
                        PreparedStatement.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class},
                        (sp, sm, sargs) -> {
                          Object out = invoke(s, sm, sargs);
                          Runnable hook =
                              sm.getName().equals("executeUpdate")
                                  ? afterRowMade.getAndSet(null)
                                  : null;
                          if (hook != null) {
                            hook.run();
                          }
                          return out;
                        });
                  });
            });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition, String what)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 10 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static String env(String name, String otherwise) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? otherwise : v;
  }
}
