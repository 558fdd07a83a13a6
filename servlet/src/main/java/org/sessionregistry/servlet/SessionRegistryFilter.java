package org.sessionregistry.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.util.Optional;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.http.AppError;
import org.sessionregistry.http.ClientAddressResolver;
import org.sessionregistry.http.HttpRequest;
import org.sessionregistry.http.RequestAuthenticator;

/**
 * Authenticates an application's own endpoints by the rules of the Mattermost endpoints: the bearer token, or the
 * {@code MMAUTHTOKEN} cookie with its CSRF proof on writes (see {@link RequestAuthenticator}). An authenticated request
 * reaches the application with its {@link Session} as the request attribute {@link #SESSION_ATTRIBUTE} (or
 * {@link #session(ServletRequest)}), with {@code getUserPrincipal()} naming the user ({@link SessionPrincipal}) and
 * {@code isUserInRole} answering from the session's roles; its activity is recorded as {@link SessionRegistry#touch}
 * does, and a cookie session that activity extended gets its cookies again with the new lifetime.
 *
 * <pre>{@code
 * // Every request under /app/* must carry a live session; others get 401 as an AppError:
 * context.addFilter(new FilterHolder(SessionRegistryFilter.requiring(registry)), "/app/*",
 *     EnumSet.of(DispatcherType.REQUEST));
 * // Or let anonymous requests through, and look at the session where it matters:
 * SessionRegistryFilter.optional(registry);
 * // Behind a reverse proxy: the client as the proxy reports it (give the API's builder the same resolver).
 * SessionRegistryFilter.requiring(registry)
 *     .withClientAddress(ClientAddressResolver.trustedProxies(List.of("10.0.0.0/8")));
 * }</pre>
 *
 * <p>Every request it passes on carries its client ({@link ClientAddressResolver.Client}: address, HTTPS) as the
 * attribute {@link #CLIENT_ATTRIBUTE} (or {@link #client(ServletRequest)}), resolved by the filter's
 * {@link ClientAddressResolver}, by default {@link ClientAddressResolver#direct()}. {@code getRemoteAddr()} stays the
 * container's, the TCP peer.
 *
 * <p>A store that cannot be asked answers 503 as an AppError (another store failure, 500): a session that could not
 * be checked is never let through. Thread-safe.
 */
public final class SessionRegistryFilter implements Filter {
  /** The request attribute holding the authenticated {@link Session}. */
  public static final String SESSION_ATTRIBUTE = Session.class.getName();

  /** The request attribute holding the request's {@link ClientAddressResolver.Client}. */
  public static final String CLIENT_ATTRIBUTE = ClientAddressResolver.Client.class.getName();

  private static final System.Logger LOG = System.getLogger(SessionRegistryFilter.class.getName());

  private final SessionRegistry registry;
  private final RequestAuthenticator authenticator;
  private final boolean required;
  private final ClientAddressResolver clientAddress;

  private SessionRegistryFilter(
      SessionRegistry registry, boolean required, ClientAddressResolver clientAddress) {
    this.registry = registry;
    this.authenticator = new RequestAuthenticator(registry);
    this.required = required;
    this.clientAddress = clientAddress;
  }

  /** A filter that answers 401 ({@code api.context.session_expired.app_error}) to a request without a live session. */
  public static SessionRegistryFilter requiring(SessionRegistry registry) {
    return new SessionRegistryFilter(
        requireRegistry(registry), true, ClientAddressResolver.direct());
  }

  /** A filter that lets a request without a live session through, as anonymous. */
  public static SessionRegistryFilter optional(SessionRegistry registry) {
    return new SessionRegistryFilter(
        requireRegistry(registry), false, ClientAddressResolver.direct());
  }

  /**
   * This filter, with the client of each request resolved by {@code clientAddress} (see {@link #CLIENT_ATTRIBUTE}):
   * behind a reverse proxy, the resolver the API's builder has ({@code MattermostSessionApi.Builder.clientAddress}).
   */
  public SessionRegistryFilter withClientAddress(ClientAddressResolver clientAddress) {
    if (clientAddress == null) {
      throw new IllegalArgumentException("clientAddress must not be null");
    }
    return new SessionRegistryFilter(registry, required, clientAddress);
  }

