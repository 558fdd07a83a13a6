package org.sessionregistry.jdbc.internal;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;

/**
 * Tells HikariCP to drop a connection on any connection-class error. HikariCP decides by SQLState, and some drivers
 * (H2: "Database is already closed", 90121) report a dead connection with a state it does not know, so the pool would
 * keep lending it for as long as it is used more often than HikariCP's liveness check.
 */
final class EvictBrokenConnections implements SQLExceptionOverride {

  @java.lang.Override
  public Override adjudicate(SQLException e) {
    return e instanceof SQLNonTransientConnectionException || e instanceof SQLRecoverableException
        ? Override.MUST_EVICT
        : Override.CONTINUE_EVICT;
  }
}
