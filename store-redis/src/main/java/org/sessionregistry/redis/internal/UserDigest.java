package org.sessionregistry.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What names a user in Redis: the SHA-256 of its id's UTF-8, all 256 bits, written as {@value #LENGTH} characters of
 * Mattermost's base32 alphabet. It names the user's key and opens every token of the user, so a token shows no user
 * id, and two users share a key only if SHA-256 collides.
 */
public final class UserDigest {
  /** 256 bits, five to a character. */
  public static final int LENGTH = 52;

  private static final char[] ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769".toCharArray();
  private static final boolean[] IN_ALPHABET = new boolean[128];
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is not available", e);
            }
          });

  static {
    for (char c : ALPHABET) {
      IN_ALPHABET[c] = true;
    }
  }

  private UserDigest() {}

  public static String of(String userId) {
    byte[] hash = SHA_256.get().digest(userId.getBytes(StandardCharsets.UTF_8));
    char[] out = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      int bit = 5 * i;
      int pair =
          (hash[bit / 8] & 0xff) << 8 | (bit / 8 + 1 < hash.length ? hash[bit / 8 + 1] & 0xff : 0);
      out[i] = ALPHABET[(pair >>> (11 - bit % 8)) & 31];
    }
    return new String(out);
  }

  /** Whether a token's routing prefix could be a digest: {@value #LENGTH} characters of the alphabet. */
  public static boolean isDigest(String value) {
    if (value.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = value.charAt(i);
      if (c >= 128 || !IN_ALPHABET[c]) {
        return false;
      }
    }
    return true;
  }
}
