package org.sessionregistry;

/**
 * The session store failed: it could not be reached, timed out, or answered with an error. The outcome of the
 * operation is unknown to the caller; a registry never treats a session it could not check as valid. Messages never
 * contain tokens or passwords.
 */
public class SessionStoreException extends RuntimeException {

  public SessionStoreException(String message) {
    super(message);
  }

  public SessionStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
