package org.sessionregistry.spring.security;

import java.util.Collection;
import org.sessionregistry.Session;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * A request authenticated by a live session of the registry: its principal is the {@link Session} (so
 * {@code @AuthenticationPrincipal Session session} works), its name the session's user id, its authorities the user's
 * roles <em>now</em> ({@link org.sessionregistry.SessionRegistry#currentRoles}), one authority per role name, as they
 * are: a role {@code ROLE_ADMIN} is what {@code hasRole("ADMIN")} asks for. It carries no credential: the token is
 * never kept.
 */
public final class SessionAuthentication extends AbstractAuthenticationToken {
  private static final long serialVersionUID = 1L;
  private final Session session;

  SessionAuthentication(Session session, Collection<? extends GrantedAuthority> authorities) {
    super(authorities);
    this.session = session;
    setAuthenticated(true);
  }

  /** The session the request came with. */
  public Session session() {
    return session;
  }

  @Override
  public Session getPrincipal() {
    return session;
  }

  /** Always null: the token is never kept. */
  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public String getName() {
    return session.userId();
  }
}
