package org.sessionregistry.spi;

import org.sessionregistry.internal.IdCodec;

/**
 * What a node tells the others when it revokes: all sessions of a user, or one session. Its text form ({@code u:<id>},
 * {@code s:<id>}) is what channels carry.
 *
 * @param scope whether {@code id} is a user id or a session id
 * @param id the user or session id
 */
public record Invalidation(Scope scope, String id) {

  /** What an invalidation covers. */
  public enum Scope {
    /** Every session of a user. */
    USER,
    /** One session. */
    SESSION
  }

  public Invalidation {
    if (scope == null || id == null || !IdCodec.isValidId(id)) {
      throw new IllegalArgumentException("an invalidation needs a scope and a 26-character id, was " + scope + " "
          + id);
    }
  }

  public static Invalidation user(String userId) {
    return new Invalidation(Scope.USER, userId);
  }

  public static Invalidation session(String sessionId) {
    return new Invalidation(Scope.SESSION, sessionId);
  }

  /** {@code u:<user id>} or {@code s:<session id>}. */
  public String toText() {
    return (scope == Scope.USER ? "u:" : "s:") + id;
  }

  /** @throws IllegalArgumentException if the text is not an invalidation */
  public static Invalidation fromText(String text) {
    if (text == null || text.length() != 28 || text.charAt(1) != ':' || "us".indexOf(text.charAt(0)) < 0) {
      throw new IllegalArgumentException("not an invalidation: " + text);
    }
    return new Invalidation(text.charAt(0) == 'u' ? Scope.USER : Scope.SESSION, text.substring(2));
  }
}
