package org.sessionregistry;

import org.jspecify.annotations.Nullable;

/** The caller may not do what it asked (Mattermost answers 403). Nothing was changed. */
public final class PermissionDeniedException extends RuntimeException {
  private final String callerUserId;
  private final @Nullable String targetUserId;

  /** The caller may not manage the target user's sessions. */
  public PermissionDeniedException(String callerUserId, String targetUserId) {
    super("user " + callerUserId + " may not manage the sessions of user " + targetUserId
        + ": that needs the permission manage_system, or edit_other_users for a target that is not a system admin");
    this.callerUserId = callerUserId;
    this.targetUserId = targetUserId;
  }

  /** The caller lacks a permission for an action on no single user (revoking everyone's sessions). */
  public PermissionDeniedException(String callerUserId, Permission needed) {
    super("user " + callerUserId + " may not do this: it needs the permission " + needed.mattermostName());
    this.callerUserId = callerUserId;
    this.targetUserId = null;
  }

  public String callerUserId() {
    return callerUserId;
  }

  /** The user whose sessions the caller tried to manage; null for an action on every user. */
  public @Nullable String targetUserId() {
    return targetUserId;
  }
}
