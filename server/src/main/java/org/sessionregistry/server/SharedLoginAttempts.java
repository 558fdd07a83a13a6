package org.sessionregistry.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.http.LoginAttempts;
import org.sessionregistry.http.LoginAttempts.Counts;
import org.sessionregistry.jdbc.Dialect;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Failed-login counts every node sees, in the server's Redis or database. Keys are stored as digests (SHA-256, 128
 * bits, in hex): no login id or client address is written down, and any key fits. A failure to count is a
 * {@link SessionStoreUnavailableException} (the login answers 503), never a login let through uncounted.
 */
final class SharedLoginAttempts {
  private SharedLoginAttempts() {}

  static String digest(String key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(Arrays.copyOf(hash, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * In Redis: a hash {@code <namespace>:logins:{<digest>}} of the failures ({@code f}) and the end of their window
   * ({@code fu}), expiring then; and a sorted set {@code <namespace>:logins:{<digest>}:places} of the places, each
   * check's id scored by the end of its lease, pruned of lapsed ones by every reservation and expiring with its last
   * lease. Times are Redis's own; each operation is one Lua script (or one command) on the two keys, which share a
   * Cluster slot through their hash tag.
   */
  static LoginAttempts redis(UnifiedJedis redis, String namespace) {
    return new Redis(redis, namespace);
  }

  /**
   * In the table {@code sr_login_attempts}, one row per key, and {@code sr_login_places}, one row per place, both
   * created if missing; each operation one transaction holding the key's row. Rows whose counts have ended are purged
   * by the server.
   */
  static Jdbc jdbc(DataSource dataSource, Dialect dialect, Clock clock) {
    return new Jdbc(dataSource, dialect, clock);
  }

  private record Redis(UnifiedJedis redis, String namespace) implements LoginAttempts {
    /** Reads the key's live failures into f (an ended window counts 0), and Redis's time into now. */
    private static final String READ =
        "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)"
            + " local v = redis.call('HMGET', KEYS[1], 'f', 'fu')"
            + " local fu = tonumber(v[2]) or 0 local f = 0 if fu > now then f = tonumber(v[1]) or 0 end ";

    private static final String FAILURES = READ + "return f";

    /** Drops the lapsed places, counts the live ones, and takes one if the limit allows: 0, 1 or 2 as the enum. */
    private static final String RESERVE =
        READ
            + "local limit = tonumber(ARGV[2])"
            + " if f >= limit then return 2 end"
            + " redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)"
            + " if f + redis.call('ZCARD', KEYS[2]) >= limit then return 1 end"
            + " redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])"
            + " local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')"
            + " redis.call('PEXPIREAT', KEYS[2], last[2]) return 0";

    /** Ends the place, then counts the failure; the first one starts the window. */
    private static final String FAIL =
        READ
            + "redis.call('ZREM', KEYS[2], ARGV[1])"
            + " if f == 0 then fu = now + tonumber(ARGV[2]) end f = f + 1"
            + " redis.call('HSET', KEYS[1], 'f', f, 'fu', fu) redis.call('PEXPIREAT', KEYS[1], fu) return f";

    private static final LoginAttempts.Reservation[] OUTCOMES = LoginAttempts.Reservation.values();

    @Override
    public long failures(String key) {
      return (Long) call(() -> redis.eval(FAILURES, keys(key), List.of()));
    }

    @Override
    public Reservation reserve(String key, String place, long limit, Duration lease) {
      long outcome =
          (Long)
              call(
                  () ->
                      redis.eval(
                          RESERVE,
                          keys(key),
                          List.of(place, String.valueOf(limit), String.valueOf(lease.toMillis()))));
      return OUTCOMES[(int) outcome];
    }

    @Override
    public void fail(String key, String place, Duration window) {
      call(() -> redis.eval(FAIL, keys(key), List.of(place, String.valueOf(window.toMillis()))));
    }

    @Override
    public void release(String key, String place) {
      call(() -> redis.zrem(keys(key).get(1), place));
    }

    /** The key's failures, then its places. */
    private List<String> keys(String key) {
      // Not ":login:", where servers before places kept a plain counter: a rolling upgrade must not
      // meet WRONGTYPE.
      String failures = namespace + ":logins:{" + digest(key) + "}";
      return List.of(failures, failures + ":places");
    }

    private static Object call(java.util.function.Supplier<Object> command) {
      try {
        return command.get();
      } catch (JedisException e) {
        throw new SessionStoreUnavailableException(
            "failed logins could not be counted in Redis: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The tables: one row per key, its failures ({@code n}) and the end of their window ({@code expires_at}); and one row
   * per place, its key, its check's id ({@code place}) and the end of its lease ({@code lapses_at}); all times epoch
   * ms. The key's row is what an operation holds, places included.
   */
  static final class Jdbc implements LoginAttempts {
    private static final String CREATE =
        "CREATE TABLE IF NOT EXISTS sr_login_attempts (k VARCHAR(32) NOT NULL"
            + " PRIMARY KEY, n BIGINT NOT NULL, expires_at BIGINT NOT NULL)";
    private static final String CREATE_PLACES =
        "CREATE TABLE IF NOT EXISTS sr_login_places (k VARCHAR(32) NOT NULL,"
            + " place VARCHAR(64) NOT NULL, lapses_at BIGINT NOT NULL, PRIMARY KEY (k, place))";

    /** The SQLState of a row missing after it was made: a transaction to try again, as a serialization failure. */
    private static final String ROW_GONE = "40001";

    private final DataSource dataSource;
    private final Dialect dialect;
    private final Clock clock;

    private Jdbc(DataSource dataSource, Dialect dialect, Clock clock) {
      this.dataSource = dataSource;
      this.dialect = dialect;
      this.clock = clock;
      run(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute(CREATE);
              s.execute(CREATE_PLACES);
            }
            return null;
          });
    }

    @Override
    public long failures(String key) {
      String k = digest(key);
      long now = clock.millis();
      return run(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement("SELECT n, expires_at FROM sr_login_attempts WHERE k = ?")) {
              s.setString(1, k);
              try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getLong(2) > now ? r.getLong(1) : 0L;
              }
            }
          });
    }

    @Override
    public Reservation reserve(String key, String place, long limit, Duration lease) {
      long now = clock.millis();
      Reservation[] outcome = new Reservation[1];
      change(
          digest(key),
          now,
          live -> {
            outcome[0] = live.reservation(limit);
            return outcome[0] == Reservation.RESERVED
                ? live.reserved(place, now, lease.toMillis())
                : null;
          });
      return outcome[0];
    }

    @Override
    public void fail(String key, String place, Duration window) {
      long now = clock.millis();
      change(digest(key), now, live -> live.failed(place, now, window.toMillis()));
    }

    @Override
    public void release(String key, String place) {
      change(digest(key), clock.millis(), live -> live.released(place));
    }

    /**
     * In one transaction: the key's row made if missing, or held if present, by one statement, then read
     * ({@code FOR UPDATE}) with its places while its live counts are changed and written back: the failures if they
     * changed, the place ended deleted, the place taken inserted (lapsed ones count for nothing, and are purged). A change to null writes nothing. Should
     * the row still be missing (a purge deleted it in between, on a database that did not hold it), the whole is tried
     * again.
     */
    private void change(String k, long now, java.util.function.UnaryOperator<Counts> change) {
      run(
          c -> {
            insertOrHold(c, k);
            long n;
            long expiresAt;
            try (PreparedStatement s =
                c.prepareStatement(
                    "SELECT n, expires_at" + " FROM sr_login_attempts WHERE k = ? FOR UPDATE")) {
              s.setString(1, k);
              try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                  throw new SQLException(
                      "the login key's row was deleted while it was taken", ROW_GONE);
                }
                n = r.getLong(1);
                expiresAt = r.getLong(2);
              }
            }
            Map<String, Long> stored = new HashMap<>();
            try (PreparedStatement s =
                c.prepareStatement("SELECT place, lapses_at FROM sr_login_places WHERE k = ?")) {
              s.setString(1, k);
              try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                  stored.put(r.getString(1), r.getLong(2));
                }
              }
            }
            Counts live = new Counts(n, expiresAt, stored).at(now);
            Counts next = change.apply(live);
            if (next == null) {
              return null;
            }
            if (next.failures() != n || next.failuresUntil() != expiresAt) {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE sr_login_attempts SET n = ?, expires_at = ?" + " WHERE k = ?")) {
                s.setLong(1, next.failures());
                s.setLong(2, next.failuresUntil());
                s.setString(3, k);
                s.executeUpdate();
              }
            }
            // Lapsed places are left to the purge: deleting them here too could lock rows in
            // another order than it.
            List<String> ended =
                live.places().keySet().stream().filter(p -> !next.places().containsKey(p)).toList();
            if (!ended.isEmpty()) {
              try (PreparedStatement s =
                  c.prepareStatement("DELETE FROM sr_login_places WHERE k = ? AND place = ?")) {
                for (String p : ended) {
                  s.setString(1, k);
                  s.setString(2, p);
                  s.addBatch();
                }
                s.executeBatch();
              }
            }
            for (Map.Entry<String, Long> p : next.places().entrySet()) {
              if (!stored.containsKey(p.getKey())) {
                try (PreparedStatement s =
                    c.prepareStatement(
                        "INSERT INTO sr_login_places (k, place, lapses_at)"
                            + " VALUES (?, ?, ?)")) {
                  s.setString(1, k);
                  s.setString(2, p.getKey());
                  s.setLong(3, p.getValue());
                  s.executeUpdate();
                }
              }
            }
            return null;
          });
    }

    /**
     * A row with nothing counted, unless the key has one, which is then updated to itself: either way the row is this
     * transaction's from here on, so that a purge cannot delete it before it is read. Two first attempts at once both
     * end up with the one row.
     */
    private void insertOrHold(Connection c, String k) throws SQLException {
      String sql =
          switch (dialect) {
            case POSTGRESQL ->
                "INSERT INTO sr_login_attempts (k, n, expires_at) VALUES (?, 0, 0)"
                    + " ON CONFLICT (k) DO UPDATE SET k = EXCLUDED.k";
            case MARIADB ->
                "INSERT INTO sr_login_attempts (k, n, expires_at) VALUES (?, 0, 0) ON DUPLICATE KEY UPDATE k = k";
            default ->
                "MERGE INTO sr_login_attempts t USING (VALUES (CAST(? AS VARCHAR(32)))) AS v(k) ON t.k = v.k"
                    + " WHEN MATCHED THEN UPDATE SET n = t.n WHEN NOT MATCHED THEN INSERT (k, n, expires_at) VALUES (v.k, 0, 0)";
          };
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, k);
        s.executeUpdate();
      }
    }

    /**
     * Deletes the places whose lease has ended, and the keys' rows whose failures have ended (a key that still has
     * places gets its row again, with nothing counted, from its next operation).
     */
    void purgeExpired() {
      long now = clock.millis();
      // Two transactions: neither holds rows of one table while it waits for the other's.
      run(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement("DELETE FROM sr_login_places WHERE lapses_at <= ?")) {
              s.setLong(1, now);
              return s.executeUpdate();
            }
          });
      run(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement("DELETE FROM sr_login_attempts WHERE expires_at <= ?")) {
              s.setLong(1, now);
              return s.executeUpdate();
            }
          });
    }

    private interface Work<T> {
      T run(Connection c) throws SQLException;
    }

    /**
     * One transaction; a failure is a typed one. Two first inserts of a key at once may collide (H2's MERGE: a unique
     * violation; MariaDB: a deadlock), or a row may be purged under a database that did not hold it: the work is tried
     * again, and then finds the row.
     */
    private <T> T run(Work<T> work) {
      try (Connection c = dataSource.getConnection()) {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
          for (int attempt = 1; ; attempt++) {
            try {
              T result = work.run(c);
              c.commit();
              return result;
            } catch (SQLException e) {
              c.rollback();
              String state = e.getSQLState();
              if (attempt == 3
                  || state == null
                  || !(state.startsWith("23") || state.startsWith("40"))) {
                throw e;
              }
            }
          }
        } catch (RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(auto);
        }
      } catch (SQLException e) {
        throw new SessionStoreUnavailableException(
            "failed logins could not be counted in the database"
                + " (SQLState "
                + e.getSQLState()
                + "): "
                + e.getMessage(),
            e);
      }
    }
  }
}
