package org.sessionregistry.spring.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.http.HttpRequest;
import org.sessionregistry.http.RequestAuthenticator;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request by the binding's rules ({@link RequestAuthenticator}: the bearer token, or the
 * {@code MMAUTHTOKEN} cookie with its CSRF proof on writes) and puts a {@link SessionAuthentication} with the user's
 * current roles in the security context. A request without a live session, or a cookie write without its proof, goes
 * on anonymous: the application's authorization rules answer it. A store that cannot be asked answers 503.
 */
final class SessionAuthenticationFilter extends OncePerRequestFilter {
  /**
   * Set on a request whose {@code MMAUTHTOKEN} cookie came on a write without its CSRF proof: it goes on anonymous, and
   * a logout answers 401 rather than pretend the session ended.
   */
  static final String CSRF_PROOF_MISSING = SessionAuthenticationFilter.class.getName() + ".csrf";

  private static final byte[] NO_BODY = new byte[0];
  private final SessionRegistry registry;
  private final RequestAuthenticator authenticator;
  private final SecurityContextHolderStrategy contexts;

  SessionAuthenticationFilter(SessionRegistry registry, SecurityContextHolderStrategy contexts) {
    this.registry = registry;
    this.authenticator = new RequestAuthenticator(registry);
    this.contexts = contexts;
  }

  /** The error page a refused request is forwarded to is that request's: stateless, it is authenticated again. */
  @Override
  protected boolean shouldNotFilterErrorDispatch() {
    return false;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<RequestAuthenticator.Authentication> found;
    try {
      found = authenticator.authenticate(neutral(request), request.isSecure());
    } catch (RequestAuthenticator.CsrfProofMissingException e) {
      request.setAttribute(CSRF_PROOF_MISSING, Boolean.TRUE);
      found = Optional.empty();
    } catch (SessionStoreUnavailableException e) {
      logger.warn("could not check a session: " + e.getMessage());
      response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
      return;
    } catch (SessionStoreException e) {
      logger.error("could not check a session: " + e.getMessage());
      response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
      return;
    }
    if (found.isPresent()) {
      // A cookie session that activity extended gets its cookies again, or the browser drops them
      // at the old expiry.
      found.get().cookies().forEach(c -> response.addHeader("Set-Cookie", c));
      Session session = found.get().session();
      SecurityContext context = contexts.createEmptyContext();
      context.setAuthentication(
          new SessionAuthentication(
              session,
              registry.currentRoles(session).stream().map(SimpleGrantedAuthority::new).toList()));
      contexts.setContext(context);
    }
    chain.doFilter(request, response);
  }

  /** The request's method, path and headers: what the authenticator reads. */
  static HttpRequest neutral(HttpServletRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    return new HttpRequest(
        request.getMethod(),
        request.getRequestURI(),
        headers,
        NO_BODY,
        request.getRemoteAddr() == null ? "" : request.getRemoteAddr());
  }
}
