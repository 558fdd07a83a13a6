package org.sessionregistry.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.sessionregistry.Session;
import org.sessionregistry.SessionStoreException;

/**
 * The reads of every request (authenticate, list) through plain JDBC on the store's data source, without a Jdbi
 * handle: on H2, in this JVM, a handle cost more than the query. The same statements, failures, timeouts and retry as
 * {@link StatementRunner}'s.
 */
public final class PlainReads {
  private final DataSource dataSource;
  private final String description;
  private final int timeoutSeconds;
  private final boolean connectionsTimeStatements;
  private final Runnable dropIdleConnections;

  public PlainReads(DataSource dataSource, String description, int timeoutSeconds, boolean connectionsTimeStatements,
      Runnable dropIdleConnections) {
    this.dataSource = dataSource;
    this.description = description;
    this.timeoutSeconds = timeoutSeconds;
    this.connectionsTimeStatements = connectionsTimeStatements;
    this.dropIdleConnections = dropIdleConnections;
  }

  /** A statement's text with its {@code :names} as {@code ?}, and the names in their order. */
  public record Positional(String sql, List<String> names) {
    public static Positional of(String named) {
      StringBuilder sql = new StringBuilder(named.length());
      List<String> names = new ArrayList<>();
      for (int i = 0; i < named.length(); i++) {
        char c = named.charAt(i);
        if (c == ':' && i + 1 < named.length() && named.charAt(i + 1) == ':') {
          sql.append("::"); // a PostgreSQL cast, not a parameter
          i++;
        } else if (c == ':' && i + 1 < named.length() && Character.isJavaIdentifierStart(named.charAt(i + 1))) {
          int end = i + 1;
          while (end < named.length() && Character.isJavaIdentifierPart(named.charAt(end))) {
            end++;
          }
          names.add(named.substring(i + 1, end));
          sql.append('?');
          i = end - 1;
        } else {
          sql.append(c);
        }
      }
      if (names.stream().distinct().count() > 1) {
        // one() and all() bind one value to every parameter: a statement with two would get the wrong one
        throw new IllegalStateException("a plain read binds one value, this statement has " + names);
      }
      return new Positional(sql.toString(), List.copyOf(names));
    }
  }

  /** The session the statement finds by one bound value (every parameter of the statement gets it). */
  public Optional<Session> one(String operation, Positional statement, Object value) {
    List<Session> found = all(operation, statement, value);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The sessions the statement finds by one bound value (every parameter of the statement gets it). */
  public List<Session> all(String operation, Positional statement, Object value) {
    try {
      return attempt(operation, statement, value);
    } catch (SQLException first) {
      if (!SqlErrors.isConnectionLost(first)) {
        throw SqlErrors.translate(description, operation, first);
      }
      dropIdleConnections.run();
      try {
        return attempt(operation, statement, value);
      } catch (SQLException second) {
        SessionStoreException e = SqlErrors.translate(description, operation, second);
        e.addSuppressed(first);
        throw e;
      }
    }
  }

  /** One run, again when it lost a deadlock or a serialization conflict (as {@link StatementRunner}'s). */
  private List<Session> attempt(String operation, Positional statement, Object value) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return run(statement, value);
      } catch (SQLException e) {
        if (attempt < StatementRunner.DEADLOCK_ATTEMPTS && SqlErrors.isDeadlock(e)) {
          StatementRunner.backOff(attempt);
          continue;
        }
        throw e;
      } catch (SessionStoreException e) {
        throw e;
      } catch (RuntimeException e) {
        // A row the store cannot read (corrupt props): say so, typed.
        throw new SessionStoreException(description + " failed to " + operation + ": " + e.getMessage(), e);
      }
    }
  }

  private List<Session> run(Positional statement, Object value) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean manualCommit = !c.getAutoCommit(); // a pool lending connections in a transaction: end the read's
      try (PreparedStatement s = c.prepareStatement(statement.sql())) {
        if (!connectionsTimeStatements) {
          s.setQueryTimeout(timeoutSeconds);
        }
        for (int i = 1; i <= statement.names().size(); i++) {
          s.setObject(i, value);
        }
        List<Session> sessions = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            sessions.add(SessionRows.read(rs));
          }
        }
        if (manualCommit) {
          c.commit();
        }
        return sessions;
      } catch (SQLException | RuntimeException e) {
        if (manualCommit) {
          try {
            c.rollback();
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }
  }
}
