package org.sessionregistry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sessionregistry.jdbc.internal.SqlStatements;

/** Every dialect's resource defines each statement the store runs, one statement each. */
class SqlStatementsTest {

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void everyStatementIsThereAndAlone(Dialect dialect) {
    SqlStatements<SqlStatements.Session> sql =
        SqlStatements.of(
            SqlStatements.Session.class,
            JdbcSessionStore.PORTABLE_STATEMENTS,
            dialect.statementsResource());
    for (SqlStatements.Session name : SqlStatements.Session.values()) {
      assertThat(sql.get(name))
          .as(name + " on " + dialect)
          .isNotBlank()
          .doesNotContain(";")
          .doesNotContain("--");
    }
    assertThat(sql.get(SqlStatements.Session.FIND_BY_TOKEN))
        .startsWith("SELECT")
        .contains("token_hash = :tokenHash");
  }
}
