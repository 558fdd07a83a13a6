package org.sessionregistry.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The databases the tests run on, from environment variables with this machine's defaults. Each is reached once per
 * JVM, its schema dropped and created from the shipped scripts, and its pool shared by the test classes.
 */
enum TestDatabase {
  H2(
      Dialect.H2,
      "SR_H2",
      "jdbc:h2:mem:session-registry-tests;DB_CLOSE_DELAY=-1",
      "sa",
      "nothing: H2 runs in the test's JVM"),
  POSTGRESQL(
      Dialect.POSTGRESQL,
      "SR_POSTGRES",
      "jdbc:postgresql://127.0.0.1:5432/test",
      "postgres",
      "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"),
  MARIADB(
      Dialect.MARIADB,
      "SR_MARIADB",
      "jdbc:mariadb://127.0.0.1:3306/test",
      "root",
      "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd");

  final Dialect dialect;
  final String url;
  final String user;
  final String password;
  private final String envPrefix;
  private final String startCommand;
  private HikariDataSource pool;

  TestDatabase(
      Dialect dialect,
      String envPrefix,
      String defaultUrl,
      String defaultUser,
      String startCommand) {
    this.dialect = dialect;
    this.envPrefix = envPrefix;
    this.url = env(envPrefix + "_URL", defaultUrl);
    this.user = env(envPrefix + "_USER", defaultUser);
    this.password = env(envPrefix + "_PASSWORD", "");
    this.startCommand = startCommand;
  }

  /** The shared pool, with a fresh schema from the shipped scripts the first time. */
  synchronized HikariDataSource dataSource() {
    if (pool == null) {
      checkReachable();
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername(user);
      config.setPassword(password);
      config.setMaximumPoolSize(8);
      config.setPoolName("tests-" + name().toLowerCase());
      pool = new HikariDataSource(config);
      JdbcSchema.drop(pool, dialect);
      JdbcSchema.create(pool, dialect);
    }
    return pool;
  }

  /** A new connection outside the pool, for the tests' own look at the database. */
  Connection connect(Properties extra) throws SQLException {
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty("user", user);
    p.setProperty("password", password);
    return DriverManager.getConnection(url, p);
  }

  private void checkReachable() {
    try (Connection c = connect(new Properties())) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new IllegalStateException(
          dialect.displayName()
              + " is not reachable at "
              + url
              + " as user "
              + user
              + " ("
              + e.getMessage()
              + "). Start it with: "
              + startCommand
              + " -- or point the tests at another one"
              + " with "
              + envPrefix
              + "_URL, "
              + envPrefix
              + "_USER and "
              + envPrefix
              + "_PASSWORD.",
          e);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
