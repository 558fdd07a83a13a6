package org.sessionregistry;

import static org.sessionregistry.internal.Arguments.printable;
import static org.sessionregistry.internal.Arguments.require;
import static org.sessionregistry.internal.Arguments.requireId;
import static org.sessionregistry.internal.Arguments.requireMaxLength;
import static org.sessionregistry.internal.Arguments.requireNonNull;
import static org.sessionregistry.internal.Arguments.requireStorable;
import static org.sessionregistry.internal.Arguments.requireUserId;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A login session: the fields of a Mattermost session, as an immutable value.
 *
 * <p>The bearer token is deliberately not part of it: {@link SessionRegistry#create} hands it out once, in an
 * {@link IssuedSession}, and stores keep only a hash of it. A {@code Session} can therefore be logged, cached and listed
 * without leaking a credential. Listings are sanitized further: secret props such as {@code csrf} are removed.
 *
 * @param id the session id, 26 characters
 * @param userId the id of the user the session belongs to: the application's own, 1 to
 *     {@value Ids#MAX_USER_ID_LENGTH} characters
 *     ({@link Ids#isValidUserId})
 * @param createdAt when the session was issued
 * @param expiresAt when the session ends: fixed at creation, or moved later by activity when the registry extends
 *     sessions with activity ({@link SessionRegistry.Builder#extendWithActivity})
 * @param lastActivityAt the last recorded activity; written at most once per touch interval
 * @param deviceId the client's device id for push notifications, possibly empty, at most 512 characters
 * @param roles space-separated role names, such as {@code "system_user"} or {@code "system_admin system_user"}
 * @param oauth whether the session was issued through OAuth
 * @param expiredNotify whether the user was told that the session expired
 * @param props string properties (platform, os, browser, csrf, ...), sorted by key
 */
public record Session(
    String id,
    String userId,
    Instant createdAt,
    Instant expiresAt,
    Instant lastActivityAt,
    String deviceId,
    String roles,
    boolean oauth,
    boolean expiredNotify,
    Map<String, String> props) {

  /** Mattermost's limit on {@link #deviceId()}. */
  public static final int MAX_DEVICE_ID_LENGTH = 512;
  /** Mattermost's limit on {@link #roles()}. */
  public static final int MAX_ROLES_LENGTH = 256;
  /** At most this many {@link #props()}. */
  public static final int MAX_PROPS = 32;
  /** A prop key is 1 to this many characters. */
  public static final int MAX_PROP_KEY_LENGTH = 64;
  /** A prop value is at most this many characters. */
  public static final int MAX_PROP_VALUE_LENGTH = 1024;

  /** Validates every field; fails with an {@link IllegalArgumentException} naming the field. */
  public Session {
    requireId(id, "id");
    requireUserId(userId, "userId");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(lastActivityAt, "lastActivityAt");
    requireStorable(requireMaxLength(deviceId, "deviceId", MAX_DEVICE_ID_LENGTH), "deviceId");
    requireStorable(requireMaxLength(roles, "roles", MAX_ROLES_LENGTH), "roles");
    props = copyProps(props);
  }

  /** This session with its activity recorded: a later last activity, and an expiry it extended to (or the same). */
  public Session withActivity(Instant lastActivityAt, Instant expiresAt) {
    return new Session(id, userId, createdAt, expiresAt, lastActivityAt, deviceId, roles, oauth, expiredNotify, props);
  }

  /** This session without the given props; itself when it has none of them. */
  public Session withoutProps(Collection<String> keys) {
    if (props.isEmpty() || keys.stream().noneMatch(props::containsKey)) {
      return this;
    }
    Map<String, String> kept = new TreeMap<>(props);
    kept.keySet().removeAll(keys);
    return new Session(id, userId, createdAt, expiresAt, lastActivityAt, deviceId, roles, oauth, expiredNotify, kept);
  }

  /** Shows prop keys only: a prop value may be a secret (csrf). */
  @Override
  public String toString() {
    return "Session[id=" + id + ", userId=" + userId + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt
        + ", lastActivityAt=" + lastActivityAt + ", deviceId=" + deviceId + ", roles=" + roles + ", oauth=" + oauth
        + ", expiredNotify=" + expiredNotify + ", props=" + props.keySet() + "]";
  }

  static Map<String, String> copyProps(Map<String, String> props) {
    requireNonNull(props, "props");
    if (props.isEmpty()) {
      return Map.of();
    }
    require(props.size() <= MAX_PROPS,
        "props must have at most " + MAX_PROPS + " entries, had " + props.size());
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : props.entrySet()) {
      String key = requireStorable(requireNonNull(e.getKey(), "props key"), "a props key");
      require(!key.isEmpty() && key.length() <= MAX_PROP_KEY_LENGTH,
          "props keys must be 1 to " + MAX_PROP_KEY_LENGTH + " characters, had one of " + key.length());
      String name = "props[" + printable(key) + "]";
      String value = requireNonNull(e.getValue(), name);
      requireStorable(requireMaxLength(value, name, MAX_PROP_VALUE_LENGTH), name);
      copy.put(key, value);
    }
    return Collections.unmodifiableMap(copy);
  }
}
