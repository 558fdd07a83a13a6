package org.sessionregistry;

/** The caller may not manage the target user's sessions (Mattermost answers 403). Nothing was changed. */
public final class PermissionDeniedException extends RuntimeException {
  private final String callerUserId;
  private final String targetUserId;

  public PermissionDeniedException(String callerUserId, String targetUserId) {
    super("user " + callerUserId + " may not manage the sessions of user " + targetUserId
        + ": that needs the permission manage_system, or edit_other_users for a target that is not a system admin");
    this.callerUserId = callerUserId;
    this.targetUserId = targetUserId;
  }

  public String callerUserId() {
    return callerUserId;
  }

  public String targetUserId() {
    return targetUserId;
  }
}
