package org.sessionregistry;

import java.util.Map;

/**
 * What to issue a session for: the user and the client's details. Build one with {@link #forUser(String)} and the
 * {@code with...} methods; the values are checked by {@link SessionRegistry#create(NewSession)}.
 *
 * @param userId the user: the application's id for it, 1 to {@value Ids#MAX_USER_ID_LENGTH} characters
 *     ({@link Ids#isValidUserId})
 * @param deviceId the client's device id, possibly empty, at most {@value Session#MAX_DEVICE_ID_LENGTH} characters
 * @param roles space-separated roles, at most {@value Session#MAX_ROLES_LENGTH} characters
 * @param oauth whether the session is issued through OAuth
 * @param props string properties (platform, os, browser, csrf, ...)
 * @param replaceSameDevice whether the user's earlier sessions with the same (non-empty) device id end when this one is
 *     created, in the same store operation
 */
public record NewSession(String userId, String deviceId, String roles, boolean oauth, Map<String, String> props,
    boolean replaceSameDevice) {

  /** The roles of a regular user, the default. */
  public static final String DEFAULT_ROLES = "system_user";

  /** A session for {@code userId} with no device id, the roles {@value #DEFAULT_ROLES} and no props. */
  public static NewSession forUser(String userId) {
    return new NewSession(userId, "", DEFAULT_ROLES, false, Map.of(), false);
  }

  public NewSession withDeviceId(String deviceId) {
    return new NewSession(userId, deviceId, roles, oauth, props, replaceSameDevice);
  }

  public NewSession withRoles(String roles) {
    return new NewSession(userId, deviceId, roles, oauth, props, replaceSameDevice);
  }

  /**
   * This request, ending the user's earlier sessions with the same device id when the session is created, atomically
   * with the create (as Mattermost does when a device logs in again): two logins of one device at once leave one
   * session. Ended sessions are told to listeners as {@link RevocationReason#REPLACED_BY_SAME_DEVICE}; they do not
   * count against the user's session limit. Without a device id it ends nothing.
   */
  public NewSession replacingSameDevice() {
    return new NewSession(userId, deviceId, roles, oauth, props, true);
  }

  public NewSession withProps(Map<String, String> props) {
    return new NewSession(userId, deviceId, roles, oauth, props, replaceSameDevice);
  }

  /** Shows prop keys only: a prop value may be a secret (csrf). */
  @Override
  public String toString() {
    return "NewSession[userId=" + userId + ", deviceId=" + deviceId + ", roles=" + roles + ", oauth=" + oauth
        + ", props=" + (props == null ? null : props.keySet()) + ", replaceSameDevice=" + replaceSameDevice + "]";
  }
}
