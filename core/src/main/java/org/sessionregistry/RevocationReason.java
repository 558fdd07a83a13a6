package org.sessionregistry;

/** Why a session ended, as told to {@link SessionListener#sessionRevoked}. */
public enum RevocationReason {
  /** The session's own holder logged out. */
  LOGOUT,
  /** The session was revoked on its own. */
  REVOKE,
  /** The session was revoked with all (or all but one) of its user's sessions. */
  REVOKE_ALL,
  /** The session reached its absolute or idle timeout and was removed. */
  EXPIRED,
  /** The session was ended to make room for a new session of its user, beyond the user's {@link SessionLimit}. */
  SESSION_LIMIT,
  /**
   * The session's device logged in again: a new session of the same user and device id replaced it
   * ({@link NewSession#replacingSameDevice()}).
   */
  REPLACED_BY_SAME_DEVICE,
  /** The session's user no longer exists, or its credentials changed after the session was created. */
  CREDENTIALS_CHANGED
}
