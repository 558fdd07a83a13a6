package org.sessionregistry.internal;

import java.security.SecureRandom;

/**
 * Mattermost-compatible ids and tokens: 16 random bytes from {@link SecureRandom} (128 bits), written as 26 characters
 * of Mattermost's base32 alphabet without padding. The public face is {@code org.sessionregistry.Ids}; token shapes and
 * prefixes stay here.
 */
public final class IdCodec {
  /** Mattermost's base32 alphabet ({@code model.NewId}). */
  static final String ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";
  public static final int LENGTH = 26;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final boolean[] IN_ALPHABET = new boolean[128];

  static {
    for (int i = 0; i < ALPHABET.length(); i++) {
      IN_ALPHABET[ALPHABET.charAt(i)] = true;
    }
  }

  private IdCodec() {}

  /** A new random id or token. */
  public static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return encode(bytes);
  }

  /** A store's token prefix is at most this long. */
  public static final int MAX_TOKEN_PREFIX_LENGTH = 64;

  /**
   * A new token: {@code prefix} (a store's routing, see {@code SessionStore.tokenPrefix}) followed by a new random id:
   * 128 random bits whatever the prefix.
   */
  public static String newToken(String prefix) {
    if (prefix.length() > MAX_TOKEN_PREFIX_LENGTH || !isAlphanumeric(prefix, 0, prefix.length())) {
      throw new IllegalStateException("a store's token prefix must be up to " + MAX_TOKEN_PREFIX_LENGTH
          + " ASCII letters or digits, was " + prefix.length() + " characters");
    }
    return prefix + newId();
  }

  private static boolean isInAlphabet(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 128 || !IN_ALPHABET[c]) {
        return false;
      }
    }
    return true;
  }

  public static String encode(byte[] bytes) {
    char[] out = new char[(bytes.length * 8 + 4) / 5];
    int buffer = 0;
    int bits = 0;
    int o = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out[o++] = ALPHABET.charAt((buffer >>> (bits - 5)) & 31);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out[o++] = ALPHABET.charAt((buffer << (5 - bits)) & 31);
    }
    return new String(out, 0, o);
  }

  /** Mattermost's {@code IsValidId}: exactly 26 ASCII letters or digits. */
  public static boolean isValidId(String value) {
    return value.length() == LENGTH && isAlphanumeric(value, 0, LENGTH);
  }

  /**
   * Whether the value could be a token this library issued: a prefix of up to 64 ASCII letters or digits, then 26
   * characters of the alphabet.
   */
  public static boolean isTokenShaped(String value) {
    int prefix = value.length() - LENGTH;
    return prefix >= 0 && prefix <= MAX_TOKEN_PREFIX_LENGTH && isAlphanumeric(value, 0, prefix)
        && isInAlphabet(value, prefix);
  }

  private static boolean isAlphanumeric(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }
}
