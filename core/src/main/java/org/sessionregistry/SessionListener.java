package org.sessionregistry;

/**
 * Told of sessions created and ended, for audit logs. Methods have no-op defaults.
 *
 * <p>Called on the thread that made the change, after the store applied it, once per session. A listener must be
 * quick and must not block or call back into the registry; an exception it throws is logged and otherwise ignored, it
 * never undoes the change.
 *
 * <p>What a listener costs: with one, {@link SessionRegistry#revokeAll} and {@link SessionRegistry#revokeAllExcept}
 * make the store read back every session they end, so that each can be told; without, they take the store's one-row
 * path ({@link org.sessionregistry.spi.SessionStore#deleteAllOfUserWithoutReading}). On Redis and JDBC that read grows
 * with the user's sessions. To count operations and sessions ended, give a {@link RegistryObserver} instead: it never
 * makes the store read anything back.
 */
public interface SessionListener {

  /** A session was created. */
  default void sessionCreated(Session session) {}

  /** A session ended. Expired sessions are reported when the registry removes them, not necessarily at expiry. */
  default void sessionRevoked(Session session, RevocationReason reason) {}

  /**
   * Every session of every user was revoked ({@link SessionRegistry#revokeEveryone}): one call, not one per session,
   * which the store does not read back.
   */
  default void everyoneRevoked() {}
}
