package org.sessionregistry.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.sessionregistry.internal.IdCodec;

/**
 * What a node tells the others when it revokes: all sessions of a user, one session, or every session there is. Its
 * text form ({@code u:<digest>}, {@code s:<digest>}, {@code e:}) is what channels carry and what tombstones hold.
 *
 * <p>It names the user or session by a digest of its id (SHA-256, cut to 128 bits, in the 26 characters of an id),
 * never by the id itself: a value a caller passed as a session id may be a token by mistake (a token of a store
 * without a prefix has an id's shape), and a digest of it, unlike it, opens nothing. Nodes compare digests.
 *
 * @param scope whether {@code digest} names a user or a session, or is empty for everyone
 * @param digest {@link #digestOf} the user or session id; empty for {@link Scope#EVERYONE}
 */
public record Invalidation(Scope scope, String digest) {
  private static final Invalidation EVERYONE = new Invalidation(Scope.EVERYONE, "");
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is not available", e);
            }
          });

  /** What an invalidation covers. */
  public enum Scope {
    /** Every session of a user. */
    USER('u'),
    /** One session. */
    SESSION('s'),
    /** Every session of every user. */
    EVERYONE('e');

    private final char letter;

    Scope(char letter) {
      this.letter = letter;
    }
  }

  public Invalidation {
    if (scope == null
        || digest == null
        || (scope == Scope.EVERYONE ? !digest.isEmpty() : !IdCodec.isValidId(digest))) {
      throw new IllegalArgumentException(
          "an invalidation needs a scope and a 26-character digest (none for"
              + " everyone), was "
              + scope
              + " of a digest of "
              + (digest == null ? "null" : digest.length() + " characters"));
    }
  }

  /** All sessions of the user with this id. */
  public static Invalidation user(String userId) {
    return new Invalidation(Scope.USER, digestOf(Scope.USER, userId));
  }

  /** The session with this id. */
  public static Invalidation session(String sessionId) {
    return new Invalidation(Scope.SESSION, digestOf(Scope.SESSION, sessionId));
  }

  public static Invalidation everyone() {
    return EVERYONE;
  }

  /**
   * The digest that names a user or session id within a scope: 26 characters of an id's alphabet, the same on every
   * node. What a front cache compares a cached session's ids by.
   */
  public static String digestOf(Scope scope, String id) {
    if (scope == null || scope == Scope.EVERYONE || id == null) {
      throw new IllegalArgumentException(
          "a digest needs the scope USER or SESSION and an id, was " + scope);
    }
    MessageDigest sha = SHA_256.get();
    sha.update((byte) scope.letter);
    byte[] hash = sha.digest(id.getBytes(StandardCharsets.UTF_8));
    return IdCodec.encode(Arrays.copyOf(hash, 16));
  }

  /** {@code u:<digest>}, {@code s:<digest>} or {@code e:}. */
  public String toText() {
    return scope.letter + ":" + digest;
  }

  /** @throws IllegalArgumentException if the text is not an invalidation */
  public static Invalidation fromText(String text) {
    if ("e:".equals(text)) {
      return EVERYONE;
    }
    if (text == null
        || text.length() != 28
        || text.charAt(1) != ':'
        || "us".indexOf(text.charAt(0)) < 0) {
      throw new IllegalArgumentException(
          "not an invalidation: " + (text == null ? "null" : text.length() + " characters"));
    }
    return new Invalidation(text.charAt(0) == 'u' ? Scope.USER : Scope.SESSION, text.substring(2));
  }
}
