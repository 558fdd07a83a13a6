package org.sessionregistry;

/** The Mattermost permissions that decide who may manage another user's sessions. */
public enum Permission {
  /** {@code manage_system}: a system admin; may manage anyone's sessions. */
  MANAGE_SYSTEM("manage_system"),
  /** {@code edit_other_users}: may manage other users' sessions, except those of a system admin. */
  EDIT_OTHER_USERS("edit_other_users");

  private final String mattermostName;

  Permission(String mattermostName) {
    this.mattermostName = mattermostName;
  }

  /** The permission's name in Mattermost, e.g. {@code edit_other_users}. */
  public String mattermostName() {
    return mattermostName;
  }
}
