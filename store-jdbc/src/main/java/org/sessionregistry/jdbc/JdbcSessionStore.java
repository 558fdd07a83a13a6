package org.sessionregistry.jdbc;

import static org.sessionregistry.jdbc.internal.SqlStatements.Session.CLEAR_PENDING;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.COUNT_ALL;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.DELETE_ALL;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.DELETE_ALL_EXCEPT;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.DELETE_EVERYONE;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.DELETE_ONE;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.DELETE_REVOKED;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.END_DEVICE;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.FIND_BY_TOKEN;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.FIND_BY_USER;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.INSERT;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.INSERT_UNLESS_FULL;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.LIST_ALL;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.LOCK_USER;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.MAKE_ROOM;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.PENDING_USERS;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.PROBE;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.PURGE_EXPIRED;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.RAISE_GENERATION;
import static org.sessionregistry.jdbc.internal.SqlStatements.Session.TOUCH;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.BadCursorException;
import org.sessionregistry.Ids;
import org.sessionregistry.Session;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionPage;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.jdbc.internal.Call;
import org.sessionregistry.jdbc.internal.Database;
import org.sessionregistry.jdbc.internal.PoolFactory;
import org.sessionregistry.jdbc.internal.Sql;
import org.sessionregistry.jdbc.internal.SqlErrors;
import org.sessionregistry.jdbc.internal.SqlStatements;
import org.sessionregistry.jdbc.internal.StatementRunner;
import org.sessionregistry.spi.PropsJson;
import org.sessionregistry.spi.RolesText;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * Sessions in a relational database: H2, PostgreSQL or MariaDB, through plain JDBC on a connection pool.
 *
 * <p>The statements are read from the jar's resources ({@code org/sessionregistry/jdbc/statements.sql} and the
 * dialect's {@link Dialect#statementsResource()}). Authenticate is one lookup by the token hash's unique index, list one
 * query by the user id index, touch one conditional {@code UPDATE} that only raises last activity and cannot re-create a
 * deleted row, revoke one {@code DELETE ... RETURNING}. Revoke-all writes one row whatever the number of sessions: it
 * raises the user's generation in {@code sr_users}, and every statement takes only sessions at or above their user's
 * generation (read by primary key within the statement); with a listener, which needs the sessions, it is one
 * {@code DELETE ... RETURNING}. A create within a session limit, and a revoke-all that keeps one session, are a few
 * statements in one transaction: one round trip on PostgreSQL, and on MariaDB when the connection runs several
 * statements at once (the store's own pool does); otherwise one round trip per statement. {@link #purgeExpired} deletes
 * a bounded batch of expired sessions in one statement (on PostgreSQL with {@code FOR UPDATE SKIP LOCKED}, so purging
 * nodes skip each other's rows; on MariaDB and H2 they wait for each other), then the rows that revoke-alls ended by
 * generation.
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
 * <p>Thread-safe. Each call borrows a connection of its own, in auto-commit, or commits itself when the pool hands out
 * connections with auto-commit off. Every statement is stopped at the statement timeout without leaving a setting on
 * the connection: by the driver on PostgreSQL and MariaDB, on H2 by the store's own pool's connections or, on an
 * application's pool, by a watchdog thread that cancels it. Failures surface as {@link SessionStoreException},
 * connection failures, an exhausted pool and a statement past its timeout as {@link SessionStoreUnavailableException};
 * messages and causes carry no token, no password and no bound values. A call that loses a deadlock runs again after a
 * short random pause (it was rolled back whole), and one that may run twice runs again when the database closed its
 * connection. The store recovers on its own when the database comes back.
 */
public final class JdbcSessionStore implements SessionStore {
  /** The statements that are the same on every database; each dialect's resource has the others. */
  static final String PORTABLE_STATEMENTS = Database.PORTABLE_STATEMENTS;

  /** Users with revoked rows that purgeExpired reads at a time. */
  private static final int PENDING_USERS_PAGE = 100;

  private static final System.Logger LOG = System.getLogger(JdbcSessionStore.class.getName());

  private final Database database;
  private final StatementRunner db;
  private final @Nullable HikariDataSource ownedPool;

  /**
   * What a store is made of, from its builder.
   *
   * @param database what differs on the store's database
   * @param runner how its calls run
   * @param ownedPool the pool to close with the store: the one it built for a JDBC URL
   */
  private record Settings(
      Database database, StatementRunner runner, @Nullable HikariDataSource ownedPool) {}

  private JdbcSessionStore(Settings settings) {
    this.database = settings.database();
    this.db = settings.runner();
    this.ownedPool = settings.ownedPool();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The database this store talks to. */
  public Dialect dialect() {
    return database.dialect();
  }

  /**
   * Unlimited, one {@code INSERT}. Within a limit, or replacing the device's sessions, one transaction: the user's row
   * in {@code sr_users} is taken first (so that creates and revoke-alls of one user queue behind each other), then the
   * device's sessions are deleted, then the sessions beyond the limit, and the new one inserted, or it is inserted
   * only if there is room (one round trip on PostgreSQL, and on MariaDB when the connection runs several statements at
   * once).
   */
  @Override
  public List<Session> insert(
      Session session,
      TokenHash tokenHash,
      Instant retainUntil,
      SessionLimit limit,
      boolean endSameDevice) {
    Call.Params params = params(session, tokenHash, retainUntil, limit);
    if (limit.isUnlimited() && !endSameDevice) {
      db.call(
          "create a session",
          call -> explainingDuplicates(session, () -> call.update(sql(INSERT), params)));
      return List.of();
    }
    List<SqlStatements.Session> steps = createSteps(limit, endSameDevice);
    List<Object> results =
        db.call(
            "create a session within its user's limit",
            call -> explainingDuplicates(session, () -> database.together(call, steps, params)));
    if ((Integer) results.get(steps.size() - 1) == 0) { // the insert, last, inserted nothing
      throw new SessionLimitExceededException(session.userId(), limit.maxSessions());
    }
    List<Session> ended = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) == END_DEVICE || steps.get(i) == MAKE_ROOM) {
        ended.addAll(sessions(results.get(i)));
      }
    }
    return ended;
  }

  /** The statements of a create within a limit or replacing its device's sessions, the insert last. */
  private static List<SqlStatements.Session> createSteps(
      SessionLimit limit, boolean endSameDevice) {
    List<SqlStatements.Session> steps = new ArrayList<>(4);
    steps.add(LOCK_USER);
    if (endSameDevice) {
      steps.add(END_DEVICE);
    }
    if (limit.isUnlimited()) {
      steps.add(INSERT);
    } else if (limit.policy() == SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE) {
      steps.add(MAKE_ROOM);
      steps.add(INSERT);
    } else {
      steps.add(INSERT_UNLESS_FULL);
    }
    return steps;
  }

  @SuppressWarnings("unchecked")
  private static List<Session> sessions(Object result) {
    return (List<Session>) result;
  }

  /** The value of each name the create's statements use. */
  private static Call.Params params(
      Session session, TokenHash tokenHash, Instant retainUntil, SessionLimit limit) {
    return name ->
        switch (name) {
          case "id" -> session.id();
          case "tokenHash" -> tokenHash.toBytes();
          case "userId" -> session.userId();
          case "createAt", "now" -> session.createdAt().toEpochMilli();
          case "expiresAt" -> session.expiresAt().toEpochMilli();
          case "lastActivityAt" -> session.lastActivityAt().toEpochMilli();
          case "retainUntil" -> retainUntil.toEpochMilli();
          case "deviceId" -> session.deviceId();
          case "roles" -> RolesText.write(session.roles());
          case "props" -> PropsJson.write(session.props());
          case "keep" -> limit.maxSessions() - 1;
          case "max" -> limit.maxSessions();
          case "refuseAt" ->
              limit.policy() == SessionLimit.Policy.REFUSE_NEW
                  ? limit.maxSessions()
                  : Integer.MAX_VALUE;
          default -> throw new IllegalArgumentException("no value for :" + name);
        };
  }

  /** The statements' work, whose duplicate key is said without the value: the driver's text would show it. */
  private <T> T explainingDuplicates(Session session, SqlWork<T> insert) throws SQLException {
    try {
      return insert.run();
    } catch (SQLException e) {
      if (SqlErrors.isConstraintViolation(e) && !SqlErrors.isDeadlock(e)) {
        throw new SessionStoreException(
            db.description()
                + ": a session with id "
                + session.id()
                + " or with the same token hash exists already; nothing was written");
      }
      throw e;
    }
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  /**
   * One {@code DELETE} of every session, with a statement timeout of a minute at least: it takes time in proportion to
   * the table.
   */
  @Override
  public void deleteEveryone() {
    db.callIdempotent(
        "revoke every session",
        Math.max(60, db.statementTimeoutSeconds()),
        call -> call.update(sql(DELETE_EVERYONE), Call.Params.NONE));
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    byte[] hash = tokenHash.toBytes();
    return db.callIdempotent(
        "authenticate a token", call -> call.session(sql(FIND_BY_TOKEN), name -> hash));
  }

  @Override
  public List<Session> findByUser(String userId) {
    return db.callIdempotent(
        "list sessions", call -> call.sessions(sql(FIND_BY_USER), name -> userId));
  }

  @Override
  public boolean supportsListing() {
    return true;
  }

  /**
   * One statement: live sessions by id after the cursor (the last id of the previous page), which the primary key's
   * index serves in order; each session once, at most {@code limit} per page.
   */
  @Override
  public SessionPage listAll(String cursor, int limit, Instant now) {
    if (!cursor.isEmpty() && !Ids.isValidId(cursor)) {
      throw new BadCursorException("not a session id");
    }
    List<Session> page =
        db.callIdempotent(
            "list every session",
            call ->
                call.sessions(
                    sql(LIST_ALL),
                    name ->
                        switch (name) {
                          case "after" -> cursor;
                          case "now" -> now.toEpochMilli();
                          case "limit" -> limit;
                          default -> throw new IllegalArgumentException("no value for :" + name);
                        }));
    return new SessionPage(page, page.size() < limit ? "" : page.get(page.size() - 1).id());
  }

  /** Exact: one count of the stored sessions. */
  @Override
  public boolean countsExactly() {
    return true;
  }

  /** Exact: one {@code COUNT(*)} of the live sessions. */
  @Override
  public SessionCount countAll(Instant now) {
    long count =
        db.callIdempotent(
            "count every session",
            call ->
                call.query(sql(COUNT_ALL), name -> now.toEpochMilli(), rs -> rs.getLong(1)).get(0));
    return new SessionCount(count, true, now);
  }

  @Override
  public boolean touch(
      String userId,
      String sessionId,
      Instant lastActivityAt,
      @Nullable Instant expiresAt,
      Instant retainUntil) {
    return db.callIdempotent(
            "record activity",
            call ->
                call.update(
                    sql(TOUCH),
                    name ->
                        switch (name) {
                          case "lastActivityAt" -> lastActivityAt.toEpochMilli();
                          case "expiresAt" ->
                              expiresAt == null
                                  ? 0L
                                  : expiresAt.toEpochMilli(); // GREATEST with 0: unchanged
                          case "retainUntil" -> retainUntil.toEpochMilli();
                          case "userId" -> userId;
                          case "id" -> sessionId;
                          default -> throw new IllegalArgumentException("no value for :" + name);
                        }))
        > 0;
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    return db.callIdempotent(
        "revoke a session", call -> call.session(sql(DELETE_ONE), user(userId, sessionId)));
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    return db.callIdempotent(
        "revoke all sessions of a user",
        call ->
            keepSessionId == null
                ? call.sessions(sql(DELETE_ALL), user(userId, null))
                : call.sessions(sql(DELETE_ALL_EXCEPT), user(userId, keepSessionId)));
  }

  /**
   * Writes one row whatever the number of sessions: the user's generation goes up (an upsert into {@code sr_users}),
   * and every session below it is revoked at once; {@link #purgeExpired} deletes their rows later. Keeping one session
   * writes one row more, its generation raised too, in the same transaction: one statement on PostgreSQL, one round
   * trip on MariaDB through a pool that runs several statements at once, two statements otherwise.
   */
  @Override
  public void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
    db.callIdempotent(
        keepSessionId == null
            ? "revoke all sessions of a user"
            : "revoke all sessions of a user but one",
        call ->
            database.together(
                call,
                keepSessionId == null ? List.of(RAISE_GENERATION) : database.keepOneSteps(),
                user(userId, keepSessionId)));
  }

  /** The names a statement about a user's sessions uses: the user, and the session it revokes or keeps. */
  private static Call.Params user(String userId, @Nullable String sessionId) {
    return name ->
        switch (name) {
          case "userId" -> userId;
          case "id", "keep" -> sessionId;
          default -> throw new IllegalArgumentException("no value for :" + name);
        };
  }

  /**
   * Deletes up to {@code limit} live sessions past their retain-until, in one statement, and returns them; then up to
   * {@code limit} rows of sessions that revoke-alls ended by generation (not returned: they were revoked, not
   * expired), a few statements per user. A failure of that second part is logged and left to the next call: the
   * expired sessions, already deleted, are returned all the same.
   */
  @Override
  public List<Session> purgeExpired(Instant now, int limit) {
    List<Session> expired =
        db.call(
            "purge expired sessions",
            call ->
                call.sessions(
                    sql(PURGE_EXPIRED),
                    name -> name.equals("now") ? (Object) now.toEpochMilli() : (Object) limit));
    try {
      db.call(
          "purge revoked sessions",
          call -> {
            purgeRevoked(call, limit);
            return null;
          });
    } catch (SessionStoreException e) {
      LOG.log(System.Logger.Level.WARNING, e.getMessage());
    }
    return expired;
  }

  /** A user whose revoked rows wait for the purge, and the generation they are below. */
  private record Pending(String userId, long generation) {}

  /** Deletes up to {@code budget} revoked rows, user by user, clearing a user's mark once none is left. */
  private void purgeRevoked(Call call, int budget) throws SQLException {
    int left = budget;
    String after = "";
    while (left > 0) {
      String from = after;
      List<Pending> page =
          call.query(
              sql(PENDING_USERS),
              name -> name.equals("after") ? (Object) from : (Object) PENDING_USERS_PAGE,
              rs -> new Pending(rs.getString(1), rs.getLong(2)));
      for (Pending user : page) {
        int budgetLeft = left;
        Call.Params params =
            name ->
                switch (name) {
                  case "userId" -> user.userId();
                  case "generation" -> user.generation();
                  case "limit" -> budgetLeft;
                  default -> throw new IllegalArgumentException("no value for :" + name);
                };
        left -= call.update(sql(DELETE_REVOKED), params);
        if (left <= 0) {
          return; // maybe more of this user's rows: it stays marked
        }
        call.update(sql(CLEAR_PENDING), params);
        after = user.userId();
      }
      if (page.size() < PENDING_USERS_PAGE) {
        return;
      }
    }
  }

  /** {@code SELECT 1}, on a connection of the pool: proves the database answers, reads no table. */
  @Override
  public void probe() {
    db.callIdempotent(
        "check the database", call -> call.query(sql(PROBE), Call.Params.NONE, rs -> rs.getInt(1)));
  }

  private Sql sql(SqlStatements.Session name) {
    return database.sql(name);
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
    return "JdbcSessionStore[" + db.description() + "]";
  }

  /**
   * A connection pool set up as the store's own is (the one {@link Builder#jdbcUrl} builds): READ COMMITTED, broken
   * connections evicted on any connection-class error, an H2 file written at each commit, H2's statements and lock
   * waits timed by the connection as long as the default statement timeout (5 s: a store with that timeout then sets
   * none per statement, which costs H2 more than its query), and a start that does not fail while the database is
   * down. For sharing one pool between the store and a {@link JdbcInvalidationChannel}; the caller closes it.
   *
   * @throws IllegalArgumentException if the URL is not one of a supported database
   */
  public static ConnectionPool newPool(
      String jdbcUrl,
      String username,
      String password,
      int maximumPoolSize,
      Duration connectionTimeout) {
    Dialect.ofJdbcUrl(jdbcUrl);
    return new ConnectionPool(
        PoolFactory.newPool(
            jdbcUrl,
            username,
            password,
            maximumPoolSize,
            connectionTimeout,
            Duration.ofSeconds(5)));
  }

  /**
   * A JDBC URL fit for a message or a log: without what may hold a secret (user info, and the parameters after
   * {@code ?} or {@code ;}).
   */
  public static String withoutSecrets(String jdbcUrl) {
    return PoolFactory.withoutSecrets(jdbcUrl);
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

    /**
     * The application's Jdbi. The store takes each call's connection from a handle of it (its statements run on the
     * connection, not through Jdbi) and never closes its data source.
     */
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
        throw new IllegalArgumentException(
            "maximumPoolSize must be at least 1, was " + maximumPoolSize);
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
        throw new IllegalArgumentException(
            "connectionTimeout must be at least 250ms, was " + connectionTimeout);
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
      if (statementTimeout.toSeconds() < 1
          || statementTimeout.toSeconds() > Integer.MAX_VALUE
          || statementTimeout.toNanos() % 1_000_000_000L != 0) {
        throw new IllegalArgumentException(
            "statementTimeout must be whole seconds, at least 1, was " + statementTimeout);
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
        throw new IllegalStateException(
            "give exactly one of dataSource, jdbi and jdbcUrl; " + given + " were given");
      }
      HikariDataSource pool = jdbcUrl != null ? pool(jdbcUrl) : null;
      Jdbi db =
          pool != null ? Jdbi.create(pool) : dataSource != null ? Jdbi.create(dataSource) : jdbi;
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
            SQLException sql = SqlErrors.sqlCause(e);
            throw new SessionStoreUnavailableException(
                description
                    + " could not create its schema: "
                    + (sql != null ? SqlErrors.reason(sql) : e.getClass().getSimpleName()),
                sql);
          }
        }
        // After the database closed a connection, fresh ones for the retry: HikariCP's own pool, or
        // the
        // application's if it is one (soft eviction closes idle connections now, busy ones when
        // returned).
        HikariDataSource hikari = pool != null ? pool : hikariOf(dataSource);
        Runnable dropIdle =
            hikari == null
                ? () -> {}
                : () -> {
                  var bean = hikari.getHikariPoolMXBean(); // null until the pool started
                  if (bean != null) {
                    bean.softEvictConnections();
                  }
                };
        DataSource source = hikari != null ? hikari : dataSource;
        StatementRunner.Connections connections =
            source != null ? () -> lease(source.getConnection()) : () -> lease(db.open());
        boolean timed = source != null && PoolFactory.timesStatements(source, statementTimeout);
        Database database = Database.of(d, description);
        StatementRunner runner =
            new StatementRunner(
                connections,
                description,
                database.timing(timed),
                (int) statementTimeout.toSeconds(),
                dropIdle);
        return new JdbcSessionStore(new Settings(database, runner, pool));
      } catch (RuntimeException e) {
        if (pool != null) {
          pool.close();
        }
        throw e;
      }
    }

    private static StatementRunner.Lease lease(java.sql.Connection c) {
      return new StatementRunner.Lease(c, c);
    }

    /** The connection of a handle of the application's Jdbi, which may end a transaction the store began. */
    private static StatementRunner.Lease lease(Handle h) {
      h.getConfig(Handles.class).setForceEndTransactions(false);
      return new StatementRunner.Lease(h.getConnection(), h);
    }

    /** The HikariCP pool behind the application's data source, if it is one or one of ours. */
    private static @Nullable HikariDataSource hikariOf(@Nullable DataSource dataSource) {
      return dataSource instanceof HikariDataSource h
          ? h
          : dataSource instanceof ConnectionPool p ? p.pool() : null;
    }

    private HikariDataSource pool(String url) {
      return PoolFactory.newPool(
          url, username, password, maximumPoolSize, connectionTimeout, statementTimeout);
    }

    /** The product name and URL, from one connection. */
    private static String[] ask(Jdbi db) {
      try {
        return db.withHandle(
            h -> {
              DatabaseMetaData meta = h.getConnection().getMetaData();
              return new String[] {meta.getDatabaseProductName(), meta.getURL()};
            });
      } catch (JdbiException | SQLException e) {
        SQLException sql = SqlErrors.sqlCause(e);
        throw new SessionStoreUnavailableException(
            "JDBC session store: could not reach the database to detect its"
                + " dialect (give .dialect(...) to skip this): "
                + (sql != null ? SqlErrors.reason(sql) : e.toString()),
            sql);
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
