package org.sessionregistry.spring.security;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionRegistry;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Turns a successful Spring Security login into a session of the registry: the one place where an
 * {@link Authentication} becomes a {@link NewSession}. The login endpoint of {@link SessionRegistryConfigurer} uses it;
 * an application with a login of its own (any {@code AuthenticationProvider}) calls it once the login succeeded:
 *
 * <pre>{@code
 * Authentication done = authenticationManager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(u, p));
 * IssuedSession issued = SessionLogin.issue(registry, done);  // hand issued.token() to the client, once
 * }</pre>
 */
public final class SessionLogin {
  private SessionLogin() {}

  /**
   * Issues a session for the authenticated user: its user id is {@link Authentication#getName()}, its recorded roles
   * the authorities' names that fit a session's roles (what authorizes a request later is the user's current roles),
   * and a {@code csrf} prop, the proof a cookie-authenticated write must carry in {@code X-CSRF-Token}. The cap per
   * user applies atomically, on every node.
   *
   * @throws IllegalArgumentException if the authentication is not authenticated
   * @throws SessionLimitExceededException if the user is at its cap and the policy refuses
   */
  public static IssuedSession issue(SessionRegistry registry, Authentication authentication) {
    return registry.create(request(authentication));
  }

  /**
   * As {@link #issue(SessionRegistry, Authentication)}, capped by {@code limit} instead of the registry's own cap:
   * counted, enforced and the session created in one atomic store operation, on every node (what
   * {@link SessionRegistryConfigurer#maximumSessions} gives the configurer's login).
   *
   * @throws IllegalArgumentException if the authentication is not authenticated, or the limit is null
   * @throws SessionLimitExceededException if the user is at the limit and its policy refuses
   */
  public static IssuedSession issue(
      SessionRegistry registry, Authentication authentication, SessionLimit limit) {
    return registry.create(request(authentication).withLimit(limit));
  }

  private static NewSession request(Authentication authentication) {
    if (authentication == null || !authentication.isAuthenticated()) {
      throw new IllegalArgumentException("authentication must be a successful login");
    }
    return NewSession.forUser(authentication.getName())
        .withRoles(recordedRoles(authentication))
        .withProps(Map.of("csrf", Ids.newId()));
  }

  /** The authorities a session can record: valid role names, sorted, within the roles' total length. */
  static Set<String> recordedRoles(Authentication authentication) {
    Set<String> roles = new TreeSet<>();
    int length = -1;
    for (GrantedAuthority a : authentication.getAuthorities()) {
      String name = a.getAuthority();
      if (name == null
          || name.isEmpty()
          || name.length() > Session.MAX_ROLE_LENGTH
          || name.codePoints()
              .anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
        continue;
      }
      if (length + 1 + name.length() > Session.MAX_ROLES_LENGTH) {
        break;
      }
      if (roles.add(name)) {
        length += 1 + name.length();
      }
    }
    return roles;
  }
}
