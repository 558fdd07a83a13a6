package org.sessionregistry.internal;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks that fail with an {@link IllegalArgumentException} naming the argument, the rule and, for values that
 * are not secrets, the bad value.
 */
public final class Arguments {
  private static final int MAX_SHOWN = 64;

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

  /** The value quoted for a message, cut to a readable length. Never pass a secret. */
  public static String show(String value) {
    String shown = value.length() > MAX_SHOWN ? value.substring(0, MAX_SHOWN) + "..." : value;
    return '"' + shown + "\" (" + value.length() + " characters)";
  }
}
