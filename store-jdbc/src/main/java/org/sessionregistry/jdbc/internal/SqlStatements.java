package org.sessionregistry.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Statements read once from class-path resources beside the schema scripts: each is the text after a
 * {@code -- name: <name>} line, up to the next such line, without comment lines. The names are the constants of an
 * enum, in lower case; the resources together define each of them once, and nothing else. Immutable.
 *
 * @param <N> the enum naming the statements
 */
public final class SqlStatements<N extends Enum<N>> {
  private static final String NAME_LINE = "-- name:";
  private static final Map<String, SqlStatements<?>> LOADED = new ConcurrentHashMap<>();

  /** What the store runs: {@code statements.sql}, portable, and {@code statements-<dialect>.sql}. */
  public enum Session {
    INSERT,
    FIND_BY_TOKEN,
    FIND_BY_USER,
    TOUCH,
    DELETE_ONE,
    DELETE_ALL,
    DELETE_ALL_EXCEPT,
    KEEP_ONE,
    RAISE_GENERATION,
    PURGE_EXPIRED,
    PENDING_USERS,
    DELETE_REVOKED,
    CLEAR_PENDING,
    DELETE_EVERYONE,
    LOCK_USER,
    END_DEVICE,
    MAKE_ROOM,
    INSERT_UNLESS_FULL,
    LIST_ALL,
    COUNT_ALL
  }

  /** What the invalidation channel runs: {@code revocations.sql}, the same on every database. */
  public enum Revocation {
    PUBLISH,
    POLL,
    TRIM
  }

  private final EnumMap<N, String> statements;
  private final EnumMap<N, Sql> parsed;

  private SqlStatements(EnumMap<N, String> statements) {
    this.statements = statements;
    this.parsed = new EnumMap<>(statements.keySet().iterator().next().getDeclaringClass());
    statements.forEach((name, text) -> parsed.put(name, Sql.parse(text)));
  }

  /** The statements of these resources, parsed at the first call and kept. */
  @SuppressWarnings("unchecked")
  public static <N extends Enum<N>> SqlStatements<N> of(Class<N> names, String... resources) {
    return (SqlStatements<N>)
        LOADED.computeIfAbsent(String.join(",", resources), r -> load(names, resources));
  }

  /** The statement's text, with its {@code :names}. */
  public String get(N name) {
    return statements.get(name);
  }

  /** The statement as JDBC runs it, with {@code ?} for its {@code :names}. */
  public Sql sql(N name) {
    return parsed.get(name);
  }

  private static <N extends Enum<N>> SqlStatements<N> load(Class<N> names, String... resources) {
    Map<String, String> byName = new HashMap<>();
    for (String resource : resources) {
      read(resource, byName);
    }
    String resource = String.join(" and ", resources);
    EnumMap<N, String> statements = new EnumMap<>(names);
    for (N name : names.getEnumConstants()) {
      String statement = byName.remove(name.name().toLowerCase(Locale.ROOT));
      if (statement == null || statement.isEmpty()) {
        throw new IllegalStateException(
            resource + " lacks statement " + name.name().toLowerCase(Locale.ROOT));
      }
      statements.put(name, statement);
    }
    if (!byName.isEmpty()) {
      throw new IllegalStateException(resource + " has statements no one runs: " + byName.keySet());
    }
    return new SqlStatements<>(statements);
  }

  private static void read(String resource, Map<String, String> byName) {
    String text;
    try (InputStream in = SqlStatements.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    String current = null;
    StringBuilder sql = new StringBuilder();
    for (String line : (text + "\n" + NAME_LINE + " end").split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith(NAME_LINE)) {
        if (current != null && byName.put(current, sql.toString().strip()) != null) {
          throw new IllegalStateException(resource + " defines statement " + current + " again");
        }
        current = trimmed.substring(NAME_LINE.length()).strip();
        sql.setLength(0);
      } else if (current != null && !trimmed.startsWith("--") && !trimmed.isEmpty()) {
        sql.append(line.stripTrailing()).append('\n');
      }
    }
  }
}
