package org.sessionregistry.spring.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code sessions} Actuator endpoint, on every store and atomic: {@code GET /actuator/sessions?username=alice}
 * lists a user's live sessions, sanitized (no token, no secret prop); {@code DELETE
 * /actuator/sessions/{sessionId}?username=alice} revokes one; {@code DELETE /actuator/sessions?username=alice} revokes
 * all of the user's in one store operation. Off unless the application exposes it
 * ({@code management.endpoints.web.exposure.include=sessions}), as Actuator's convention is; once exposed, the
 * application's security decides who reaches it (keep {@code /actuator/**} to administrators).
 */
@Endpoint(id = "sessions")
public class SessionsEndpoint {
  private final SessionRegistry registry;

  public SessionsEndpoint(SessionRegistry registry) {
    this.registry = registry;
  }

  /** The user's live sessions, newest activity first. */
  @ReadOperation
  public UserSessions sessions(String username) {
    return new UserSessions(
        call(() -> registry.list(username)).stream().map(SessionDescriptor::of).toList());
  }

  /** Revokes every session of the user, in one store operation. */
  @DeleteOperation
  public void revokeAll(String username) {
    call(
        () -> {
          registry.revokeAll(username);
          return null;
        });
  }

  /** Revokes one session of the user; nothing if it has no such live session. */
  @DeleteOperation
  public void revoke(@Selector String sessionId, String username) {
    call(() -> registry.revoke(username, sessionId));
  }

  /** A bad user or session id is the request's fault (400), and the message names the rule, not the value. */
  private static <T> T call(java.util.function.Supplier<T> operation) {
    try {
      return operation.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
    }
  }

  /** A user's sessions. */
  public record UserSessions(List<SessionDescriptor> sessions) {}

  /** A session as the endpoint shows it: never a token, never a secret prop. */
  public record SessionDescriptor(
      String id,
      Instant createdAt,
      Instant lastActivityAt,
      Instant expiresAt,
      String deviceId,
      Map<String, String> props) {
    static SessionDescriptor of(Session s) {
      return new SessionDescriptor(
          s.id(), s.createdAt(), s.lastActivityAt(), s.expiresAt(), s.deviceId(), s.props());
    }
  }
}