  /** The client of a request this filter passed on; empty for one it did not see. */
  public static Optional<ClientAddressResolver.Client> client(ServletRequest request) {
    return request.getAttribute(CLIENT_ATTRIBUTE) instanceof ClientAddressResolver.Client c
        ? Optional.of(c)
        : Optional.empty();
  }

  /** The session this filter authenticated the request with; empty for an anonymous one. */
  public static Optional<Session> session(ServletRequest request) {
    return request.getAttribute(SESSION_ATTRIBUTE) instanceof Session s
        ? Optional.of(s)
        : Optional.empty();
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest req)
        || !(response instanceof HttpServletResponse resp)) {
      throw new ServletException("SessionRegistryFilter serves HTTP requests only");
    }
    HttpRequest neutral = ServletExchange.withoutBody(req);
    ClientAddressResolver.Client client = clientAddress.resolve(neutral);
    req.setAttribute(CLIENT_ATTRIBUTE, client);
    Optional<Session> session;
    try {
      Optional<RequestAuthenticator.Authentication> auth =
          authenticator.authenticate(neutral, client.https() || req.isSecure());
      // A cookie session that activity extended gets its cookies again, or the browser drops them
      // at the old expiry.
      auth.ifPresent(a -> a.cookies().forEach(c -> resp.addHeader("Set-Cookie", c)));
      session = auth.map(RequestAuthenticator.Authentication::session);
    } catch (RequestAuthenticator.CsrfProofMissingException e) {
      session = Optional.empty(); // a cookie write without its proof is anonymous
    } catch (SessionStoreUnavailableException e) {
      LOG.log(Level.WARNING, "could not check a session: " + e.getMessage());
      ServletExchange.write(
          AppError.response(
              503,
              "api.context.session_store_unavailable.app_error",
              "The session store is unavailable. Please try again later."),
          resp);
      return;
    } catch (SessionStoreException e) {
      LOG.log(Level.ERROR, "could not check a session: " + e.getMessage());
      ServletExchange.write(
          AppError.response(
              500, "api.context.internal_error.app_error", "An internal error occurred."),
          resp);
      return;
    }
    if (session.isEmpty()) {
      if (required) {
        ServletExchange.write(
            AppError.response(
                401,
                "api.context.session_expired.app_error",
                "Invalid or expired session, please login again."),
            resp);
        return;
      }
      chain.doFilter(req, resp);
      return;
    }
    req.setAttribute(SESSION_ATTRIBUTE, session.get());
    chain.doFilter(new Authenticated(req, session.get(), registry), resp);
  }

  private static SessionRegistry requireRegistry(SessionRegistry registry) {
    if (registry == null) {
      throw new IllegalArgumentException("registry must not be null");
    }
    return registry;
  }

  /** The user of an authenticated request: its name is the user id. */
  public record SessionPrincipal(Session session) implements Principal {
    @Override
    public String getName() {
      return session.userId();
    }
  }

  /** The request as the application sees it once authenticated. */
  private static final class Authenticated extends HttpServletRequestWrapper {
    private final SessionPrincipal principal;
    private final SessionRegistry registry;

    Authenticated(HttpServletRequest request, Session session, SessionRegistry registry) {
      super(request);
      this.principal = new SessionPrincipal(session);
      this.registry = registry;
    }

    @Override
    public Principal getUserPrincipal() {
      return principal;
    }

    @Override
    public String getRemoteUser() {
      return principal.getName();
    }

    /** By the user's current roles (see {@link SessionRegistry#currentRoles}): a demoted admin is no admin at once. */
    @Override
    public boolean isUserInRole(String role) {
      return role != null && registry.currentRoles(principal.session()).contains(role);
    }

    @Override
    public String getAuthType() {
      return "SESSION_REGISTRY";
    }
  }
}
