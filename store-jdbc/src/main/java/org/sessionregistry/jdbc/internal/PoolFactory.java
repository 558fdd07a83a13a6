package org.sessionregistry.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Locale;

/** The HikariCP pool the store builds for a JDBC URL, and what it changes in that URL. */
public final class PoolFactory {
  private PoolFactory() {}

  /**
   * READ COMMITTED, broken connections evicted on any connection-class error, an H2 file written at each commit, H2's
   * lock waits no longer than {@code statementTimeout}, and a start that does not fail while the database is down.
   */
  public static HikariDataSource newPool(String jdbcUrl, String username, String password, int maximumPoolSize,
      Duration connectionTimeout, Duration statementTimeout) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(withMultiQueries(withTimeouts(durable(jdbcUrl), statementTimeout)));
    // Fewer gap locks on MariaDB (its default is REPEATABLE READ); the others default to it already.
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
    if (!lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:h2:mem:") || lower.contains("write_delay")) {
      return url;
    }
    return url + ";WRITE_DELAY=0";
  }

  /**
   * Statements and row-lock waits no longer than the statement timeout, where a JDBC query timeout does not cut lock
   * waits short: H2 waits up to its own LOCK_TIMEOUT (2 s here); MariaDB's driver times only the first of several statements sent together
   * (a create within a limit), and InnoDB waits up to innodb_lock_wait_timeout (50 s by default). Unless the URL says
   * otherwise, both wait as long as the statement timeout.
   */
  public static String withTimeouts(String url, Duration statementTimeout) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      // H2 makes a JDBC query timeout a session setting, changed (and parsed) at every statement that sets one:
      // 11 us of a 5 us lookup. Set once for the connection instead; see timesStatements.
      String withLock = lower.contains("lock_timeout") ? url : url + ";LOCK_TIMEOUT=" + statementTimeout.toMillis();
      return lower.contains("query_timeout") ? withLock : withLock + ";QUERY_TIMEOUT=" + statementTimeout.toMillis();
    }
    if (lower.startsWith("jdbc:mariadb:") && !lower.contains("sessionvariables")
        && !lower.contains("innodb_lock_wait_timeout")) {
      return url + (url.contains("?") ? "&" : "?") + "sessionVariables=innodb_lock_wait_timeout="
          + Math.max(1, statementTimeout.toSeconds());
    }
    return url;
  }

  /**
   * Whether every connection of {@code dataSource} times its statements itself, as long as {@code statementTimeout}:
   * a pool this factory made for H2 with that timeout (its URL says {@code QUERY_TIMEOUT}). Then the store sets no
   * timeout per statement.
   */
  public static boolean timesStatements(javax.sql.DataSource dataSource, Duration statementTimeout) {
    if (!(dataSource instanceof HikariDataSource pool) || pool.getJdbcUrl() == null) {
      return false;
    }
    String lower = pool.getJdbcUrl().toLowerCase(Locale.ROOT);
    return lower.startsWith("jdbc:h2:") && lower.contains(";query_timeout=" + statementTimeout.toMillis())
        && !lower.matches(".*;query_timeout=" + statementTimeout.toMillis() + "\\d.*");
  }

  /**
   * MariaDB runs several statements sent together (a create within a session limit: one round trip) only when the
   * connection allows it. Unless the URL says otherwise, allow it.
   */
  public static String withMultiQueries(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("jdbc:mariadb:") || lower.contains("allowmultiqueries")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + "allowMultiQueries=true";
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
