package org.sessionregistry.jdbc;

import java.util.Locale;
import org.sessionregistry.jdbc.internal.PoolFactory;

/** The databases the JDBC store supports, each with its shipped schema, statements and drop scripts. */
public enum Dialect {
  /** H2 2.x, embedded (in memory or in a file) or as a server. */
  H2("h2", "H2"),
  /** PostgreSQL 12 or later. */
  POSTGRESQL("postgresql", "PostgreSQL"),
  /** MariaDB 10.6 or later (it needs {@code DELETE ... RETURNING} and {@code SKIP LOCKED}; MySQL has neither). */
  MARIADB("mariadb", "MariaDB");

  private final String resourceName;
  private final String displayName;

  Dialect(String resourceName, String displayName) {
    this.resourceName = resourceName;
    this.displayName = displayName;
  }

  /** The classpath resource that creates the schema if missing, e.g. {@code org/sessionregistry/jdbc/schema-h2.sql}. */
  public String schemaResource() {
    return "org/sessionregistry/jdbc/schema-" + resourceName + ".sql";
  }

  /**
   * The classpath resource with the statements that differ on this database, e.g.
   * {@code org/sessionregistry/jdbc/statements-h2.sql}; those the same everywhere are in {@code statements.sql} beside
   * it.
   */
  public String statementsResource() {
    return "org/sessionregistry/jdbc/statements-" + resourceName + ".sql";
  }

  /** The classpath resource that drops the schema and every session in it. */
  public String dropResource() {
    return "org/sessionregistry/jdbc/drop-" + resourceName + ".sql";
  }

  public String displayName() {
    return displayName;
  }

  /**
   * The dialect of a JDBC URL ({@code jdbc:h2:}, {@code jdbc:postgresql:}, {@code jdbc:mariadb:}).
   *
   * @throws IllegalArgumentException for any other database, naming the supported ones
   */
  public static Dialect ofJdbcUrl(String jdbcUrl) {
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    for (Dialect d : values()) {
      if (url.startsWith("jdbc:" + d.resourceName + ":")) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "jdbcUrl must start with jdbc:h2:, jdbc:postgresql: or jdbc:mariadb:, was "
            + PoolFactory.withoutSecrets(jdbcUrl));
  }

  /** The dialect of a database product name, as {@link java.sql.DatabaseMetaData#getDatabaseProductName()} tells. */
  static Dialect ofProductName(String productName) {
    String name = productName.toLowerCase(Locale.ROOT);
    if (name.contains("h2")) {
      return H2;
    }
    if (name.contains("postgres")) {
      return POSTGRESQL;
    }
    if (name.contains("mariadb")) {
      return MARIADB;
    }
    throw new IllegalArgumentException(
        "the JDBC store supports H2, PostgreSQL and MariaDB; this database is "
            + productName
            + " (MySQL lacks DELETE ... RETURNING, which revoke-all needs to stay one statement)");
  }
}
