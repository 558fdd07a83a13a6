package org.sessionregistry.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The shipped schema scripts. Apply {@link Dialect#schemaResource()} with your migration tool, or let
 * {@link JdbcSessionStore.Builder#createSchemaIfMissing(boolean)} run it; both create the tables only if they are
 * missing, and widen a schema-2 {@code user_id} (an {@code ALTER} that changes nothing on a migrated table, but takes
 * the table's lock for a moment).
 */
public final class JdbcSchema {
  private JdbcSchema() {}

  /** The text of the script that creates the schema if missing. */
  public static String createScript(Dialect dialect) {
    return read(dialect.schemaResource());
  }

  /** The text of the script that drops the schema with every session. */
  public static String dropScript(Dialect dialect) {
    return read(dialect.dropResource());
  }

  /** Creates the table and its indexes if they are missing. */
  public static void create(DataSource dataSource, Dialect dialect) {
    run(Jdbi.create(dataSource), createScript(dialect));
  }

  /** Drops the table and every session in it. */
  public static void drop(DataSource dataSource, Dialect dialect) {
    run(Jdbi.create(dataSource), dropScript(dialect));
  }

  static void run(Jdbi jdbi, String script) {
    jdbi.useHandle(h -> h.createScript(script).execute());
  }

  private static String read(String resource) {
    try (InputStream in = JdbcSchema.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
