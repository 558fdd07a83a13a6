package org.sessionregistry;

import static org.sessionregistry.internal.Arguments.printable;
import static org.sessionregistry.internal.Arguments.require;
import static org.sessionregistry.internal.Arguments.requireId;
import static org.sessionregistry.internal.Arguments.requireMaxLength;
import static org.sessionregistry.internal.Arguments.requireNonNull;
import static org.sessionregistry.internal.Arguments.requireRoles;
import static org.sessionregistry.internal.Arguments.requireStorable;
import static org.sessionregistry.internal.Arguments.requireUserId;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A login session, as an immutable value: whose it is, its times, the client's device and details, and the roles it
 * was issued with.
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
 * @param roles the application's role names the session was issued with, sorted (see {@link #MAX_ROLES_LENGTH} for
 *     the rule); a record of the login only: what a caller may do is decided by its user's <em>current</em> roles
 *     ({@link UserRoles})
 * @param props string properties (platform, os, browser, csrf, ...), sorted by key
 */
public record Session(
    String id,
    String userId,
    Instant createdAt,
    Instant expiresAt,
    Instant lastActivityAt,
    String deviceId,
    Set<String> roles,
    Map<String, String> props) {

  /** Mattermost's limit on {@link #deviceId()}. */
  public static final int MAX_DEVICE_ID_LENGTH = 512;

  /**
   * The roles, joined by single spaces, are at most this many characters (Mattermost's limit, and the stores' column);
   * each role is 1 to {@value #MAX_ROLE_LENGTH} characters without whitespace or control characters.
   */
  public static final int MAX_ROLES_LENGTH = 256;

  /** A role name is 1 to this many characters. */
  public static final int MAX_ROLE_LENGTH = 64;

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
    roles = requireRoles(roles, "roles", MAX_ROLE_LENGTH, MAX_ROLES_LENGTH);
    props = copyProps(props);
  }

  /** This session with its activity recorded: a later last activity, and an expiry it extended to (or the same). */
  public Session withActivity(Instant lastActivityAt, Instant expiresAt) {
    return new Session(id, userId, createdAt, expiresAt, lastActivityAt, deviceId, roles, props);
  }

  /** This session without the given props; itself when it has none of them. */
  public Session withoutProps(Collection<String> keys) {
    if (props.isEmpty() || keys.stream().noneMatch(props::containsKey)) {
      return this;
    }
    Map<String, String> kept = new TreeMap<>(props);
    kept.keySet().removeAll(keys);
    return new Session(id, userId, createdAt, expiresAt, lastActivityAt, deviceId, roles, kept);
  }

  /** Shows prop keys only: a prop value may be a secret (csrf). */
  @Override
  public String toString() {
    return "Session[id="
        + id
        + ", userId="
        + userId
        + ", createdAt="
        + createdAt
        + ", expiresAt="
        + expiresAt
        + ", lastActivityAt="
        + lastActivityAt
        + ", deviceId="
        + deviceId
        + ", roles="
        + roles
        + ", props="
        + props.keySet()
        + "]";
  }

  static Map<String, String> copyProps(Map<String, String> props) {
    requireNonNull(props, "props");
    if (props.isEmpty()) {
      return Map.of();
    }
    require(
        props.size() <= MAX_PROPS,
        "props must have at most " + MAX_PROPS + " entries, had " + props.size());
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : props.entrySet()) {
      String key = requireStorable(requireNonNull(e.getKey(), "props key"), "a props key");
      require(
          !key.isEmpty() && key.length() <= MAX_PROP_KEY_LENGTH,
          "props keys must be 1 to "
              + MAX_PROP_KEY_LENGTH
              + " characters, had one of "
              + key.length());
      String name = "props[" + printable(key) + "]";
      String value = requireNonNull(e.getValue(), name);
      requireStorable(requireMaxLength(value, name, MAX_PROP_VALUE_LENGTH), name);
      copy.put(key, value);
    }
    return Collections.unmodifiableMap(copy);
  }
}
