package org.sessionregistry.spi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The SHA-256 of a bearer token: what stores keep instead of the token, so that a dump of a store holds no usable
 * credential. Tokens are 128 random bits, so a plain (unsalted) hash cannot be reversed by search.
 *
 * <p>Immutable and compact (four {@code long}s), with value equality on the hash; usable as a map key.
 */
public final class TokenHash {
  /** Length of the hash in bytes. */
  public static final int BYTES = 32;

  /** One digest per thread: {@code digest()} resets it, and cloning one per call costs as much as the hashing. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  });

  private final long w0;
  private final long w1;
  private final long w2;
  private final long w3;
  /** The token's first two characters, packed; 0 when unknown (a hash read back from a store). */
  private final int routing;

  private TokenHash(long w0, long w1, long w2, long w3, int routing) {
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
    this.routing = routing;
  }

  /** The hash of a token. Only the token's first two characters are kept, as {@link #routingPrefix()}. */
  public static TokenHash of(String token) {
    byte[] d = SHA_256.get().digest(token.getBytes(StandardCharsets.US_ASCII));
    int routing = token.length() >= 2 ? (token.charAt(0) << 16) | token.charAt(1) : 0;
    return new TokenHash(word(d, 0), word(d, 8), word(d, 16), word(d, 24), routing);
  }

  /**
   * The token's first two characters, where a store that asked for a {@link SessionStore#tokenPrefix} finds it (not a
   * secret worth hiding: 10 of the token's bits, and with such a store the same for all of a user's tokens). Empty for
   * a hash read back from a store.
   */
  public String routingPrefix() {
    return routing == 0 ? "" : new String(new char[] {(char) (routing >>> 16), (char) (routing & 0xffff)});
  }

  private static long word(byte[] b, int at) {
    long w = 0;
    for (int i = at; i < at + 8; i++) {
      w = (w << 8) | (b[i] & 0xff);
    }
    return w;
  }

  /** A hash as read back from a store, from its 32 bytes. */
  public static TokenHash fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != BYTES) {
      throw new IllegalArgumentException("a token hash must be " + BYTES + " bytes, was "
          + (bytes == null ? "null" : bytes.length + " bytes"));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new TokenHash(b.getLong(), b.getLong(), b.getLong(), b.getLong(), 0);
  }

  /** A hash as read back from a store, from its 64 lowercase or uppercase hex digits. */
  public static TokenHash fromHex(String hex) {
    if (hex == null || hex.length() != 2 * BYTES) {
      throw new IllegalArgumentException("a token hash must be " + 2 * BYTES + " hex digits, was "
          + (hex == null ? "null" : hex.length() + " characters"));
    }
    return fromBytes(HexFormat.of().parseHex(hex));
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES).putLong(w0).putLong(w1).putLong(w2).putLong(w3).array();
  }

  /** 64 lowercase hex digits. */
  public String toHex() {
    return HexFormat.of().formatHex(toBytes());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TokenHash h && h.w0 == w0 && h.w1 == w1 && h.w2 == w2 && h.w3 == w3;
  }

  @Override
  public int hashCode() {
    // The bits are uniformly random already.
    return (int) w0;
  }

  /** Shows a prefix only, enough to tell hashes apart in a log. */
  @Override
  public String toString() {
    return "TokenHash[" + toHex().substring(0, 8) + "...]";
  }
}
