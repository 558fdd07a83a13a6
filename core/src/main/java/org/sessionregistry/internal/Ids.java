package org.sessionregistry.internal;

import java.security.SecureRandom;

/**
 * Mattermost-compatible ids and tokens: 16 random bytes from {@link SecureRandom} (128 bits), written as 26 characters
 * of Mattermost's base32 alphabet without padding.
 */
public final class Ids {
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

  private Ids() {}

  /** A new random id or token. */
  public static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return encode(bytes);
  }

  /**
   * A new token: {@code prefix} followed by random characters, 26 in all. With an empty prefix, 128 random bits; with
   * a prefix, 5 random bits in each other character (120 with two).
   */
  public static String newToken(String prefix) {
    if (prefix.isEmpty()) {
      return newId();
    }
    if (prefix.length() > 4 || !isInAlphabet(prefix)) {
      throw new IllegalStateException("a store's token prefix must be up to 4 characters of the token alphabet");
    }
    // Every remaining character carries 5 random bits (26 - 2 characters: 120 bits).
    int chars = LENGTH - prefix.length();
    byte[] bytes = new byte[(chars * 5 + 7) / 8];
    RANDOM.nextBytes(bytes);
    return prefix + encode(bytes).substring(0, chars);
  }

  private static boolean isInAlphabet(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 128 || !IN_ALPHABET[c]) {
        return false;
      }
    }
    return true;
  }

  static String encode(byte[] bytes) {
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
    if (value.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the value could be a token this library issued: 26 characters of the alphabet. */
  public static boolean isTokenShaped(String value) {
    return value.length() == LENGTH && isInAlphabet(value);
  }
}
