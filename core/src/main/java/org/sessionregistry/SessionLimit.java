package org.sessionregistry;

/**
 * How many live sessions one user may have, and what a create beyond that does. Set on the registry with
 * {@code SessionRegistry.builder().maxSessionsPerUser(max, policy)}; the store applies it in the same atomic step as the
 * create, so that two logins at once cannot both pass a check (Spring Security's {@code maximumSessions} can).
 *
 * @param maxSessions the most live sessions of a user, at least 1; {@link Integer#MAX_VALUE} for no limit
 * @param policy what a create does when the user has {@code maxSessions} already
 */
public record SessionLimit(int maxSessions, Policy policy) {
  private static final SessionLimit UNLIMITED =
      new SessionLimit(Integer.MAX_VALUE, Policy.END_LEAST_RECENTLY_ACTIVE);

  /** What a create does when the user is at the limit. */
  public enum Policy {
    /**
     * Ends the user's least recently active sessions (oldest last activity, then oldest creation) to make room, as
     * Mattermost does beyond 500 sessions; listeners hear of them with {@link RevocationReason#SESSION_LIMIT}.
     */
    END_LEAST_RECENTLY_ACTIVE,
    /**
     * Refuses the new session with {@link SessionLimitExceededException}, leaving the others alone, as Spring
     * Security's {@code maxSessionsPreventsLogin}.
     */
    REFUSE_NEW
  }

  /** @throws IllegalArgumentException if {@code maxSessions} is below 1 or {@code policy} is null */
  public SessionLimit {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be at least 1, was " + maxSessions);
    }
    if (policy == null) {
      throw new IllegalArgumentException("policy must not be null");
    }
  }

  /** No limit: the default. */
  public static SessionLimit unlimited() {
    return UNLIMITED;
  }

  public boolean isUnlimited() {
    return maxSessions == Integer.MAX_VALUE;
  }
}
