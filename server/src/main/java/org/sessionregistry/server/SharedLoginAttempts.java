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
import java.util.List;
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
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(Arrays.copyOf(hash, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * In Redis: a hash {@code <namespace>:logins:<digest>} of the failures ({@code f}) and the end of their window
   * ({@code fu}), the places ({@code p}) and the end of their lease ({@code pu}), in Redis's own time, each operation
   * one Lua script; the key expires when both have ended.
   */
  static LoginAttempts redis(UnifiedJedis redis, String namespace) {
    return new Redis(redis, namespace);
  }

  /**
   * In the table {@code sr_login_attempts}, created (or given its place columns) if missing; each operation one
   * transaction holding the key's row. Rows whose counts have ended are purged by the server.
   */
  static Jdbc jdbc(DataSource dataSource, Dialect dialect, Clock clock) {
    return new Jdbc(dataSource, dialect, clock);
  }

  private record Redis(UnifiedJedis redis, String namespace) implements LoginAttempts {
    /** Reads the key's live counts into f and p (an ended window or lease counts 0). */
    private static final String READ = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)"
        + " local v = redis.call('HMGET', KEYS[1], 'f', 'fu', 'p', 'pu')"
        + " local fu = tonumber(v[2]) or 0 local pu = tonumber(v[4]) or 0"
        + " local f = 0 if fu > now then f = tonumber(v[1]) or 0 end"
        + " local p = 0 if pu > now then p = tonumber(v[3]) or 0 end ";
    /** Writes f and p back, or deletes the key when both are 0; it expires when the later of the two ends. */
    private static final String WRITE = " if f == 0 and p <= 0 then redis.call('DEL', KEYS[1]) else"
        + " if p < 0 then p = 0 end"
        + " redis.call('HSET', KEYS[1], 'f', f, 'fu', fu, 'p', p, 'pu', pu)"
        + " local ends = pu if f > 0 and fu > ends then ends = fu end"
        + " redis.call('PEXPIREAT', KEYS[1], ends) end ";
    private static final String FAILURES = READ + "return f";
    private static final String RESERVE = READ + "local limit = tonumber(ARGV[1])"
        + " if f >= limit then return 2 end if f + p >= limit then return 1 end"
        + " p = p + 1 pu = now + tonumber(ARGV[2])" + WRITE + "return 0";
    private static final String FAIL = READ + "if f == 0 then fu = now + tonumber(ARGV[1]) end"
        + " f = f + 1 p = p - 1" + WRITE + "return f";
    private static final String RELEASE = READ + "p = p - 1" + WRITE + "return p";
    private static final LoginAttempts.Reservation[] OUTCOMES = LoginAttempts.Reservation.values();

    @Override
    public long failures(String key) {
      return (Long) call(() -> redis.eval(FAILURES, List.of(key(key)), List.of()));
    }

    @Override
    public Reservation reserve(String key, long limit, Duration lease) {
      long outcome = (Long) call(() -> redis.eval(RESERVE, List.of(key(key)),
          List.of(String.valueOf(limit), String.valueOf(lease.toMillis()))));
      return OUTCOMES[(int) outcome];
    }

    @Override
    public void fail(String key, Duration window) {
      call(() -> redis.eval(FAIL, List.of(key(key)), List.of(String.valueOf(window.toMillis()))));
    }

    @Override
    public void release(String key) {
      call(() -> redis.eval(RELEASE, List.of(key(key)), List.of()));
    }

    private String key(String key) {
      // Not ":login:", where servers before places kept a plain counter: a rolling upgrade must not meet WRONGTYPE.
      return namespace + ":logins:" + digest(key);
    }

    private static Object call(java.util.function.Supplier<Object> command) {
      try {
        return command.get();
      } catch (JedisException e) {
        throw new SessionStoreUnavailableException("failed logins could not be counted in Redis: " + e.getMessage(),
            e);
      }
    }
  }

  /**
   * The table: one row per key, its failures ({@code n}) and the end of their window ({@code expires_at}), its places
   * ({@code places}) and the end of their lease ({@code places_until}), all times epoch ms.
   */
  static final class Jdbc implements LoginAttempts {
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS sr_login_attempts (k VARCHAR(32) NOT NULL"
        + " PRIMARY KEY, n BIGINT NOT NULL, expires_at BIGINT NOT NULL)";
    /** The place columns, added to a table made before they existed (every supported database has the IF NOT EXISTS). */
    private static final List<String> PLACES = List.of(
        "ALTER TABLE sr_login_attempts ADD COLUMN IF NOT EXISTS places BIGINT DEFAULT 0 NOT NULL",
        "ALTER TABLE sr_login_attempts ADD COLUMN IF NOT EXISTS places_until BIGINT DEFAULT 0 NOT NULL");
    /** The SQLState of a row missing after it was made: a transaction to try again, as a serialization failure. */
    private static final String ROW_GONE = "40001";
    private final DataSource dataSource;
    private final Dialect dialect;
    private final Clock clock;

    private Jdbc(DataSource dataSource, Dialect dialect, Clock clock) {
      this.dataSource = dataSource;
      this.dialect = dialect;
      this.clock = clock;
      run(c -> {
        try (Statement s = c.createStatement()) {
          s.execute(CREATE);
          for (String alter : PLACES) {
            s.execute(alter);
          }
        }
        return null;
      });
    }

    @Override
    public long failures(String key) {
      String k = digest(key);
      long now = clock.millis();
      return run(c -> {
        try (PreparedStatement s = c.prepareStatement("SELECT n, expires_at FROM sr_login_attempts WHERE k = ?")) {
          s.setString(1, k);
          try (ResultSet r = s.executeQuery()) {
            return r.next() && r.getLong(2) > now ? r.getLong(1) : 0L;
          }
        }
      });
    }

    @Override
    public Reservation reserve(String key, long limit, Duration lease) {
      long now = clock.millis();
      Reservation[] outcome = new Reservation[1];
      change(digest(key), now, live -> {
        outcome[0] = live.reservation(limit);
        return outcome[0] == Reservation.RESERVED ? live.reserved(now, lease.toMillis()) : null;
      });
      return outcome[0];
    }

    @Override
    public void fail(String key, Duration window) {
      long now = clock.millis();
      change(digest(key), now, live -> live.failed(now, window.toMillis()));
    }

    @Override
    public void release(String key) {
      change(digest(key), clock.millis(), Counts::released);
    }

    /**
     * In one transaction: the key's row made if missing, or held if present, by one statement, then read
     * ({@code FOR UPDATE}) while its live counts are changed and written back; a change to null writes nothing. Should
     * the row still be missing (a purge deleted it in between, on a database that did not hold it), the whole is tried
     * again.
     */
    private void change(String k, long now, java.util.function.UnaryOperator<Counts> change) {
      run(c -> {
        insertOrHold(c, k);
        Counts live;
        try (PreparedStatement s = c.prepareStatement("SELECT n, expires_at, places, places_until"
            + " FROM sr_login_attempts WHERE k = ? FOR UPDATE")) {
          s.setString(1, k);
          try (ResultSet r = s.executeQuery()) {
            if (!r.next()) {
              throw new SQLException("the login key's row was deleted while it was taken", ROW_GONE);
            }
            live = new Counts(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)).at(now);
          }
        }
        Counts next = change.apply(live);
        if (next == null) {
          return null;
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE sr_login_attempts SET n = ?, expires_at = ?,"
            + " places = ?, places_until = ? WHERE k = ?")) {
          s.setLong(1, next.failures());
          s.setLong(2, next.failuresUntil());
          s.setLong(3, next.places());
          s.setLong(4, next.placesUntil());
          s.setString(5, k);
          return s.executeUpdate();
        }
      });
    }

    /**
     * A row with nothing counted, unless the key has one, which is then updated to itself: either way the row is this
     * transaction's from here on, so that a purge cannot delete it before it is read. Two first attempts at once both
     * end up with the one row.
     */
    private void insertOrHold(Connection c, String k) throws SQLException {
      String sql = switch (dialect) {
        case POSTGRESQL -> "INSERT INTO sr_login_attempts (k, n, expires_at) VALUES (?, 0, 0)"
            + " ON CONFLICT (k) DO UPDATE SET k = EXCLUDED.k";
        case MARIADB -> "INSERT INTO sr_login_attempts (k, n, expires_at) VALUES (?, 0, 0) ON DUPLICATE KEY UPDATE k = k";
        default -> "MERGE INTO sr_login_attempts t USING (VALUES (CAST(? AS VARCHAR(32)))) AS v(k) ON t.k = v.k"
            + " WHEN MATCHED THEN UPDATE SET n = t.n WHEN NOT MATCHED THEN INSERT (k, n, expires_at) VALUES (v.k, 0, 0)";
      };
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, k);
        s.executeUpdate();
      }
    }

    /** Deletes the rows whose failures and places have both ended. */
    void purgeExpired() {
      run(c -> {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM sr_login_attempts WHERE expires_at <= ?"
            + " AND places_until <= ?")) {
          s.setLong(1, clock.millis());
          s.setLong(2, clock.millis());
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
              if (attempt == 3 || state == null || !(state.startsWith("23") || state.startsWith("40"))) {
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
        throw new SessionStoreUnavailableException("failed logins could not be counted in the database"
            + " (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
      }
    }
  }
}
