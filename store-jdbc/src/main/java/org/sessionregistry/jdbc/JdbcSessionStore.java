package org.sessionregistry.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Session;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.spi.PropsJson;
import org.sessionregistry.jdbc.internal.EvictBrokenConnections;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * Sessions in a relational database: H2, PostgreSQL or MariaDB, through Jdbi.
 *
 * <p>Every operation is one SQL statement: authenticate is one lookup by the token hash's unique index, list one query
 * by the user id index, touch one conditional {@code UPDATE} that only raises last activity and cannot re-create a
 * deleted row. Revoke-all writes one row whatever the number of sessions: it raises the user's generation in
 * {@code sr_users}, and every statement takes only sessions at or above their user's generation (read by primary key
 * within the statement); with a listener, which needs the sessions, it is one {@code DELETE ... RETURNING}.
 * {@link #purgeExpired} deletes a bounded batch of expired sessions in one statement (on PostgreSQL with
 * {@code FOR UPDATE SKIP LOCKED}, so purging nodes skip each other's rows; on MariaDB and H2 they wait for each other),
 * then the rows that revoke-alls ended by generation.
 *
 * <pre>{@code
 * // With the application's pool (the store does not close it):
 * SessionStore store = JdbcSessionStore.builder().dataSource(dataSource).build();
 *
 * // Or with a pool of its own, here an H2 file that needs no server:
 * SessionStore store = JdbcSessionStore.builder()
 *     .jdbcUrl("jdbc:h2:./data/sessions", "sa", "")
 *     .createSchemaIfMissing(true)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. Failures surface as {@link SessionStoreException}, connection failures and an exhausted pool as
 * {@link SessionStoreUnavailableException}, and so does a statement past its timeout; messages and causes carry no token,
 * no password and no bound values. Statements that lose a deadlock are retried after a short random pause (they were
 * rolled back whole). Each call uses a connection of its own in auto-commit, or commits itself when the pool hands out
 * connections with auto-commit off. The store recovers on its own when the database comes back.
 */
public final class JdbcSessionStore implements SessionStore {
  private static final int DEADLOCK_ATTEMPTS = 3;
  private static final String COLUMNS =
      "id, user_id, create_at, expires_at, last_activity_at, device_id, roles, is_oauth, expired_notify, props";
  private static final RowMapper<Session> SESSION = JdbcSessionStore::session;
  /** Users with revoked rows that purgeExpired reads at a time. */
  private static final int PENDING_USERS_PAGE = 100;
  private static final System.Logger LOG = System.getLogger(JdbcSessionStore.class.getName());

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final String description;
  private final @Nullable HikariDataSource ownedPool;
  private final int statementTimeoutSeconds;
  private final String insert;
  private final String findByToken;
  private final String findByUser;
  private final String touch;
  private final String deleteOne;
  private final String deleteAll;
  private final String deleteAllExcept;
  private final String bumpGeneration;
  private final String deleteAllExceptUnread;
  private final String purge;
  private final String deleteRevoked;

  private JdbcSessionStore(Jdbi jdbi, Dialect dialect, String description, @Nullable HikariDataSource ownedPool,
      int statementTimeoutSeconds) {
    this.jdbi = jdbi;
    this.statementTimeoutSeconds = statementTimeoutSeconds;
    this.dialect = dialect;
    this.description = description;
    this.ownedPool = ownedPool;
    this.insert = "INSERT INTO sr_sessions (id, token_hash, user_id, create_at, expires_at, last_activity_at,"
        + " retain_until, device_id, roles, is_oauth, expired_notify, props, generation) VALUES (:id, :tokenHash,"
        + " :userId, :createAt, :expiresAt, :lastActivityAt, :retainUntil, :deviceId, :roles, :oauth, :expiredNotify,"
        + " :props, " + generationOf(":userId") + ")";
    String live = " AND generation >= " + generationOf(":userId");
    this.findByToken = "SELECT " + COLUMNS + " FROM sr_sessions s WHERE token_hash = :tokenHash"
        + " AND generation >= " + generationOf("s.user_id");
    this.findByUser = "SELECT " + COLUMNS + " FROM sr_sessions WHERE user_id = :userId" + live;
    // GREATEST: never backwards; matching on the row: never re-creates one.
    this.touch = "UPDATE sr_sessions SET last_activity_at = GREATEST(last_activity_at, :lastActivityAt),"
        + " retain_until = GREATEST(retain_until, :retainUntil) WHERE user_id = :userId AND id = :id" + live;
    this.deleteOne = deleteReturning("user_id = :userId AND id = :id" + live);
    this.deleteAll = deleteReturning("user_id = :userId" + live);
    this.deleteAllExcept = deleteReturning("user_id = :userId AND id <> :keep" + live);
    // One row whatever the number of sessions: the user's generation goes up, and every session below it is revoked.
    this.bumpGeneration = switch (dialect) {
      case POSTGRESQL -> "INSERT INTO sr_users (user_id, generation, purge_pending) VALUES (:userId, 1, TRUE)"
          + " ON CONFLICT (user_id) DO UPDATE SET generation = sr_users.generation + 1, purge_pending = TRUE";
      case MARIADB -> "INSERT INTO sr_users (user_id, generation, purge_pending) VALUES (:userId, 1, TRUE)"
          + " ON DUPLICATE KEY UPDATE generation = generation + 1, purge_pending = TRUE";
      case H2 -> "MERGE INTO sr_users u USING (VALUES (CAST(:userId AS VARCHAR(26)))) AS v(user_id)"
          + " ON u.user_id = v.user_id WHEN MATCHED THEN UPDATE SET generation = u.generation + 1,"
          + " purge_pending = TRUE WHEN NOT MATCHED THEN INSERT (user_id, generation, purge_pending)"
          + " VALUES (v.user_id, 1, TRUE)";
    };
    this.deleteAllExceptUnread = "DELETE FROM sr_sessions WHERE user_id = :userId AND id <> :keep";
    // Expired and still live: revoked ones (below their user's generation) go silently, in purgeRevoked.
    // (No table alias: MariaDB's single-table DELETE takes none.)
    String expired = "retain_until < :now AND generation >= " + generationOf("sr_sessions.user_id");
    this.purge = switch (dialect) {
      case POSTGRESQL -> "DELETE FROM sr_sessions WHERE id IN (SELECT id FROM sr_sessions WHERE " + expired
          + " ORDER BY retain_until LIMIT :limit FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS;
      case H2 -> "SELECT " + COLUMNS + " FROM OLD TABLE (DELETE FROM sr_sessions WHERE " + expired
          + " FETCH FIRST :limit ROWS ONLY)";
      // MariaDB cannot DELETE ... RETURNING from a locking subquery: purgers take rows in index order and wait for
      // each other instead of skipping.
      case MARIADB -> "DELETE FROM sr_sessions WHERE " + expired + " ORDER BY retain_until LIMIT :limit"
          + " RETURNING " + COLUMNS;
    };
    String revoked = "user_id = :userId AND generation < :generation";
    this.deleteRevoked = switch (dialect) {
      case POSTGRESQL -> "DELETE FROM sr_sessions WHERE id IN (SELECT id FROM sr_sessions WHERE " + revoked
          + " LIMIT :limit)";
      case H2 -> "DELETE FROM sr_sessions WHERE " + revoked + " FETCH FIRST :limit ROWS ONLY";
      case MARIADB -> "DELETE FROM sr_sessions WHERE " + revoked + " LIMIT :limit";
    };
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The database this store talks to. */
  public Dialect dialect() {
    return dialect;
  }

  @Override
  public void insert(Session session, TokenHash tokenHash, Instant retainUntil) {
    call("create a session", h -> {
      try {
        return h.createUpdate(insert)
            .bind("id", session.id())
            .bind("tokenHash", tokenHash.toBytes())
            .bind("userId", session.userId())
            .bind("createAt", session.createdAt().toEpochMilli())
            .bind("expiresAt", session.expiresAt().toEpochMilli())
            .bind("lastActivityAt", session.lastActivityAt().toEpochMilli())
            .bind("retainUntil", retainUntil.toEpochMilli())
            .bind("deviceId", session.deviceId())
            .bind("roles", session.roles())
            .bind("oauth", session.oauth())
            .bind("expiredNotify", session.expiredNotify())
            .bind("props", PropsJson.write(session.props()))
            .execute();
      } catch (JdbiException e) {
        SQLException sql = sqlCause(e);
        if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
          // The driver's text would show the duplicate key: say it without the value.
          throw new SessionStoreException(description + ": a session with id " + session.id()
              + " or with the same token hash exists already; nothing was written");
        }
        throw e;
      }
    });
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    return call("authenticate a token", h -> h.createQuery(findByToken)
        .bind("tokenHash", tokenHash.toBytes())
        .map(SESSION)
        .findOne());
  }

  @Override
  public List<Session> findByUser(String userId) {
    return call("list sessions", h -> h.createQuery(findByUser).bind("userId", userId).map(SESSION).list());
  }

  @Override
  public boolean touch(String userId, String sessionId, Instant lastActivityAt, Instant retainUntil) {
    return call("record activity", h -> h.createUpdate(touch)
        .bind("lastActivityAt", lastActivityAt.toEpochMilli())
        .bind("retainUntil", retainUntil.toEpochMilli())
        .bind("userId", userId)
        .bind("id", sessionId)
        .execute()) > 0;
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    return call("revoke a session", h -> h.createQuery(deleteOne)
        .bind("userId", userId)
        .bind("id", sessionId)
        .map(SESSION)
        .findOne());
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    return call("revoke all sessions of a user", h -> (keepSessionId == null
            ? h.createQuery(deleteAll)
            : h.createQuery(deleteAllExcept).bind("keep", keepSessionId))
        .bind("userId", userId)
        .map(SESSION)
        .list());
  }

  /**
   * One statement that writes one row whatever the number of sessions: the user's generation goes up (an upsert into
   * {@code sr_users}), and every session below it is revoked at once; {@link #purgeExpired} deletes their rows later.
   * Keeping one session is one {@code DELETE} of the others.
   */
  @Override
  public void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
    if (keepSessionId != null) {
      call("revoke all sessions of a user", h -> h.createUpdate(deleteAllExceptUnread)
          .bind("userId", userId)
          .bind("keep", keepSessionId)
          .execute());
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        call("revoke all sessions of a user", h -> h.createUpdate(bumpGeneration).bind("userId", userId).execute());
        return;
      } catch (SessionStoreException e) {
        // Two first revoke-alls of a user at once may both insert its row (H2's MERGE): the loser finds it next time.
        if (attempt == 2 || !isConstraintViolation(e)) {
          throw e;
        }
      }
    }
  }

  /**
   * Deletes up to {@code limit} live sessions past their retain-until, in one statement, and returns them; then up to
   * {@code limit} rows of sessions that revoke-alls ended by generation (not returned: they were revoked, not
   * expired), a few statements per user. A failure of that second part is logged and left to the next call: the
   * expired sessions, already deleted, are returned all the same.
   */
  @Override
  public List<Session> purgeExpired(Instant now, int limit) {
    List<Session> expired = call("purge expired sessions", h -> h.createQuery(purge)
        .bind("now", now.toEpochMilli())
        .bind("limit", limit)
        .map(SESSION)
        .list());
    try {
      call("purge revoked sessions", h -> {
        purgeRevoked(h, limit);
        return null;
      });
    } catch (SessionStoreException e) {
      LOG.log(System.Logger.Level.WARNING, e.getMessage());
    }
    return expired;
  }

  /** Deletes up to {@code budget} revoked rows, user by user, clearing a user's mark once none is left. */
  private void purgeRevoked(Handle h, int budget) {
    int left = budget;
    String after = "";
    while (left > 0) {
      List<java.util.Map<String, Object>> page = h.createQuery("SELECT user_id, generation FROM sr_users"
              + " WHERE purge_pending = TRUE AND user_id > :after ORDER BY user_id LIMIT " + PENDING_USERS_PAGE)
          .bind("after", after)
          .mapToMap().list();
      for (java.util.Map<String, Object> user : page) {
        String userId = (String) user.get("user_id");
        long generation = ((Number) user.get("generation")).longValue();
        int deleted = h.createUpdate(deleteRevoked)
            .bind("userId", userId)
            .bind("generation", generation)
            .bind("limit", left)
            .execute();
        left -= deleted;
        if (left <= 0) {
          return; // maybe more of this user's rows: it stays marked
        }
        // All gone: clear the mark, unless a revoke-all came in between (that one leaves it marked).
        h.createUpdate("UPDATE sr_users SET purge_pending = FALSE WHERE user_id = :userId AND generation = :generation")
            .bind("userId", userId)
            .bind("generation", generation)
            .execute();
        after = userId;
      }
      if (page.size() < PENDING_USERS_PAGE) {
        return;
      }
    }
  }

  private static boolean isConstraintViolation(SessionStoreException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
        return true;
      }
    }
    return false;
  }

  /** Closes the pool if the store built it from a JDBC URL; a pool the application gave is left open. */
  @Override
  public void close() {
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  @Override
  public String toString() {
    return "JdbcSessionStore[" + description + "]";
  }

  /**
   * A HikariCP pool set up as the store's own is (the one {@link Builder#jdbcUrl} builds): READ COMMITTED, broken
   * connections evicted on any connection-class error, an H2 file written at each commit, and a start that does not
   * fail while the database is down. For sharing one pool between the store and a {@link JdbcInvalidationChannel};
   * the caller closes it.
   */
  public static HikariDataSource newPool(String jdbcUrl, String username, String password, int maximumPoolSize,
      Duration connectionTimeout) {
    Dialect.ofJdbcUrl(jdbcUrl);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(Builder.durable(jdbcUrl));
    // Fewer gap locks on MariaDB (its default is REPEATABLE READ); the others default to it already.
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setUsername(username);
    config.setPassword(password);
    config.setMaximumPoolSize(maximumPoolSize);
    config.setConnectionTimeout(connectionTimeout.toMillis());
    config.setPoolName("session-registry");
    config.setExceptionOverrideClassName(EvictBrokenConnections.class.getName());
    // Start even when the database is down; calls fail typed until it is back.
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /** The generation of the user {@code userId} names, 0 when it has no row; its sessions below it are revoked. */
  private static String generationOf(String userId) {
    return "COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = " + userId + "), 0)";
  }

  private String deleteReturning(String where) {
    return dialect == Dialect.H2
        ? "SELECT " + COLUMNS + " FROM OLD TABLE (DELETE FROM sr_sessions WHERE " + where + ")"
        : "DELETE FROM sr_sessions WHERE " + where + " RETURNING " + COLUMNS;
  }

  /**
   * Runs one operation on a handle of its own: never inside a transaction the application has open on the same thread,
   * and committed here when the pool hands out connections with auto-commit off (Jdbi would not, and the pool would
   * roll the write back when the connection returns).
   */
  private <T> T call(String operation, HandleCallback<T, RuntimeException> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return once(work);
      } catch (JdbiException | SQLException e) {
        SQLException sql = sqlCause(e);
        if (attempt < DEADLOCK_ATTEMPTS && sql != null && isDeadlock(sql)) {
          backOff(attempt); // the losing statement was rolled back whole; running it again is safe
          continue;
        }
        throw translate(operation, e, sql);
      } catch (SessionStoreException e) {
        throw e;
      } catch (RuntimeException e) {
        // A row the store cannot read (corrupt props, a missing unique index): say so, typed.
        throw new SessionStoreException(description + " failed to " + operation + ": " + e.getMessage(), e);
      }
    }
  }

  private <T> T once(HandleCallback<T, RuntimeException> work) throws SQLException {
    Handle h = jdbi.open();
    boolean manualCommit = false;
    try {
      h.getConfig(Handles.class).setForceEndTransactions(false);
      h.getConfig(SqlStatements.class).setQueryTimeout(statementTimeoutSeconds);
      manualCommit = !h.getConnection().getAutoCommit();
      T result = work.withHandle(h);
      if (manualCommit) {
        h.commit();
      }
      return result;
    } catch (RuntimeException | SQLException e) {
      if (manualCommit) {
        try {
          h.rollback();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    } finally {
      h.close();
    }
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20) * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A typed exception whose cause is the driver's SQLException, not Jdbi's: Jdbi's message lists the statement's bound
   * values, props (csrf) among them.
   */
  private SessionStoreException translate(String operation, Exception e, @Nullable SQLException sql) {
    String reason = sql != null ? reason(sql) : e.getClass().getSimpleName();
    if (e instanceof ConnectionException || (sql != null && isConnectionFailure(sql))) {
      return new SessionStoreUnavailableException(description + " is unavailable, could not " + operation + ": "
          + reason + ". The outcome is unknown; the store reconnects when the database is back.", sql);
    }
    String state = sql != null && sql.getSQLState() != null ? " (SQLState " + sql.getSQLState() + ")" : "";
    return new SessionStoreException(description + " failed to " + operation + state + ": " + reason, sql);
  }

  /** Unreachable, shutting down, out of connections, or not answering in time (statement or lock timeout). */
  private static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException
        || e instanceof SQLTimeoutException
        || e.getErrorCode() == 1205 // MariaDB: lock wait timeout
        || (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state)));
  }

  private static final Set<String> UNAVAILABLE_STATES = Set.of(
      "57P01", "57P02", "57P03", "53300", // PostgreSQL: shutting down, cannot connect now, too many connections
      "57014", "55P03", // PostgreSQL: statement timeout, lock not available
      "HYT00"); // H2: lock timeout

  private static boolean isDeadlock(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state) || e.getErrorCode() == 1213;
  }

  /**
   * The driver's message, and its root cause's when the pool wraps it ("Connection is not available ..." hides
   * "Database may be already in use").
   */
  static String reason(SQLException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(e.getMessage());
    return root == e || root.getMessage() == null || message.contains(root.getMessage())
        ? message : message + " (cause: " + root.getMessage() + ")";
  }

  private static @Nullable SQLException sqlCause(@Nullable Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static Session session(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Session(
        rs.getString("id"),
        rs.getString("user_id"),
        Instant.ofEpochMilli(rs.getLong("create_at")),
        Instant.ofEpochMilli(rs.getLong("expires_at")),
        Instant.ofEpochMilli(rs.getLong("last_activity_at")),
        rs.getString("device_id"),
        rs.getString("roles"),
        rs.getBoolean("is_oauth"),
        rs.getBoolean("expired_notify"),
        PropsJson.read(rs.getString("props")));
  }

  /**
   * A JDBC URL fit for a message or a log: without what may hold a secret (user info, and the parameters after
   * {@code ?} or {@code ;}).
   */
  public static String withoutSecrets(String jdbcUrl) {
    String url = jdbcUrl;
    int cut = url.length();
    for (char c : new char[] {'?', ';'}) {
      int i = url.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    url = url.substring(0, cut);
    int at = url.lastIndexOf('@');
    int scheme = url.indexOf("//");
    if (at > 0 && scheme >= 0 && at > scheme) {
      url = url.substring(0, scheme + 2) + url.substring(at + 1);
    }
    return url;
  }

  /**
   * Settings of a {@link JdbcSessionStore}: give exactly one of {@link #dataSource}, {@link #jdbi} or
   * {@link #jdbcUrl}. Each setter checks its value at once.
   */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable Jdbi jdbi;
    private @Nullable String jdbcUrl;
    private String username = "";
    private String password = "";
    private int maximumPoolSize = 10;
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private Duration statementTimeout = Duration.ofSeconds(5);
    private @Nullable Dialect dialect;
    private boolean createSchemaIfMissing;

    private Builder() {}

    /** The application's pool. The store borrows connections from it and never closes it. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = require(dataSource, "dataSource");
      return this;
    }

    /** The application's Jdbi. The store uses it as it is and never closes its data source. */
    public Builder jdbi(Jdbi jdbi) {
      this.jdbi = require(jdbi, "jdbi");
      return this;
    }

    /**
     * A database the store connects to through a HikariCP pool of its own, closed by {@link #close()}.
     * {@code jdbc:h2:...} needs no server: {@code jdbc:h2:./data/sessions} is a file, {@code jdbc:h2:mem:s} memory.
     */
    public Builder jdbcUrl(String jdbcUrl, String username, String password) {
      require(jdbcUrl, "jdbcUrl");
      Dialect.ofJdbcUrl(jdbcUrl);
      this.jdbcUrl = jdbcUrl;
      this.username = require(username, "username");
      this.password = require(password, "password");
      return this;
    }

    /** Connections in the pool built for {@link #jdbcUrl}. Default 10. */
    public Builder maximumPoolSize(int maximumPoolSize) {
      if (maximumPoolSize < 1) {
        throw new IllegalArgumentException("maximumPoolSize must be at least 1, was " + maximumPoolSize);
      }
      this.maximumPoolSize = maximumPoolSize;
      return this;
    }

    /**
     * How long a call waits for a connection of the pool built for {@link #jdbcUrl} before failing with
     * {@link SessionStoreUnavailableException}. Default 5 seconds; at least 250 ms (HikariCP's floor).
     */
    public Builder connectionTimeout(Duration connectionTimeout) {
      require(connectionTimeout, "connectionTimeout");
      if (connectionTimeout.toMillis() < 250) {
        throw new IllegalArgumentException("connectionTimeout must be at least 250ms, was " + connectionTimeout);
      }
      this.connectionTimeout = connectionTimeout;
      return this;
    }

    /**
     * How long one statement may run, waiting for locks included, before it is cancelled and the call fails with
     * {@link SessionStoreUnavailableException}. Whole seconds (JDBC's unit), at least 1. Default 5 seconds.
     */
    public Builder statementTimeout(Duration statementTimeout) {
      require(statementTimeout, "statementTimeout");
      if (statementTimeout.toSeconds() < 1 || statementTimeout.toSeconds() > Integer.MAX_VALUE
          || statementTimeout.toNanos() % 1_000_000_000L != 0) {
        throw new IllegalArgumentException("statementTimeout must be whole seconds, at least 1, was "
            + statementTimeout);
      }
      this.statementTimeout = statementTimeout;
      return this;
    }

    /** The database, when it should not be detected (detection asks the database once, at build). */
    public Builder dialect(Dialect dialect) {
      this.dialect = require(dialect, "dialect");
      return this;
    }

    /** Whether {@link #build()} runs the shipped schema script, which creates the table only if missing. */
    public Builder createSchemaIfMissing(boolean createSchemaIfMissing) {
      this.createSchemaIfMissing = createSchemaIfMissing;
      return this;
    }

    /**
     * @throws IllegalStateException if not exactly one of dataSource, jdbi and jdbcUrl is given
     * @throws SessionStoreUnavailableException if the database had to be asked (dialect detection, schema creation)
     *     and could not be reached
     */
    public JdbcSessionStore build() {
      int given = (dataSource != null ? 1 : 0) + (jdbi != null ? 1 : 0) + (jdbcUrl != null ? 1 : 0);
      if (given != 1) {
        throw new IllegalStateException("give exactly one of dataSource, jdbi and jdbcUrl; " + given + " were given");
      }
      HikariDataSource pool = jdbcUrl != null ? pool(jdbcUrl) : null;
      Jdbi db = pool != null ? Jdbi.create(pool) : dataSource != null ? Jdbi.create(dataSource) : jdbi;
      try {
        Dialect d;
        String where;
        if (jdbcUrl != null) {
          d = dialect != null ? dialect : Dialect.ofJdbcUrl(jdbcUrl);
          where = withoutSecrets(jdbcUrl);
        } else if (dialect != null) {
          d = dialect;
          where = "the application's data source";
        } else {
          String[] found = ask(db);
          d = Dialect.ofProductName(found[0]);
          where = found[1] != null ? withoutSecrets(found[1]) : "the application's data source";
        }
        String description = "JDBC session store (" + d.displayName() + " at " + where + ")";
        if (createSchemaIfMissing) {
          try {
            JdbcSchema.run(db, JdbcSchema.createScript(d));
          } catch (JdbiException e) {
            SQLException sql = sqlCause(e);
            throw new SessionStoreUnavailableException(description + " could not create its schema: "
                + (sql != null ? reason(sql) : e.getClass().getSimpleName()), sql);
          }
        }
        return new JdbcSessionStore(db, d, description, pool, (int) statementTimeout.toSeconds());
      } catch (RuntimeException e) {
        if (pool != null) {
          pool.close();
        }
        throw e;
      }
    }

    private HikariDataSource pool(String url) {
      return newPool(url, username, password, maximumPoolSize, connectionTimeout);
    }

    /**
     * An H2 file database writes commits to disk after a delay (500 ms by default): a crash in that window would
     * bring revoked sessions back. Unless the URL says otherwise, write each commit at once.
     */
    static String durable(String url) {
      String lower = url.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:h2:mem:") || lower.contains("write_delay")) {
        return url;
      }
      return url + ";WRITE_DELAY=0";
    }

    /** The product name and URL, from one connection. */
    private static String[] ask(Jdbi db) {
      try {
        return db.withHandle(h -> {
          DatabaseMetaData meta = h.getConnection().getMetaData();
          return new String[] {meta.getDatabaseProductName(), meta.getURL()};
        });
      } catch (JdbiException | SQLException e) {
        SQLException sql = sqlCause(e);
        throw new SessionStoreUnavailableException("JDBC session store: could not reach the database to detect its"
            + " dialect (give .dialect(...) to skip this): " + (sql != null ? reason(sql) : e.toString()), sql);
      }
    }

    private static <T> T require(@Nullable T value, String name) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }
  }
}
