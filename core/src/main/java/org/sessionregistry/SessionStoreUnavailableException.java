package org.sessionregistry;

/**
 * The session store could not be reached or did not answer in time (database down, pool exhausted, Redis timing out).
 * Whether a write was applied is unknown; a read answered nothing, and the token must be refused. Stores recover by
 * themselves when the store comes back.
 */
public class SessionStoreUnavailableException extends SessionStoreException {

  public SessionStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
