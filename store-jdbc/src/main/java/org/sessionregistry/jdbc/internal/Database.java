package org.sessionregistry.jdbc.internal;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.ArrayList;
import java.util.List;
import org.sessionregistry.jdbc.Dialect;
import org.sessionregistry.jdbc.internal.SqlStatements.Session;

/**
 * What differs between the databases the store supports, one object each, chosen once when the store is built: the
 * statements, how several of them run as one transaction (one round trip, or one after the other), how a statement is
 * stopped at its timeout, and what the store's own pool adds to the JDBC URL. The store's operations are the same on
 * every database.
 */
public sealed interface Database permits H2Database, PostgreSqlDatabase, MariaDbDatabase {
  /** The statements every store runs, in {@code statements.sql}; each database's resource has the others. */
  String PORTABLE_STATEMENTS = "org/sessionregistry/jdbc/statements.sql";

  /**
   * The object for {@code dialect}.
   *
   * @param description names the store in what the database object logs
   */
  static Database of(Dialect dialect, String description) {
    return switch (dialect) {
      case H2 -> new H2Database();
      case POSTGRESQL -> new PostgreSqlDatabase();
      case MARIADB -> new MariaDbDatabase(description);
    };
  }

  Dialect dialect();

  /** The statement, as this database runs it. */
  default Sql sql(Session name) {
    return SqlStatements.of(Session.class, PORTABLE_STATEMENTS, dialect().statementsResource())
        .sql(name);
  }

  /** The statements, as this database runs them. */
  default List<Sql> sql(List<Session> names) {
    List<Sql> statements = new ArrayList<>(names.size());
    for (Session name : names) {
      statements.add(sql(name));
    }
    return statements;
  }

  /**
   * Runs the statements as one transaction and returns each one's result, in order (see {@link Call#results}).
   */
  List<Object> together(Call call, List<Session> steps, Call.Params params) throws SQLException;

  /**
   * The statements of a revoke-all that keeps one session, without reading: raising the user's generation, then
   * raising the kept session's.
   */
  default List<Session> keepOneSteps() {
    return List.of(Session.RAISE_GENERATION, Session.KEEP_ONE);
  }

  /**
   * How statements are stopped at their timeout, given whether the pool's connections do it themselves (a pool
   * {@link PoolFactory} made for this database, with the store's timeout).
   */
  default StatementRunner.Timing timing(boolean connectionsTimeStatements) {
    return StatementRunner.Timing.DRIVER;
  }

  /** The JDBC URL of the store's own pool: what this database needs that the URL does not say otherwise. */
  String ownPoolUrl(String url, java.time.Duration statementTimeout);

  /**
   * The statements one after the other, in one transaction. A unique-key violation of a statement that makes the
   * user's row is another call having made it meanwhile (H2's {@code MERGE} is no atomic upsert): it fails as a lost
   * deadlock, so that the runner runs the call again.
   */
  static List<Object> oneByOne(Database db, Call call, List<Session> steps, Call.Params params)
      throws SQLException {
    call.begin();
    List<Object> results = new ArrayList<>(steps.size());
    for (Session step : steps) {
      try {
        results.addAll(call.results(db.sql(step), params));
      } catch (SQLException e) {
        if ((step == Session.LOCK_USER || step == Session.RAISE_GENERATION)
            && SqlErrors.isConstraintViolation(e)) {
          throw new SQLTransactionRollbackException(
              "another call made the user's row meanwhile", "40001", e);
        }
        throw e;
      }
    }
    return results;
  }
}
