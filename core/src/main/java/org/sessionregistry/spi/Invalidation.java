package org.sessionregistry.spi;

import org.sessionregistry.internal.IdCodec;

/**
 * What a node tells the others when it revokes: all sessions of a user, one session, or every session there is. Its
 * text form ({@code u:<id>}, {@code s:<id>}, {@code e:}) is what channels carry.
 *
 * @param scope whether {@code id} is a user id or a session id, or empty for everyone
 * @param id the user or session id; empty for {@link Scope#EVERYONE}
 */
public record Invalidation(Scope scope, String id) {
  private static final Invalidation EVERYONE = new Invalidation(Scope.EVERYONE, "");

  /** What an invalidation covers. */
  public enum Scope {
    /** Every session of a user. */
    USER,
    /** One session. */
    SESSION,
    /** Every session of every user. */
    EVERYONE
  }

  public Invalidation {
    if (scope == null || id == null || (scope == Scope.EVERYONE ? !id.isEmpty() : !IdCodec.isValidId(id))) {
      throw new IllegalArgumentException("an invalidation needs a scope and a 26-character id (none for everyone),"
          + " was " + scope + " of an id of " + (id == null ? "null" : id.length() + " characters"));
    }
  }

  public static Invalidation user(String userId) {
    return new Invalidation(Scope.USER, userId);
  }

  public static Invalidation session(String sessionId) {
    return new Invalidation(Scope.SESSION, sessionId);
  }

  public static Invalidation everyone() {
    return EVERYONE;
  }

  /** {@code u:<user id>}, {@code s:<session id>} or {@code e:}. */
  public String toText() {
    return switch (scope) {
      case USER -> "u:" + id;
      case SESSION -> "s:" + id;
      case EVERYONE -> "e:";
    };
  }

  /** @throws IllegalArgumentException if the text is not an invalidation */
  public static Invalidation fromText(String text) {
    if ("e:".equals(text)) {
      return EVERYONE;
    }
    if (text == null || text.length() != 28 || text.charAt(1) != ':' || "us".indexOf(text.charAt(0)) < 0) {
      throw new IllegalArgumentException("not an invalidation: " + (text == null ? "null"
          : text.length() + " characters"));
    }
    return new Invalidation(text.charAt(0) == 'u' ? Scope.USER : Scope.SESSION, text.substring(2));
  }
}
