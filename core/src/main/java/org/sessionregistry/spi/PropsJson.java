package org.sessionregistry.spi;

import java.util.Map;
import java.util.TreeMap;

/**
 * Session props as a JSON object of strings, the column or field format of the remote stores. Strict: anything but an
 * object whose values are all strings is refused, so a corrupted row fails loudly instead of losing props.
 */
public final class PropsJson {
  private PropsJson() {}

  public static String write(Map<String, String> props) {
    if (props.isEmpty()) {
      return "{}";
    }
    StringBuilder out = new StringBuilder(32 * props.size());
    out.append('{');
    for (Map.Entry<String, String> e : props.entrySet()) {
      if (out.length() > 1) {
        out.append(',');
      }
      string(out, e.getKey()).append(':');
      string(out, e.getValue());
    }
    return out.append('}').toString();
  }

  /** @throws IllegalArgumentException if the text is not a JSON object of strings */
  public static Map<String, String> read(String json) {
    if (json.equals("{}")) {
      return Map.of(); // most sessions have no props: every row read pays this
    }
    Parser p = new Parser(json);
    Map<String, String> props = p.object();
    p.skipSpace();
    if (p.pos != json.length()) {
      throw p.error("end of input");
    }
    return props;
  }

  private static StringBuilder string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    Map<String, String> object() {
      Map<String, String> map = new TreeMap<>();
      skipSpace();
      expect('{');
      skipSpace();
      if (peek() == '}') {
        pos++;
        return map;
      }
      for (; ; ) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':');
        skipSpace();
        map.put(key, string());
        skipSpace();
        char c = next();
        if (c == '}') {
          return map;
        }
        if (c != ',') {
          pos--;
          throw error("',' or '}'");
        }
      }
    }

    String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      for (; ; ) {
        char c = next();
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("four hex digits");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException x) {
              throw error("four hex digits");
            }
            pos += 4;
          }
          default -> {
            pos--;
            throw error("an escape");
          }
        }
      }
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    char next() {
      if (pos >= s.length()) {
        throw error("more input");
      }
      return s.charAt(pos++);
    }

    void expect(char c) {
      if (peek() != c) {
        throw error("'" + c + "'");
      }
      pos++;
    }

    IllegalArgumentException error(String expected) {
      return new IllegalArgumentException("props JSON: expected " + expected + " at offset " + pos);
    }
  }
}
