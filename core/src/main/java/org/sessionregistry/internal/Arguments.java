package org.sessionregistry.internal;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks that fail with an {@link IllegalArgumentException} naming the argument and the rule, and showing of a
 * bad value only what cannot be a credential: its length and at most its first {@value #SHOWN} characters, escaped.
 * (A token passed by mistake where an id belongs is a valid-looking string; the message must not carry it.)
 */
public final class Arguments {
  private static final int SHOWN = 4;

  private Arguments() {}

  public static <T> T requireNonNull(@Nullable T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }

  /** A Mattermost id: 26 ASCII letters or digits. */
  public static String requireId(@Nullable String value, String name) {
    requireNonNull(value, name);
    if (!IdCodec.isValidId(value)) {
      throw new IllegalArgumentException(
          name + " must be 26 ASCII letters or digits, was " + show(value));
    }
    return value;
  }

  /** The most characters a user id may have. */
  public static final int MAX_USER_ID_LENGTH = 255;

  /**
   * A user id: 1 to {@value #MAX_USER_ID_LENGTH} characters that every store keeps exactly ({@link #requireStorable}),
   * no control character, and no whitespace at either end (MariaDB's PAD SPACE collations would compare {@code "a"}
   * and {@code "a "} equal, and such ids are mistakes more often than names).
   */
  public static String requireUserId(@Nullable String value, String name) {
    requireNonNull(value, name);
    String problem = userIdProblem(value, name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return value;
  }

  /** Whether {@link #requireUserId} accepts the value; builds no message and no exception for one it refuses. */
  public static boolean isValidUserId(@Nullable String value) {
    return value != null && userIdProblem(value, "userId") == null;
  }

  /** What {@link #requireUserId} refuses the value for, or null; only a refusal pays for formatting. */
  private static @Nullable String userIdProblem(String value, String name) {
    if (value.isEmpty() || value.length() > MAX_USER_ID_LENGTH) {
      return name
          + " must be 1 to "
          + MAX_USER_ID_LENGTH
          + " characters, was "
          + value.length()
          + " characters";
    }
    if (isPlain(value) && !isBlank(value.charAt(0)) && !isBlank(value.charAt(value.length() - 1))) {
      return null; // the usual id, checked in one pass: every request that names a user pays this
    }
    String unstorable = storableProblem(value, name);
    if (unstorable != null) {
      return unstorable;
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return name
            + " must not contain control characters, found "
            + String.format("U+%04X", (int) value.charAt(i))
            + " at index "
            + i;
      }
    }
    int last = value.length() - 1;
    int edge = isBlank(value.charAt(0)) ? 0 : isBlank(value.charAt(last)) ? last : -1;
    return edge < 0
        ? null
        : name
            + " must not begin or end with whitespace, found "
            + String.format("U+%04X", (int) value.charAt(edge))
            + " at index "
            + edge;
  }

  /** No control character, NUL included, and no surrogate: what needs none of the detailed checks below. */
  private static boolean isPlain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || (c >= 0x7f && (c <= 0x9f || Character.isSurrogate(c)))) {
        return false;
      }
    }
    return true;
  }

  /** Whitespace of any kind, the no-break spaces too (which {@link Character#isWhitespace} leaves out). */
  private static boolean isBlank(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  public static String requireMaxLength(@Nullable String value, String name, int max) {
    requireNonNull(value, name);
    if (value.length() > max) {
      throw new IllegalArgumentException(
          name + " must be at most " + max + " characters, was " + value.length() + " characters");
    }
    return value;
  }

  /**
   * Role names: each 1 to {@code maxRole} characters that every store keeps exactly, with no whitespace or control
   * character (stores join them with spaces); joined by single spaces, at most {@code maxJoined} characters.
   *
   * @return the roles as an unmodifiable sorted set, so that equal sets are written alike
   */
  public static Set<String> requireRoles(
      @Nullable Set<String> roles, String name, int maxRole, int maxJoined) {
    requireNonNull(roles, name);
    if (roles.isEmpty()) {
      return Collections.emptySortedSet();
    }
    TreeSet<String> sorted = new TreeSet<>();
    int joined = -1;
    for (String role : roles) {
      String element = "a role in " + name;
      requireStorable(requireNonNull(role, element), element);
      require(
          !role.isEmpty() && role.length() <= maxRole,
          element
              + " must be 1 to "
              + maxRole
              + " characters, was "
              + role.length()
              + " characters");
      for (int i = 0; i < role.length(); i++) {
        char c = role.charAt(i);
        if (isBlank(c) || Character.isISOControl(c)) {
          throw new IllegalArgumentException(
              element
                  + " must not contain whitespace or control characters, found "
                  + String.format("U+%04X", (int) c)
                  + " at index "
                  + i
                  + " of "
                  + show(role));
        }
      }
      sorted.add(role);
      joined += role.length() + 1;
    }
    require(
        joined <= maxJoined,
        name
            + " joined by spaces must be at most "
            + maxJoined
            + " characters, was "
            + joined
            + " characters");
    return Collections.unmodifiableSortedSet(sorted);
  }

  public static void require(boolean rule, String message) {
    if (!rule) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Characters every store keeps exactly: no NUL (PostgreSQL's text refuses it) and no half of a surrogate pair (UTF-8
   * has no way to write one: stores would keep a '?', and a cached copy would differ from the stored one).
   */
  public static String requireStorable(@Nullable String value, String name) {
    requireNonNull(value, name);
    String problem = storableProblem(value, name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return value;
  }

  private static @Nullable String storableProblem(String value, String name) {
    int i = 0;
    while (i < value.length()
        && value.charAt(i) != '\0'
        && !Character.isSurrogate(value.charAt(i))) {
      i++; // the usual case, all plain: one test per character
    }
    for (; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean unpaired =
          Character.isHighSurrogate(c)
              ? i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))
              : Character.isLowSurrogate(c)
                  && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
      if (c == '\0' || unpaired) {
        return name
            + " must not contain "
            + (c == '\0' ? "NUL" : "an unpaired surrogate")
            + ", found "
            + String.format("U+%04X", (int) c)
            + " at index "
            + i
            + " (stores cannot keep it exactly)";
      }
      if (Character.isHighSurrogate(c)) {
        i++; // its low half, checked
      }
    }
    return null;
  }

  /** A name that is no secret (a props key) as a message may show it: itself when plain printable ASCII, else shown. */
  public static String printable(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return show(name);
      }
    }
    return name;
  }

  /**
   * What a message may show of a bad value: its first {@value #SHOWN} characters at most, control and other
   * unprintable characters escaped (no line break gets into a log), and its length. Enough to tell what went wrong,
   * never a credential.
   */
  public static String show(String value) {
    StringBuilder b = new StringBuilder("\"");
    int end = Math.min(SHOWN, value.length());
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (c < 0x20
          || c == 0x7f
          || (c >= 0x80
              && (Character.isISOControl(c)
                  || Character.isSurrogate(c)
                  || Character.getType(c) == Character.FORMAT))) {
        b.append(String.format("\\u%04x", (int) c));
      } else if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else {
        b.append(c);
      }
    }
    b.append(value.length() > SHOWN ? "...\"" : "\"");
    return b + " (" + value.length() + " characters)";
  }
}
