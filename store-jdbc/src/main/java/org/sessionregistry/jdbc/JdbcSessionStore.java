package org.sessionregistry.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.jdbc.internal.PlainReads;
import org.sessionregistry.jdbc.internal.PoolFactory;
import org.sessionregistry.jdbc.internal.SessionRows;
import org.sessionregistry.jdbc.internal.SqlErrors;
import org.sessionregistry.jdbc.internal.SqlStatements;
import org.sessionregistry.jdbc.internal.StatementRunner;
import org.sessionregistry.spi.PropsJson;
import org.sessionregistry.spi.RolesText;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * Sessions in a relational database: H2, PostgreSQL or MariaDB, through Jdbi.
 *
 * <p>Every operation is one SQL statement, read from the jar's resources ({@code org/sessionregistry/jdbc/statements.sql}
 * and the dialect's {@link Dialect#statementsResource()}): authenticate is one lookup by the token hash's unique index, list one query
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
  /** The statements that are the same on every database; each dialect's resource has the others. */
  static final String PORTABLE_STATEMENTS = "org/sessionregistry/jdbc/statements.sql";
  /** Users with revoked rows that purgeExpired reads at a time. */
  private static final int PENDING_USERS_PAGE = 100;
  private static final System.Logger LOG = System.getLogger(JdbcSessionStore.class.getName());

  private final Dialect dialect;
  private final int statementTimeoutSeconds;
  /** MariaDB only: whether the connections run several statements at once; found out at the first refusal. */
  private volatile boolean multiQueries = true;
  private final StatementRunner db;
  private final SqlStatements<SqlStatements.Session> sql;
  private final @Nullable HikariDataSource ownedPool;
  /** Authenticate and list without a Jdbi handle, when the store has the data source (not an application's Jdbi). */
  private final @Nullable PlainReads reads;
  private final PlainReads.Positional findByToken;
  private final PlainReads.Positional findByUser;

  private JdbcSessionStore(Jdbi jdbi, Dialect dialect, String description, @Nullable HikariDataSource ownedPool,
      int statementTimeoutSeconds, Runnable dropIdleConnections, boolean connectionsTimeStatements, boolean ownJdbi,
      @Nullable DataSource connections) {
    this.dialect = dialect;
    this.statementTimeoutSeconds = statementTimeoutSeconds;
    this.db = new StatementRunner(jdbi, description, statementTimeoutSeconds, dropIdleConnections,
        connectionsTimeStatements, ownJdbi);
    this.sql = SqlStatements.of(SqlStatements.Session.class, PORTABLE_STATEMENTS, dialect.statementsResource());
    this.reads = connections == null ? null : new PlainReads(connections, description, statementTimeoutSeconds,
        connectionsTimeStatements, dropIdleConnections);
    this.findByToken = PlainReads.Positional.of(sql.get(SqlStatements.Session.FIND_BY_TOKEN));
    this.findByUser = PlainReads.Positional.of(sql.get(SqlStatements.Session.FIND_BY_USER));
    this.ownedPool = ownedPool;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The database this store talks to. */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * Unlimited, one {@code INSERT}. Within a limit, or replacing the device's sessions, one transaction: the user's row
   * in {@code sr_users} is taken first (so that creates and revoke-alls of one user queue behind each other), then the
   * device's sessions are deleted, then the sessions beyond the limit, and the new one inserted, or it is inserted
   * only if there is room. On PostgreSQL the statements go as one
   * round trip (one implicit transaction), on MariaDB too when the connection allows several statements at once (the
   * store's own pool does); otherwise, and on H2 (in this JVM), one statement after the other in a transaction.
   */
  @Override
  public List<Session> insert(Session session, TokenHash tokenHash, Instant retainUntil, SessionLimit limit,
      boolean endSameDevice) {
    if (limit.isUnlimited() && !endSameDevice) {
      db.call("create a session", h -> insertOrExplain(session, () -> bindSession(
          h.createUpdate(sql.get(SqlStatements.Session.INSERT)), session, tokenHash, retainUntil).execute()));
      return List.of();
    }
    List<SqlStatements.Session> steps = new ArrayList<>(4);
    steps.add(SqlStatements.Session.LOCK_USER);
    if (endSameDevice) {
      steps.add(SqlStatements.Session.END_DEVICE);
    }
    if (limit.isUnlimited()) {
      steps.add(SqlStatements.Session.INSERT);
    } else if (limit.policy() == SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE) {
      steps.add(SqlStatements.Session.MAKE_ROOM);
      steps.add(SqlStatements.Session.INSERT);
    } else {
      steps.add(SqlStatements.Session.INSERT_UNLESS_FULL);
    }
    Capped result = db.call("create a session within its user's limit", h -> insertOrExplain(session,
        () -> oneRoundTrip() ? together(h, steps, session, tokenHash, retainUntil, limit)
            : oneByOne(h, steps, session, tokenHash, retainUntil, limit)));
    if (result.inserted == 0) {
      throw new SessionLimitExceededException(session.userId(), limit.maxSessions());
    }
    return result.ended;
  }

  /** What a create within a limit did: the rows it inserted (0 when refused), and the sessions it ended. */
  private record Capped(int inserted, List<Session> ended) {}

  /** Whether the steps of a capped create can go as one round trip on this database. */
  private boolean oneRoundTrip() {
    return dialect == Dialect.POSTGRESQL || (dialect == Dialect.MARIADB && multiQueries);
  }

  /**
   * The steps as one multi-statement round trip; each statement gives one result, in order. On MariaDB the steps run
   * in an explicit transaction (each statement would commit on its own), rolled back if one fails.
   */
  private Capped together(Handle h, List<SqlStatements.Session> steps, Session session, TokenHash tokenHash,
      Instant retainUntil, SessionLimit limit) {
    boolean explicit = dialect == Dialect.MARIADB;
    StringBuilder text = new StringBuilder(explicit ? "START TRANSACTION;\n" : "");
    for (SqlStatements.Session step : steps) {
      text.append(sql.get(step)).append(";\n");
    }
    if (explicit) {
      text.append("COMMIT");
    }
    try {
      return bindCapped(h.createUpdate(text.toString()), session, tokenHash, retainUntil, limit)
          .execute((statement, ctx) -> {
            List<Object> results = new ArrayList<>();
            PreparedStatement st = statement.get();
            for (;;) {
              ResultSet rs = st.getResultSet();
              if (rs != null) {
                List<Session> rows = new ArrayList<>();
                while (rs.next()) {
                  rows.add(SessionRows.MAPPER.map(rs, ctx));
                }
                rs.close();
                results.add(rows);
              } else if (st.getUpdateCount() >= 0) {
                results.add(st.getUpdateCount());
              } else {
                break;
              }
              st.getMoreResults();
            }
            int offset = explicit ? 1 : 0; // START TRANSACTION's own result
            return capped(steps, i -> results.get(offset + i));
          });
    } catch (JdbiException e) {
      if (explicit) {
        if (SqlErrors.isMultiStatementRefused(e)) {
          // The application's pool runs one statement at a time (nothing ran): run them so from now on.
          if (multiQueries) {
            multiQueries = false;
            LOG.log(System.Logger.Level.WARNING, db.description() + ": the connection does not run several"
                + " statements at once (allowMultiQueries=true); a create within a session limit now takes one round"
                + " trip per statement");
          }
          return oneByOne(h, steps, session, tokenHash, retainUntil, limit);
        }
        try {
          h.execute("ROLLBACK");
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * The steps one after the other, in one transaction on the handle. H2's {@code MERGE} is no atomic upsert: two
   * first creates of a user may both insert its row, and the loser, whose transaction is rolled back whole, starts
   * over (the row is there then).
   */
  private Capped oneByOne(Handle h, List<SqlStatements.Session> steps, Session session, TokenHash tokenHash,
      Instant retainUntil, SessionLimit limit) {
    for (int attempt = 1; ; attempt++) {
      boolean began = !h.isInTransaction();
      if (began) {
        h.begin();
      }
      int step = 0;
      try {
        List<Object> results = new ArrayList<>();
        for (; step < steps.size(); step++) {
          SqlStatements.Session s = steps.get(step);
          results.add(s == SqlStatements.Session.MAKE_ROOM || s == SqlStatements.Session.END_DEVICE
              ? bindCapped(h.createQuery(sql.get(s)), session, tokenHash, retainUntil, limit)
                  .map(SessionRows.MAPPER).list()
              : bindCapped(h.createUpdate(sql.get(s)), session, tokenHash, retainUntil, limit).execute());
        }
        Capped capped = capped(steps, results::get);
        if (began) {
          h.commit();
        }
        return capped;
      } catch (RuntimeException e) {
        if (began) {
          h.rollback();
        }
        boolean lostTheUserRow = step < steps.size() && steps.get(step) == SqlStatements.Session.LOCK_USER
            && SqlErrors.isConstraintViolation(e);
        if (!lostTheUserRow || !began || attempt == 2) {
          throw e;
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Capped capped(List<SqlStatements.Session> steps, java.util.function.IntFunction<Object> result) {
    List<Session> ended = new ArrayList<>();
    int inserted = 0;
    for (int i = 0; i < steps.size(); i++) {
      switch (steps.get(i)) {
        case END_DEVICE, MAKE_ROOM -> ended.addAll((List<Session>) result.apply(i));
        case INSERT, INSERT_UNLESS_FULL -> inserted = (Integer) result.apply(i);
        default -> { }
      }
    }
    return new Capped(inserted, ended);
  }

  private static <S extends SqlStatement<S>> S bindSession(S statement, Session session, TokenHash tokenHash,
      Instant retainUntil) {
    return statement
        .bind("id", session.id())
        .bind("tokenHash", tokenHash.toBytes())
        .bind("userId", session.userId())
        .bind("createAt", session.createdAt().toEpochMilli())
        .bind("expiresAt", session.expiresAt().toEpochMilli())
        .bind("lastActivityAt", session.lastActivityAt().toEpochMilli())
        .bind("retainUntil", retainUntil.toEpochMilli())
        .bind("deviceId", session.deviceId())
        .bind("roles", RolesText.write(session.roles()))
        .bind("oauth", false) // until the schema drops the Mattermost-only columns
        .bind("expiredNotify", false)
        .bind("props", PropsJson.write(session.props()));
  }

  private static <S extends SqlStatement<S>> S bindCapped(S statement, Session session, TokenHash tokenHash,
      Instant retainUntil, SessionLimit limit) {
    // Each step uses some of these names; Jdbi is told the others are not a mistake.
    statement.getConfig(org.jdbi.v3.core.statement.SqlStatements.class).setUnusedBindingAllowed(true);
    return bindSession(statement, session, tokenHash, retainUntil)
        .bind("now", session.createdAt().toEpochMilli())
        .bind("keep", limit.maxSessions() - 1)
        .bind("max", limit.maxSessions())
        .bind("refuseAt", limit.policy() == SessionLimit.Policy.REFUSE_NEW ? limit.maxSessions() : Integer.MAX_VALUE);
  }

  /** A duplicate key said without the value: the driver's text would show it. */
  private <T> T insertOrExplain(Session session, java.util.function.Supplier<T> insert) {
    try {
      return insert.get();
    } catch (JdbiException e) {
      if (SqlErrors.isConstraintViolation(e)) {
        throw new SessionStoreException(db.description() + ": a session with id " + session.id()
            + " or with the same token hash exists already; nothing was written");
      }
      throw e;
    }
  }

  /**
   * One {@code DELETE} of every session, with a statement timeout of a minute at least: it takes time in proportion to
   * the table.
   */
  @Override
  public void deleteEveryone() {
    db.callIdempotent("revoke every session", Math.max(60, statementTimeoutSeconds),
        h -> h.createUpdate(sql.get(SqlStatements.Session.DELETE_EVERYONE)).execute());
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    if (reads != null) {
      return reads.one("authenticate a token", findByToken, tokenHash.toBytes());
    }
    return db.callIdempotent("authenticate a token", h -> h.createQuery(
            sql.get(SqlStatements.Session.FIND_BY_TOKEN))
        .bind("tokenHash", tokenHash.toBytes())
        .map(SessionRows.MAPPER)
        .findOne());
  }

  @Override
  public List<Session> findByUser(String userId) {
    if (reads != null) {
      return reads.all("list sessions", findByUser, userId);
    }
    return db.callIdempotent("list sessions", h -> h.createQuery(sql.get(SqlStatements.Session.FIND_BY_USER))
        .bind("userId", userId)
        .map(SessionRows.MAPPER)
        .list());
  }

  @Override
  public boolean touch(String userId, String sessionId, Instant lastActivityAt, @Nullable Instant expiresAt,
      Instant retainUntil) {
    return db.callIdempotent("record activity", h -> h.createUpdate(sql.get(SqlStatements.Session.TOUCH))
        .bind("lastActivityAt", lastActivityAt.toEpochMilli())
        .bind("expiresAt", expiresAt == null ? 0 : expiresAt.toEpochMilli()) // GREATEST with 0: unchanged
        .bind("retainUntil", retainUntil.toEpochMilli())
        .bind("userId", userId)
        .bind("id", sessionId)
        .execute()) > 0;
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    return db.callIdempotent("revoke a session", h -> h.createQuery(sql.get(SqlStatements.Session.DELETE_ONE))
        .bind("userId", userId)
        .bind("id", sessionId)
        .map(SessionRows.MAPPER)
        .findOne());
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    return db.callIdempotent("revoke all sessions of a user", h -> (keepSessionId == null
            ? h.createQuery(sql.get(SqlStatements.Session.DELETE_ALL))
            : h.createQuery(sql.get(SqlStatements.Session.DELETE_ALL_EXCEPT)).bind("keep", keepSessionId))
        .bind("userId", userId)
        .map(SessionRows.MAPPER)
        .list());
  }

  /**
   * One statement that writes one row whatever the number of sessions: the user's generation goes up (an upsert into
   * {@code sr_users}), and every session below it is revoked at once; {@link #purgeExpired} deletes their rows later.
   * Keeping one session writes one row more, its generation raised too, in the same transaction: one statement on
   * PostgreSQL, one round trip on MariaDB through a pool that runs several statements at once, two statements
   * otherwise; the same whatever the number of sessions.
   */
  @Override
  public void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
    if (keepSessionId != null && dialect == Dialect.POSTGRESQL) {
      db.callIdempotent("revoke all sessions of a user but one", h -> h.createUpdate(
          sql.get(SqlStatements.Session.KEEP_ONE)).bind("userId", userId).bind("keep", keepSessionId).execute());
      return;
    }
    if (keepSessionId != null && dialect == Dialect.MARIADB && multiQueries) {
      try {
        db.callIdempotent("revoke all sessions of a user but one", h -> h.createUpdate("START TRANSACTION;\n"
                + sql.get(SqlStatements.Session.RAISE_GENERATION) + ";\n" + sql.get(SqlStatements.Session.KEEP_ONE)
                + ";\nCOMMIT")
            .bind("userId", userId).bind("keep", keepSessionId).execute());
        return;
      } catch (SessionStoreException e) {
        if (!SqlErrors.isMultiStatementRefused(e)) {
          throw e;
        }
        multiQueries = false; // the application's pool runs one statement at a time: nothing ran
      }
    }
    for (int attempt = 1; ; attempt++) {
      try {
        db.callIdempotent("revoke all sessions of a user", h -> {
          if (keepSessionId == null) {
            return h.createUpdate(sql.get(SqlStatements.Session.RAISE_GENERATION)).bind("userId", userId).execute();
          }
          return h.inTransaction(t -> {
            t.createUpdate(sql.get(SqlStatements.Session.RAISE_GENERATION)).bind("userId", userId).execute();
            return t.createUpdate(sql.get(SqlStatements.Session.KEEP_ONE)).bind("userId", userId)
                .bind("keep", keepSessionId).execute();
          });
        });
        return;
      } catch (SessionStoreException e) {
        // Two first revoke-alls of a user at once may both insert its row (H2's MERGE): the loser finds it next time.
        if (attempt == 2 || !SqlErrors.isConstraintViolation(e)) {
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
    List<Session> expired = db.call("purge expired sessions", h -> h.createQuery(
            sql.get(SqlStatements.Session.PURGE_EXPIRED))
        .bind("now", now.toEpochMilli())
        .bind("limit", limit)
        .map(SessionRows.MAPPER)
        .list());
    try {
      db.call("purge revoked sessions", h -> {
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
      List<Map<String, Object>> page = h.createQuery(sql.get(SqlStatements.Session.PENDING_USERS))
          .bind("after", after)
          .bind("pageSize", PENDING_USERS_PAGE)
          .mapToMap()
          .list();
      for (Map<String, Object> user : page) {
        String userId = (String) user.get("user_id");
        long generation = ((Number) user.get("generation")).longValue();
        int deleted = h.createUpdate(sql.get(SqlStatements.Session.DELETE_REVOKED))
            .bind("userId", userId)
            .bind("generation", generation)
            .bind("limit", left)
            .execute();
        left -= deleted;
        if (left <= 0) {
          return; // maybe more of this user's rows: it stays marked
        }
        h.createUpdate(sql.get(SqlStatements.Session.CLEAR_PENDING))
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
  public static ConnectionPool newPool(String jdbcUrl, String username, String password, int maximumPoolSize,
      Duration connectionTimeout) {
    Dialect.ofJdbcUrl(jdbcUrl);
    return new ConnectionPool(PoolFactory.newPool(jdbcUrl, username, password, maximumPoolSize, connectionTimeout,
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
            SQLException sql = SqlErrors.sqlCause(e);
            throw new SessionStoreUnavailableException(description + " could not create its schema: "
                + (sql != null ? SqlErrors.reason(sql) : e.getClass().getSimpleName()), sql);
          }
        }
        // After the database closed a connection, fresh ones for the retry: HikariCP's own pool, or the
        // application's if it is one (soft eviction closes idle connections now, busy ones when returned).
        HikariDataSource hikari = pool != null ? pool : hikariOf(dataSource);
        Runnable dropIdle = hikari == null ? () -> {} : () -> {
          var bean = hikari.getHikariPoolMXBean(); // null until the pool started
          if (bean != null) {
            bean.softEvictConnections();
          }
        };
        javax.sql.DataSource connections = hikari != null ? hikari : dataSource;
        boolean timed = connections != null && PoolFactory.timesStatements(connections, statementTimeout);
        return new JdbcSessionStore(db, d, description, pool, (int) statementTimeout.toSeconds(), dropIdle, timed,
            jdbi == null, connections);
      } catch (RuntimeException e) {
        if (pool != null) {
          pool.close();
        }
        throw e;
      }
    }

    /** The HikariCP pool behind the application's data source, if it is one or one of ours. */
    private static @Nullable HikariDataSource hikariOf(@Nullable DataSource dataSource) {
      return dataSource instanceof HikariDataSource h ? h : dataSource instanceof ConnectionPool p ? p.pool() : null;
    }

    private HikariDataSource pool(String url) {
      return PoolFactory.newPool(url, username, password, maximumPoolSize, connectionTimeout, statementTimeout);
    }

    /** The product name and URL, from one connection. */
    private static String[] ask(Jdbi db) {
      try {
        return db.withHandle(h -> {
          DatabaseMetaData meta = h.getConnection().getMetaData();
          return new String[] {meta.getDatabaseProductName(), meta.getURL()};
        });
      } catch (JdbiException | SQLException e) {
        SQLException sql = SqlErrors.sqlCause(e);
        throw new SessionStoreUnavailableException("JDBC session store: could not reach the database to detect its"
            + " dialect (give .dialect(...) to skip this): " + (sql != null ? SqlErrors.reason(sql) : e.toString()),
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
