package org.sessionregistry;

import org.jspecify.annotations.Nullable;
import org.sessionregistry.internal.Arguments;
import org.sessionregistry.internal.IdCodec;

/**
 * Ids. Session ids are Mattermost's: 26 characters, the base32 (Mattermost's alphabet, no padding) of 16 random bytes.
 * User ids are the application's own: any string {@link #isValidUserId} accepts (a Mattermost id from
 * {@link #newId()}, a UUID, a number, an email...).
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

  /** The most characters a user id may have. */
  public static final int MAX_USER_ID_LENGTH = Arguments.MAX_USER_ID_LENGTH;

  /**
   * Mattermost's {@code IsValidId}: exactly {@value #LENGTH} ASCII letters or digits. What the registry requires of
   * every session id it is given (and what Mattermost requires of its user ids).
   */
  public static boolean isValidId(String value) {
    return value != null && IdCodec.isValidId(value);
  }

  /**
   * Whether the registry takes this as a user id: 1 to {@value #MAX_USER_ID_LENGTH} characters, none of them a control
   * character (NUL included) or half of a surrogate pair, and no whitespace at either end. Case and every other
   * character count: {@code "alice"} and {@code "Alice"} are two users on every store.
   */
  public static boolean isValidUserId(@Nullable String value) {
    return Arguments.isValidUserId(value);
  }
}
