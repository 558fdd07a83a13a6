package org.sessionregistry;

/**
 * A new session was refused: its user has as many live sessions as the limit allows, and the policy is
 * {@link SessionLimit.Policy#REFUSE_NEW}. Nothing was written; the user's other sessions are unchanged.
 */
public class SessionLimitExceededException extends RuntimeException {
  private final String userId;
  private final int maxSessions;

  public SessionLimitExceededException(String userId, int maxSessions) {
    super(
        "user "
            + userId
            + " has "
            + maxSessions
            + " live sessions, the most allowed; the new session was refused"
            + " and nothing was written (end one of them first, or use SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE)");
    this.userId = userId;
    this.maxSessions = maxSessions;
  }

  public String userId() {
    return userId;
  }

  public int maxSessions() {
    return maxSessions;
  }
}
