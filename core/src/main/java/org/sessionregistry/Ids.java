package org.sessionregistry;

import org.sessionregistry.internal.IdCodec;

/**
 * Mattermost's ids: 26 characters, the base32 (Mattermost's alphabet, no padding) of 16 random bytes. Session ids and
 * the user ids the registry takes have this shape; applications use {@link #newId()} for users they create, and stores
 * check ids they read with {@link #isValidId}.
 *
 * <p>Thread-safe; new ids come from {@link java.security.SecureRandom}.
 */
public final class Ids {
  /** Every id is this many characters. */
  public static final int LENGTH = IdCodec.LENGTH;

  private Ids() {}

  /** A new random id: 128 bits from {@link java.security.SecureRandom}, as Mattermost's {@code model.NewId()}. */
  public static String newId() {
    return IdCodec.newId();
  }

  /**
   * Mattermost's {@code IsValidId}: exactly {@value #LENGTH} ASCII letters or digits. What the registry requires of
   * every user and session id it is given.
   */
  public static boolean isValidId(String value) {
    return value != null && IdCodec.isValidId(value);
  }
}
