package org.sessionregistry;

/**
 * Told how long each registry operation took and how it ended, and how many sessions ended and why: the hook a metrics
 * binding ({@code session-registry-micrometer}) implements. Unlike a {@link SessionListener}, an observer never makes
 * the store read back what it ends: a revoke-all (or a credential change) is reported as one
 * operation, its sessions uncounted. Without one
 * ({@link #none()}, the default) the registry does not even read the clock for it.
 *
 * <p>Called on the thread of the operation, after it: implementations must be quick, allocation-free on the
 * authentication path, thread-safe, must not block, throw or call back into the registry, and must never record an id,
 * token or address (their tags are the enums below).
 */
public interface RegistryObserver {

  /** The registry's operations, as {@link SessionRegistry}'s methods. */
  enum Operation {
    CREATE,
    AUTHENTICATE,
    TOUCH,
    LIST,
    REVOKE,
    REVOKE_ALL,
    REVOKE_ALL_EXCEPT,
    REVOKE_EVERYONE,
    PURGE,
    /** {@link SessionRegistry#credentialsChanged}: a user's credentials changed, and its sessions were revoked. */
    CREDENTIALS_CHANGE
  }

  /** How an operation ended. */
  enum Outcome {
    /** An authentication that found a live session. */
    HIT,
    /** An authentication that found none: unknown, malformed, revoked or expired token, or outdated credentials. */
    MISS,
    /** Done. */
    OK,
    /** A revoke, logout or touch whose session was not (or no longer) live. */
    NOT_FOUND,
    /** A create refused by the user's session limit ({@link SessionLimitExceededException}). */
    REFUSED_BY_LIMIT,
    /** The store did not answer ({@link SessionStoreUnavailableException}). */
    STORE_UNAVAILABLE,
    /** The store failed otherwise ({@link SessionStoreException}, or a bug in it). */
    STORE_ERROR
  }

  /** An operation ended, after {@code nanos} nanoseconds (store round trip included). */
  void operationEnded(Operation operation, Outcome outcome, long nanos);

  /**
   * {@code count} sessions ended for {@code reason}, as the store reported them: those a revoke-all or revoke-everyone
   * ends are not counted (see {@link #operationEnded}). Default: nothing.
   */
  default void sessionsEnded(RevocationReason reason, int count) {}

  /** The default: observes nothing, and the registry then does not read the clock for it. */
  static RegistryObserver none() {
    return NoObserver.INSTANCE;
  }
}
