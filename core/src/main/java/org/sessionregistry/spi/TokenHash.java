package org.sessionregistry.spi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.internal.IdCodec;

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
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
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

  /** What a store's {@link SessionStore#tokenPrefix} put before the token's random part; empty when unknown. */
  private final String routing;

  private TokenHash(long w0, long w1, long w2, long w3, String routing) {
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
    this.routing = routing;
  }

  /**
   * The hash of a token. Of the token itself only the characters before its random part (its last 26) are kept, as
   * {@link #routingPrefix()}.
   */
  public static TokenHash of(String token) {
    // ISO-8859-1 copies a compact string's bytes as they are; a token is ASCII, where the two
    // charsets agree.
    byte[] d = SHA_256.get().digest(token.getBytes(StandardCharsets.ISO_8859_1));
    String routing =
        token.length() > IdCodec.LENGTH ? token.substring(0, token.length() - IdCodec.LENGTH) : "";
    return new TokenHash(word(d, 0), word(d, 8), word(d, 16), word(d, 24), routing);
  }

  /**
   * The characters before the token's random part: where a store that asked for a {@link SessionStore#tokenPrefix}
   * finds its routing (no secret: the same for all of a user's tokens). Empty for a token without a prefix and for a
   * hash read back from a store. Unchecked: a forged token may carry anything here.
   */
  public String routingPrefix() {
    return routing;
  }

  /**
   * The id of the session this token was issued for: the registry derives every session id from its token's hash (the
   * last 128 of its 256 bits, written like any id), so that a store may find a session by token through its id alone.
   * A token forged to match a known session id would need a second preimage of those 128 bits.
   */
  public String sessionId() {
    return IdCodec.encode(w2, w3);
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
      throw new IllegalArgumentException(
          "a token hash must be "
              + BYTES
              + " bytes, was "
              + (bytes == null ? "null" : bytes.length + " bytes"));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new TokenHash(b.getLong(), b.getLong(), b.getLong(), b.getLong(), "");
  }

  /** A hash as read back from a store, from its 64 lowercase or uppercase hex digits. */
  public static TokenHash fromHex(String hex) {
    if (hex == null || hex.length() != 2 * BYTES) {
      throw new IllegalArgumentException(
          "a token hash must be "
              + 2 * BYTES
              + " hex digits, was "
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
