package org.sessionregistry;

import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What to issue a session for: the user and the client's details. Build one with {@link #forUser(String)} and the
 * {@code with...} methods; the values are checked by {@link SessionRegistry#create(NewSession)}.
 *
 * @param userId the user: the application's id for it, 1 to {@value Ids#MAX_USER_ID_LENGTH} characters
 *     ({@link Ids#isValidUserId})
 * @param deviceId the client's device id, possibly empty, at most {@value Session#MAX_DEVICE_ID_LENGTH} characters
 * @param roles the application's role names to record in the session (see {@link Session#MAX_ROLES_LENGTH})
 * @param props string properties (platform, os, browser, csrf, ...)
 * @param replaceSameDevice whether the user's earlier sessions with the same (non-empty) device id end when this one is
 *     created, in the same store operation
 * @param limit the cap on the user's live sessions for this create, instead of the registry's
 *     ({@link SessionRegistry.Builder#maxSessionsPerUser}); null for the registry's
 */
public record NewSession(
    String userId,
    String deviceId,
    Set<String> roles,
    Map<String, String> props,
    boolean replaceSameDevice,
    @Nullable SessionLimit limit) {

  /** A session for {@code userId} with no device id, no roles and no props. */
  public static NewSession forUser(String userId) {
    return new NewSession(userId, "", Set.of(), Map.of(), false, null);
  }

  public NewSession withDeviceId(String deviceId) {
    return new NewSession(userId, deviceId, roles, props, replaceSameDevice, limit);
  }

  public NewSession withRoles(Set<String> roles) {
    return new NewSession(userId, deviceId, roles, props, replaceSameDevice, limit);
  }

  /**
   * This request, ending the user's earlier sessions with the same device id when the session is created, atomically
   * with the create (as Mattermost does when a device logs in again): two logins of one device at once leave one
   * session. Ended sessions are told to listeners as {@link RevocationReason#REPLACED_BY_SAME_DEVICE}; they do not
   * count against the user's session limit. Without a device id it ends nothing.
   */
  public NewSession replacingSameDevice() {
    return new NewSession(userId, deviceId, roles, props, true, limit);
  }

  public NewSession withProps(Map<String, String> props) {
    return new NewSession(userId, deviceId, roles, props, replaceSameDevice, limit);
  }

  /**
   * This request, capped by {@code limit} instead of the registry's session limit: counted, enforced and the session
   * created in the same atomic store operation, as the registry's own. For a login path with a cap of its own (the
   * Spring Security configurer's {@code maximumSessions}).
   *
   * @throws IllegalArgumentException if {@code limit} is null
   */
  public NewSession withLimit(SessionLimit limit) {
    if (limit == null) {
      throw new IllegalArgumentException("limit must not be null");
    }
    return new NewSession(userId, deviceId, roles, props, replaceSameDevice, limit);
  }

  /** Shows prop keys only: a prop value may be a secret (csrf). */
  @Override
  public String toString() {
    return "NewSession[userId="
        + userId
        + ", deviceId="
        + deviceId
        + ", roles="
        + roles
        + ", props="
        + (props == null ? null : props.keySet())
        + ", replaceSameDevice="
        + replaceSameDevice
        + ", limit="
        + limit
        + "]";
  }
}
