package org.sessionregistry;

/**
 * A session just created, with its bearer token. This is the only time the token is available: stores keep a hash of
 * it. Hand the token to the client and drop this object.
 *
 * @param session the new session
 * @param token the bearer token, a secret: 26 characters of Mattermost's base32 alphabet
 */
public record IssuedSession(Session session, String token) {

  /** Never shows the token. */
  @Override
  public String toString() {
    return "IssuedSession[session=" + session + ", token=<redacted>]";
  }
}
