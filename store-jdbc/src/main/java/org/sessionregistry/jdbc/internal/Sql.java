package org.sessionregistry.jdbc.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One statement (or several, sent together) as JDBC runs it: its {@code :names} replaced by {@code ?}, and the names in
 * the order of their places, a name that appears twice bound twice. Immutable.
 *
 * @param text the statement with {@code ?} for each parameter
 * @param names the parameter of each {@code ?}, in order
 */
public record Sql(String text, List<String> names) {
  public Sql {
    names = List.copyOf(names);
  }

  /** The statement written with {@code :names}; {@code ::} is a PostgreSQL cast, not a parameter. */
  public static Sql parse(String named) {
    StringBuilder text = new StringBuilder(named.length());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < named.length(); i++) {
      char c = named.charAt(i);
      if (c == ':' && i + 1 < named.length() && named.charAt(i + 1) == ':') {
        text.append("::");
        i++;
      } else if (c == ':'
          && i + 1 < named.length()
          && Character.isJavaIdentifierStart(named.charAt(i + 1))) {
        int end = i + 1;
        while (end < named.length() && Character.isJavaIdentifierPart(named.charAt(end))) {
          end++;
        }
        names.add(named.substring(i + 1, end));
        text.append('?');
        i = end - 1;
      } else {
        text.append(c);
      }
    }
    return new Sql(text.toString(), names);
  }

  /**
   * These statements sent together as one round trip, each after a {@code ;}, between {@code before} and
   * {@code after} (statements without parameters, or empty).
   */
  public static Sql together(String before, List<Sql> statements, String after) {
    StringBuilder text = new StringBuilder(before);
    List<String> names = new ArrayList<>();
    for (Sql s : statements) {
      text.append(s.text).append(";\n");
      names.addAll(s.names);
    }
    return new Sql(text.append(after).toString(), names);
  }
}
