package org.sessionregistry.jdbc.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.sessionregistry.jdbc.Dialect;
import org.sessionregistry.jdbc.internal.SqlStatements.Session;

/**
 * MariaDB: statements of one transaction go as one round trip between {@code START TRANSACTION} and {@code COMMIT}
 * when the connection runs several at once ({@code allowMultiQueries=true}, which the store's own pool sets); on a
 * connection that refuses them (error 1064, nothing ran) they go one after the other from then on, which is logged
 * once. The driver stops a statement at its timeout with {@code SET STATEMENT max_statement_time=... FOR}, which
 * leaves nothing on the connection but times only the first of statements sent together: the store's own pool also
 * makes InnoDB's lock waits as long as the statement timeout.
 */
final class MariaDbDatabase implements Database {
  private static final System.Logger LOG = System.getLogger(MariaDbDatabase.class.getName());
  private static final int PARSE_ERROR = 1064;

  private final String description;

  /** Whether the connections run several statements at once; found out at the first refusal. */
  private volatile boolean multiQueries = true;

  MariaDbDatabase(String description) {
    this.description = description;
  }

  @Override
  public Dialect dialect() {
    return Dialect.MARIADB;
  }

  @Override
  public List<Object> together(Call call, List<Session> steps, Call.Params params)
      throws SQLException {
    if (steps.size() == 1) {
      return call.results(sql(steps.get(0)), params);
    }
    if (!multiQueries) {
      return Database.oneByOne(this, call, steps, params);
    }
    try {
      List<Object> results =
          call.results(Sql.together("START TRANSACTION;\n", sql(steps), "COMMIT"), params);
      return results.subList(1, 1 + steps.size()); // without START TRANSACTION's and COMMIT's
    } catch (SQLException e) {
      if (e.getErrorCode() != PARSE_ERROR) {
        try {
          call.execute("ROLLBACK"); // the transaction the text began
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      // The statements are well-formed: the connection runs one at a time (nothing ran). So from
      // now on.
      multiQueries = false;
      LOG.log(
          System.Logger.Level.WARNING,
          description
              + ": the connection does not run several statements at once"
              + " (allowMultiQueries=true); a create within a session limit and a revoke-all that keeps one session now"
              + " take one round trip per statement");
      return Database.oneByOne(this, call, steps, params);
    }
  }

  /** InnoDB's lock waits as long as the statement timeout, and several statements at once. */
  @Override
  public String ownPoolUrl(String url, Duration statementTimeout) {
    String lower = url.toLowerCase(Locale.ROOT);
    String u = url;
    if (!lower.contains("sessionvariables") && !lower.contains("innodb_lock_wait_timeout")) {
      u +=
          (u.contains("?") ? "&" : "?")
              + "sessionVariables=innodb_lock_wait_timeout="
              + Math.max(1, statementTimeout.toSeconds());
    }
    if (!lower.contains("allowmultiqueries")) {
      u += (u.contains("?") ? "&" : "?") + "allowMultiQueries=true";
    }
    return u;
  }
}
