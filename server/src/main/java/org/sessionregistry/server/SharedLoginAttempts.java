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

  /** In Redis: {@code <namespace>:login:<digest>}, an INCR whose first sets the window as the key's TTL. */
  static LoginAttempts redis(UnifiedJedis redis, String namespace) {
    return new Redis(redis, namespace);
  }

  /** In the table {@code sr_login_attempts}, created if missing; rows past their window are purged by the server. */
  static Jdbc jdbc(DataSource dataSource, Dialect dialect, Clock clock) {
    return new Jdbc(dataSource, dialect, clock);
  }

  private record Redis(UnifiedJedis redis, String namespace) implements LoginAttempts {
    private static final String ACQUIRE = "local n = redis.call('INCR', KEYS[1]) "
        + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";
    private static final String RELEASE = "local n = redis.call('DECR', KEYS[1]) "
        + "if n <= 0 then redis.call('DEL', KEYS[1]) end return n";

    @Override
    public long acquire(String key, Duration window) {
      return (Long) call(() -> redis.eval(ACQUIRE, List.of(key(key)), List.of(String.valueOf(window.toMillis()))));
    }

    @Override
    public void release(String key) {
      call(() -> redis.eval(RELEASE, List.of(key(key)), List.of()));
    }

    @Override
    public void reset(String key) {
      call(() -> redis.del(key(key)));
    }

    private String key(String key) {
      return namespace + ":login:" + digest(key);
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

  /** The table: one row per key, its count and the end of its window (epoch ms). */
  static final class Jdbc implements LoginAttempts {
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS sr_login_attempts (k VARCHAR(32) NOT NULL"
        + " PRIMARY KEY, n BIGINT NOT NULL, expires_at BIGINT NOT NULL)";
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
        }
        return null;
      });
    }

    /**
     * One upsert that starts the count again once its window has passed, then the count read back within the same
     * transaction (the upsert holds the row), so that parallel attempts each see their own count.
     */
    @Override
    public long acquire(String key, Duration window) {
      String k = digest(key);
      long now = clock.millis();
      long until = now + window.toMillis();
      return run(c -> {
        for (int attempt = 1; ; attempt++) {
          try {
            return upsertAndRead(c, k, now, until);
          } catch (SQLException e) {
            // Two first attempts of a key at once may both insert (H2's MERGE): the loser finds the row next time.
            if (attempt == 2 || e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
              throw e;
            }
            c.rollback();
          }
        }
      });
    }

    private long upsertAndRead(Connection c, String k, long now, long until) throws SQLException {
      if (dialect == Dialect.POSTGRESQL) {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO sr_login_attempts AS t (k, n, expires_at)"
            + " VALUES (?, 1, ?) ON CONFLICT (k) DO UPDATE SET"
            + " n = CASE WHEN t.expires_at <= ? THEN 1 ELSE t.n + 1 END,"
            + " expires_at = CASE WHEN t.expires_at <= ? THEN ? ELSE t.expires_at END RETURNING n")) {
          s.setString(1, k);
          s.setLong(2, until);
          s.setLong(3, now);
          s.setLong(4, now);
          s.setLong(5, until);
          try (ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
          }
        }
      }
      String upsert = dialect == Dialect.MARIADB
          ? "INSERT INTO sr_login_attempts (k, n, expires_at) VALUES (?, 1, ?) ON DUPLICATE KEY UPDATE"
              + " n = IF(expires_at <= ?, 1, n + 1), expires_at = IF(expires_at <= ?, ?, expires_at)"
          : "MERGE INTO sr_login_attempts t USING (VALUES (CAST(? AS VARCHAR(32)), CAST(? AS BIGINT))) AS v(k, u)"
              + " ON t.k = v.k WHEN MATCHED THEN UPDATE SET n = CASE WHEN t.expires_at <= ? THEN 1 ELSE t.n + 1 END,"
              + " expires_at = CASE WHEN t.expires_at <= ? THEN ? ELSE t.expires_at END"
              + " WHEN NOT MATCHED THEN INSERT (k, n, expires_at) VALUES (v.k, 1, v.u)";
      try (PreparedStatement s = c.prepareStatement(upsert)) {
        s.setString(1, k);
        s.setLong(2, until);
        s.setLong(3, now);
        s.setLong(4, now);
        s.setLong(5, until);
        s.executeUpdate();
      }
      try (PreparedStatement s = c.prepareStatement("SELECT n FROM sr_login_attempts WHERE k = ?")) {
        s.setString(1, k);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getLong(1);
        }
      }
    }

    @Override
    public void release(String key) {
      update("UPDATE sr_login_attempts SET n = n - 1 WHERE k = ? AND n > 0", digest(key));
    }

    @Override
    public void reset(String key) {
      update("DELETE FROM sr_login_attempts WHERE k = ?", digest(key));
    }

    /** Deletes the rows whose window has passed. */
    void purgeExpired() {
      run(c -> {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM sr_login_attempts WHERE expires_at <= ?")) {
          s.setLong(1, clock.millis());
          return s.executeUpdate();
        }
      });
    }

    private void update(String sql, String k) {
      run(c -> {
        try (PreparedStatement s = c.prepareStatement(sql)) {
          s.setString(1, k);
          return s.executeUpdate();
        }
      });
    }

    private interface Work<T> {
      T run(Connection c) throws SQLException;
    }

    /** One transaction, with a statement timeout; a failure is a typed one. */
    private <T> T run(Work<T> work) {
      try (Connection c = dataSource.getConnection()) {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
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
