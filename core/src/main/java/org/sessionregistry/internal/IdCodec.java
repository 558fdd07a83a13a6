package org.sessionregistry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Mattermost-compatible ids and tokens: 16 random bytes (128 bits) from a {@link SecureRandom}, written as 26
 * characters of Mattermost's base32 alphabet without padding. The public face is {@code org.sessionregistry.Ids}; token
 * shapes and prefixes stay here.
 *
 * <p>The bytes come from the JDK's {@code DRBG} (by default NIST SP 800-90A Hash_DRBG on SHA-256, 128-bit strength,
 * seeded by the operating system; the {@code securerandom.drbg.config} security property configures it), drawn
 * {@value #AHEAD_BYTES} at a time: each call to a SecureRandom has a fixed cost (the default {@code NativePRNG} reads
 * {@code /dev/urandom} and runs a SHA-1 mix every time: 0.17 µs for 16 bytes here), so an id costs 0.08 µs with its
 * encoding. The bytes drawn ahead are zeroed as they are taken; while waiting they sit in the heap beside the DRBG's
 * own state, which predicts them anyway.
 */
public final class IdCodec {
  /** Mattermost's base32 alphabet ({@code model.NewId}). */
  static final String ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";

  public static final int LENGTH = 26;

  private static final SecureRandom RANDOM = drbg();
  static final int AHEAD_BYTES = 512;

  /** Random bytes drawn ahead, and how many of them are taken; guarded by {@code AHEAD}. */
  private static final byte[] AHEAD = new byte[AHEAD_BYTES];

  private static int taken = AHEAD_BYTES;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final boolean[] IN_ALPHABET = new boolean[128];

  /** ASCII letters and digits: ids are checked on every call, so by table rather than by three ranges. */
  private static final boolean[] ALPHANUMERIC = new boolean[128];

  private static final byte[] ALPHABET_BYTES = ALPHABET.getBytes(StandardCharsets.US_ASCII);

  static {
    for (int i = 0; i < ALPHABET.length(); i++) {
      IN_ALPHABET[ALPHABET.charAt(i)] = true;
    }
    for (char c = 0; c < 128; c++) {
      ALPHANUMERIC[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
  }

  private IdCodec() {}

  /** A new random id or token. */
  public static String newId() {
    long high;
    long low;
    synchronized (AHEAD) {
      if (taken == AHEAD_BYTES) {
        RANDOM.nextBytes(AHEAD);
        taken = 0;
      }
      high = (long) LONGS.get(AHEAD, taken);
      low = (long) LONGS.get(AHEAD, taken + 8);
      LONGS.set(AHEAD, taken, 0L);
      LONGS.set(AHEAD, taken + 8, 0L);
      taken += 16;
    }
    return encode(high, low);
  }

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom(); // a JDK configured without it: its default
    }
  }

  /** A store's token prefix is at most this long. */
  public static final int MAX_TOKEN_PREFIX_LENGTH = 64;

  /**
   * A new token: {@code prefix} (a store's routing, see {@code SessionStore.tokenPrefix}) followed by a new random id:
   * 128 random bits whatever the prefix.
   */
  public static String newToken(String prefix) {
    if (prefix.length() > MAX_TOKEN_PREFIX_LENGTH || !isAlphanumeric(prefix, 0, prefix.length())) {
      throw new IllegalStateException(
          "a store's token prefix must be up to "
              + MAX_TOKEN_PREFIX_LENGTH
              + " ASCII letters or digits, was "
              + prefix.length()
              + " characters");
    }
    return prefix.isEmpty() ? newId() : prefix + newId();
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

  /** The 26 characters of 128 bits, most significant first: {@link #encode(byte[])} of their 16 big-endian bytes. */
  @SuppressWarnings(
      "deprecation") // String(byte[], int, int, int): the one constructor that just copies ASCII
  public static String encode(long high, long low) {
    byte[] out = new byte[LENGTH];
    for (int i = 0; i < 12; i++) { // bits 0 to 59 of high
      out[i] = ALPHABET_BYTES[(int) (high >>> (59 - 5 * i)) & 31];
    }
    out[12] =
        ALPHABET_BYTES[
            (int) (((high & 15) << 1) | (low >>> 63))]; // high's last 4 bits, low's first
    for (int i = 13; i < 25; i++) { // bits 1 to 60 of low
      out[i] = ALPHABET_BYTES[(int) (low >>> (58 - 5 * (i - 13))) & 31];
    }
    out[25] = ALPHABET_BYTES[((int) low & 7) << 2]; // low's last 3 bits, padded
    return new String(out, 0, 0, LENGTH);
  }

  /** The 26 characters of 16 bytes (an id's randomness, or the first half of a hash), as Mattermost writes them. */
  public static String encode(byte[] sixteen) {
    if (sixteen.length != 16) {
      throw new IllegalArgumentException("an id is 16 bytes, was " + sixteen.length);
    }
    return encode((long) LONGS.get(sixteen, 0), (long) LONGS.get(sixteen, 8));
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
    return prefix >= 0
        && prefix <= MAX_TOKEN_PREFIX_LENGTH
        && isAlphanumeric(value, 0, prefix)
        && isInAlphabet(value, prefix);
  }

  private static boolean isAlphanumeric(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 128 || !ALPHANUMERIC[c]) {
        return false;
      }
    }
    return true;
  }
}
