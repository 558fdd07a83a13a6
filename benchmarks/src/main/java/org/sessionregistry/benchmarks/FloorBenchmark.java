package org.sessionregistry.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sessionregistry.Ids;
import org.sessionregistry.jdbc.ConnectionPool;
import org.sessionregistry.jdbc.JdbcSessionStore;
import redis.clients.jedis.RedisClient;

/**
 * The physical floors the operations are held to, measured in the same run: a SHA-256 of a token, a
 * {@code ConcurrentHashMap} get and remove, an in-memory create's random token, hash and put, a Redis {@code PING} and a single {@code DEL}, and a single-row primary-key
 * {@code DELETE} on H2 and PostgreSQL, each through the same clients the stores use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FloorBenchmark {
  private static final int REMOVES = 10_000;

  private final byte[] token = Ids.newId().getBytes(StandardCharsets.US_ASCII);
  private MessageDigest sha256;
  private final SecureRandom random = new SecureRandom();
  private final byte[][] lookupTokens = new byte[5000][];
  private final ConcurrentHashMap<String, String> lookupMap = new ConcurrentHashMap<>();
  private int lookups;
  private final ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();
  private final String[] keys = new String[REMOVES];
  private RedisClient redis;
  private ConnectionPool h2;
  private ConnectionPool postgres;
  private String rowId;
  private String redisKey;
  private final String namespace = "sr-floor-" + UUID.randomUUID();

  @Setup(Level.Trial)
  public void open() throws Exception {
    sha256 = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < lookupTokens.length; i++) {
      lookupTokens[i] = Ids.newId().getBytes(StandardCharsets.US_ASCII);
      String hash = new String(sha256.digest(lookupTokens[i]), StandardCharsets.ISO_8859_1);
      lookupMap.put(hash, hash);
    }
    for (int i = 0; i < REMOVES; i++) {
      keys[i] = Ids.newId();
      map.put(keys[i], keys[i]);
    }
    redis = RedisClient.create(StoreKind.REDIS_HOST, StoreKind.REDIS_PORT);
    h2 =
        JdbcSessionStore.newPool(
            "jdbc:h2:mem:floor;DB_CLOSE_DELAY=-1", "sa", "", 2, Duration.ofSeconds(5));
    postgres =
        JdbcSessionStore.newPool(
            StoreKind.POSTGRES_URL,
            StoreKind.POSTGRES_USER,
            StoreKind.POSTGRES_PASSWORD,
            2,
            Duration.ofSeconds(5));
    for (ConnectionPool db : new ConnectionPool[] {h2, postgres}) {
      execute(db, "DROP TABLE IF EXISTS sr_floor");
      execute(db, "CREATE TABLE sr_floor (id VARCHAR(26) PRIMARY KEY, v VARCHAR(26))");
    }
  }

  @Benchmark
  public byte[] sha256OfToken() {
    return sha256.digest(token);
  }

  /**
   * What an in-memory create cannot do without: 16 bytes from the default {@link SecureRandom} (as the registry's
   * token and Spring Session's {@code UUID.randomUUID()}), their SHA-256, one map put (then its remove, to keep the map
   * at its size).
   */
  @Benchmark
  public Object createFloor() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String key = new String(sha256.digest(bytes), StandardCharsets.ISO_8859_1);
    map.put(key, key);
    return map.remove(key);
  }

  /**
   * An in-memory lookup's floor under PeersBenchmark's access pattern: the SHA-256 of the next of 5,000 tokens, then a
   * map get by it, in a map of 5,000 (a token hot in the CPU's cache, as {@link #sha256OfToken}, flatters the floor).
   */
  @Benchmark
  public Object lookupFloor() {
    byte[] next = lookupTokens[lookups++ % lookupTokens.length];
    return lookupMap.get(new String(sha256.digest(next), StandardCharsets.ISO_8859_1));
  }

  @Benchmark
  public String concurrentHashMapGet() {
    return map.get(keys[(int) (System.nanoTime() & (REMOVES - 1))]);
  }

  @State(Scope.Thread)
  public static class Refilled {
    @Setup(Level.Invocation)
    public void refill(FloorBenchmark b) {
      for (String k : b.keys) {
        b.map.put(k, k);
      }
    }
  }

  /** Per remove: each invocation removes 10,000 keys that the untimed setup put back. */
  @Benchmark
  @OperationsPerInvocation(REMOVES)
  public int concurrentHashMapRemove(Refilled refilled) {
    int removed = 0;
    for (String k : keys) {
      if (map.remove(k) != null) {
        removed++;
      }
    }
    return removed;
  }

  @Benchmark
  public String redisPing() {
    return redis.ping();
  }

  @State(Scope.Thread)
  public static class RedisKey {
    @Setup(Level.Invocation)
    public void set(FloorBenchmark b) {
      b.redisKey = b.namespace + ":" + Ids.newId();
      b.redis.set(b.redisKey, "x");
    }
  }

  @Benchmark
  public long redisDel(RedisKey key) {
    return redis.del(redisKey);
  }

  @State(Scope.Thread)
  public static class Row {
    @Setup(Level.Invocation)
    public void insert(FloorBenchmark b) throws Exception {
      b.rowId = Ids.newId();
      for (ConnectionPool db : new ConnectionPool[] {b.h2, b.postgres}) {
        try (Connection c = db.getConnection();
            PreparedStatement s =
                c.prepareStatement("INSERT INTO sr_floor (id, v) VALUES (?, ?)")) {
          s.setString(1, b.rowId);
          s.setString(2, b.rowId);
          s.executeUpdate();
        }
      }
    }
  }

  @Benchmark
  public int h2DeleteOneRow(Row row) throws Exception {
    return delete(h2);
  }

  @Benchmark
  public int postgresqlDeleteOneRow(Row row) throws Exception {
    return delete(postgres);
  }

  private int delete(ConnectionPool db) throws Exception {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM sr_floor WHERE id = ?")) {
      s.setString(1, rowId);
      return s.executeUpdate();
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    for (ConnectionPool db : new ConnectionPool[] {h2, postgres}) {
      execute(db, "DROP TABLE IF EXISTS sr_floor");
      db.close();
    }
    redis.close();
  }

  private static void execute(ConnectionPool db, String sql) throws Exception {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.execute();
    }
  }
}
