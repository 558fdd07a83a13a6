package org.sessionregistry.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Locale;

/** The HikariCP pool the store builds for a JDBC URL, and what it changes in that URL. */
public final class PoolFactory {
  private PoolFactory() {}

  /**
   * READ COMMITTED, broken connections evicted on any connection-class error, what the database needs in the URL
   * ({@link Database#ownPoolUrl}: on H2 a file written at each commit, statements and lock waits no longer than
   * {@code statementTimeout}), and a start that does not fail while the database is down.
   */
  public static HikariDataSource newPool(
      String jdbcUrl,
      String username,
      String password,
      int maximumPoolSize,
      Duration connectionTimeout,
      Duration statementTimeout) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(
        Database.of(org.sessionregistry.jdbc.Dialect.ofJdbcUrl(jdbcUrl), "")
            .ownPoolUrl(jdbcUrl, statementTimeout));
    // Fewer gap locks on MariaDB (its default is REPEATABLE READ); the others default to it
    // already.
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setUsername(username);
    config.setPassword(password);
    config.setMaximumPoolSize(maximumPoolSize);
    config.setConnectionTimeout(connectionTimeout.toMillis());
    config.setPoolName("session-registry");
    config.setExceptionOverride(new EvictBrokenConnections());
    // Start even when the database is down; calls fail typed until it is back.
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /**
   * An H2 file database writes commits to disk after a delay (500 ms by default): a crash in that window would
   * bring revoked sessions back. Unless the URL says otherwise, write each commit at once.
   */
  public static String durable(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("jdbc:h2:")
        || lower.startsWith("jdbc:h2:mem:")
        || lower.contains("write_delay")) {
      return url;
    }
    return url + ";WRITE_DELAY=0";
  }

  /**
   * Whether every connection of {@code dataSource} times its statements itself, as long as {@code statementTimeout}:
   * a pool this factory made for H2 with that timeout (its URL says {@code QUERY_TIMEOUT}). Then the store sets no
   * timeout per statement.
   */
  public static boolean timesStatements(
      javax.sql.DataSource dataSource, Duration statementTimeout) {
    if (!(dataSource instanceof HikariDataSource pool) || pool.getJdbcUrl() == null) {
      return false;
    }
    String lower = pool.getJdbcUrl().toLowerCase(Locale.ROOT);
    return lower.startsWith("jdbc:h2:")
        && lower.contains(";query_timeout=" + statementTimeout.toMillis())
        && !lower.matches(".*;query_timeout=" + statementTimeout.toMillis() + "\\d.*");
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
}
