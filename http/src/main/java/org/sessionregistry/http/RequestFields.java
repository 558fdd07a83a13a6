package org.sessionregistry.http;

import org.sessionregistry.Session;

/**
 * The binding's rules for the strings a request carries, checked before any of them reaches the core or a store: no
 * NUL and no unpaired surrogate anywhere (no store can keep them exactly), no control characters in identifiers, and
 * a bounded length. Stateless.
 */
final class RequestFields {
  /**
   * {@code login_id}: a username (Mattermost: at most 64) or an email (at most 128), with room to spare; a longer one
   * names no user.
   */
  static final int MAX_LOGIN_ID = 256;

  /**
   * {@code password}: generous for passphrases (NIST asks for at least 64), bounded so that a hash never takes a
   * body's worth of text. Control characters other than NUL are allowed: a password is any text its owner chose.
   */
  static final int MAX_PASSWORD = 1024;

  /** {@code device_id}: Mattermost's bound, which the core enforces too. */
  static final int MAX_DEVICE_ID = Session.MAX_DEVICE_ID_LENGTH;

  /** {@code session_id}: a session id is 26 characters; anything far longer is no id. */
  static final int MAX_SESSION_ID = 64;

  private RequestFields() {}

  /** An identifier: at most {@code maxLength} characters, no control characters, no unpaired surrogates. */
  static boolean isIdentifier(String value, int maxLength) {
    return value.length() <= maxLength && isStorable(value, false);
  }

  /** A secret or free text: at most {@code maxLength} characters, no NUL, no unpaired surrogates. */
  static boolean isText(String value, int maxLength) {
    return value.length() <= maxLength && isStorable(value, true);
  }

  private static boolean isStorable(String value, boolean controlsAllowed) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\0' || (!controlsAllowed && Character.isISOControl(c))) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
