package org.sessionregistry.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.jdbc.ConnectionPool;
import org.sessionregistry.jdbc.Dialect;
import org.sessionregistry.jdbc.JdbcSchema;
import org.sessionregistry.jdbc.JdbcSessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * The store's per-call cost on H2, beside the same SQL through plain JDBC on the same pool: the floor of the issue's
 * target (each single-session operation within 3× its plain statement). 5,000 other sessions in the table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JdbcPathBenchmark {
  private static final String LOOKUP =
      "SELECT id, user_id, create_at, expires_at, last_activity_at, device_id,"
          + " roles, props FROM sr_sessions s WHERE token_hash = ? AND generation >="
          + " COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = s.user_id), 0)";

  private static final String INSERT =
      "INSERT INTO sr_sessions (id, token_hash, user_id, create_at, expires_at,"
          + " last_activity_at, retain_until, device_id, roles, props, generation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = ?), 0))";
  private static final String TOUCH =
      "UPDATE sr_sessions SET last_activity_at = GREATEST(last_activity_at, ?),"
          + " retain_until = GREATEST(retain_until, ?) WHERE user_id = ? AND id = ? AND generation >="
          + " COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = ?), 0)";

  private ConnectionPool pool;
  private SessionRegistry registry;
  private final List<IssuedSession> issued = new ArrayList<>();
  private final List<byte[]> hashes = new ArrayList<>();
  private int next;

  @Setup(Level.Trial)
  public void open() {
    pool =
        JdbcSessionStore.newPool(
            "jdbc:h2:mem:path-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "sa",
            "",
            8,
            Duration.ofSeconds(5));
    JdbcSchema.create(pool, Dialect.H2);
    registry =
        SessionRegistry.builder()
            .store(JdbcSessionStore.builder().dataSource(pool).dialect(Dialect.H2).build())
            .idleTimeout(Duration.ofHours(8))
            .touchInterval(Duration.ZERO)
            .build();
    Populate.others(registry, 5000);
    for (int i = 0; i < 1024; i++) {
      IssuedSession s = registry.create(Ids.newId());
      issued.add(s);
      hashes.add(TokenHash.of(s.token()).toBytes());
    }
  }

  @Benchmark
  public Object storeAuthenticate() {
    return registry.authenticate(issued.get(next++ & 1023).token());
  }

  @Benchmark
  public Object plainLookup() throws SQLException {
    return lookup(hashes.get(next++ & 1023), false);
  }

  @Benchmark
  public Object plainLookupWithQueryTimeout() throws SQLException {
    return lookup(hashes.get(next++ & 1023), true);
  }

  /** A login: the store's create, token and hash included. */
  @Benchmark
  public Object storeCreate() {
    return registry.create(Ids.newId());
  }

  /** Its statement alone, with an id and a hash made as cheaply as can be. */
  @Benchmark
  public int plainInsert() throws SQLException {
    String id = Ids.newId();
    byte[] hash = new byte[32];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(hash);
    long now = System.currentTimeMillis();
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, id);
      s.setBytes(2, hash);
      s.setString(3, id);
      s.setLong(4, now);
      s.setLong(5, now + 1000);
      s.setLong(6, now);
      s.setLong(7, now + 1000);
      s.setString(8, "");
      s.setString(9, "system_user");
      s.setString(10, "{}");
      s.setString(11, id);
      return s.executeUpdate();
    }
  }

  /** A touch that writes (the touch interval is zero here). */
  @Benchmark
  public Object storeTouch() {
    return registry.touch(issued.get(next++ & 1023).session());
  }

  @Benchmark
  public int plainTouch() throws SQLException {
    org.sessionregistry.Session s0 = issued.get(next++ & 1023).session();
    long now = System.currentTimeMillis();
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(TOUCH)) {
      s.setLong(1, now);
      s.setLong(2, now + 1000);
      s.setString(3, s0.userId());
      s.setString(4, s0.id());
      s.setString(5, s0.userId());
      return s.executeUpdate();
    }
  }

  private String lookup(byte[] hash, boolean timeout) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(LOOKUP)) {
      if (timeout) {
        s.setQueryTimeout(5);
      }
      s.setBytes(1, hash);
      try (ResultSet r = s.executeQuery()) {
        StringBuilder b = new StringBuilder();
        while (r.next()) {
          for (int i = 1; i <= 10; i++) {
            b.append(r.getObject(i));
          }
        }
        return b.toString();
      }
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    pool.close();
  }
}
