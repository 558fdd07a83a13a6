package org.sessionregistry.internal;

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

  public static String requireMaxLength(@Nullable String value, String name, int max) {
    requireNonNull(value, name);
    if (value.length() > max) {
      throw new IllegalArgumentException(
          name + " must be at most " + max + " characters, was " + value.length() + " characters");
    }
    return value;
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
    int i = 0;
    while (i < value.length() && value.charAt(i) != '\0' && !Character.isSurrogate(value.charAt(i))) {
      i++; // the usual case, all plain: one test per character
    }
    for (; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean unpaired = Character.isHighSurrogate(c)
          ? i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))
          : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
      if (c == '\0' || unpaired) {
        throw new IllegalArgumentException(name + " must not contain " + (c == '\0' ? "NUL" : "an unpaired surrogate")
            + ", found " + String.format("U+%04X", (int) c) + " at index " + i + " (stores cannot keep it exactly)");
      }
      if (Character.isHighSurrogate(c)) {
        i++; // its low half, checked
      }
    }
    return value;
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
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && (Character.isISOControl(c) || Character.isSurrogate(c)
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
