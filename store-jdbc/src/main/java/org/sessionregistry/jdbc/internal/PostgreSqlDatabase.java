package org.sessionregistry.jdbc.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.sessionregistry.jdbc.Dialect;
import org.sessionregistry.jdbc.internal.SqlStatements.Session;

/**
 * PostgreSQL: statements sent together are one round trip and one implicit transaction; a revoke-all that keeps one
 * session is one statement (a CTE); the driver stops a statement at its timeout by a cancel request, leaving nothing on
 * the connection.
 */
final class PostgreSqlDatabase implements Database {
  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public List<Object> together(Call call, List<Session> steps, Call.Params params)
      throws SQLException {
    return call.results(
        steps.size() == 1 ? sql(steps.get(0)) : Sql.together("", sql(steps), ""), params);
  }

  @Override
  public List<Session> keepOneSteps() {
    return List.of(Session.KEEP_ONE);
  }

  @Override
  public String ownPoolUrl(String url, Duration statementTimeout) {
    return url;
  }
}
