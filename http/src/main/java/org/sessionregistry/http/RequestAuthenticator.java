package org.sessionregistry.http;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;

/**
 * Finds the session a request carries, as Mattermost does: the token from {@code Authorization: Bearer <t>} (or
 * {@code Token <t>}, any case), else from the {@code MMAUTHTOKEN} cookie. A cookie travels with cross-site requests,
 * so a write (any method but {@code GET}) authenticated by cookie must also prove it came from the application:
 * Mattermost's {@code X-CSRF-Token} header (the session's {@code csrf} prop), or its older
 * {@code X-Requested-With: XMLHttpRequest}. Each call reads the store once.
 *
 * <p>Used by {@link MattermostSessionApi} and by the servlet filter that authenticates an application's own endpoints.
 * Thread-safe.
 */
public final class RequestAuthenticator {
  private static final Pattern AUTH_HEADER = Pattern.compile("(?i)(?:bearer|token)\\s+(\\S+)\\s*");

  private final SessionRegistry registry;

  public RequestAuthenticator(SessionRegistry registry) {
    if (registry == null) {
      throw new IllegalArgumentException("registry must not be null");
    }
    this.registry = registry;
  }

  /**
   * The live session of the request's credential, its activity recorded (see {@link SessionRegistry#touch}), with the
   * cookies the response must carry: when the touch extended a session that came in the {@code MMAUTHTOKEN} cookie
   * ({@link SessionRegistry.Builder#extendWithActivity}), the session cookies again with the new lifetime, as
   * Mattermost's {@code AttachSessionCookies} does, or the browser would drop them at the old expiry. A bearer token
   * never travels into a cookie. Empty when the request carries no credential, or one that names no live session.
   *
   * @param secureCookies whether cookies must be {@code Secure} (the client came over HTTPS)
   * @throws CsrfProofMissingException if a cookie-authenticated write lacks its CSRF proof
   * @throws org.sessionregistry.SessionStoreException if the store could not be asked: refuse the request
   */
  public Optional<Authentication> authenticate(HttpRequest request, boolean secureCookies) {
    Credential credential = credential(request);
    if (credential == null) {
      return Optional.empty();
    }
    Optional<Session> found = find(request, credential);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Instant before = found.get().expiresAt();
    return registry
        .touch(found.get())
        .map(
            touched ->
                new Authentication(
                    touched,
                    credential.fromCookie && touched.expiresAt().isAfter(before)
                        ? SessionCookies.forSession(credential.token, touched, secureCookies)
                        : List.of()));
  }

  /**
   * A request's live session, its activity recorded, and the {@code Set-Cookie} values the response must carry
   * (empty unless the session was extended and came in a cookie). Its {@code toString()} shows no cookie: they hold
   * the token.
   */
  public record Authentication(Session session, List<String> cookies) {
    public Authentication {
      cookies = List.copyOf(cookies);
    }

    @Override
    public String toString() {
      return "Authentication[session=" + session.id() + ", cookies=" + cookies.size() + "]";
    }
  }

  /** The request's live session, without recording activity: for a request that ends the session anyway. */
  public Optional<Session> find(HttpRequest request) {
    Credential credential = credential(request);
    return credential == null ? Optional.empty() : find(request, credential);
  }

  private Optional<Session> find(HttpRequest request, Credential credential) {
    boolean needsProof =
        credential.fromCookie
            && !request.method().equals("GET")
            && !"XMLHttpRequest".equals(request.header("X-Requested-With"));
    String csrf = request.header("X-CSRF-Token");
    if (needsProof && csrf == null) {
      throw new CsrfProofMissingException(); // refused before the store is asked
    }
    Optional<Session> session = registry.authenticate(credential.token);
    if (needsProof && (session.isEmpty() || !csrf.equals(session.get().props().get("csrf")))) {
      throw new CsrfProofMissingException();
    }
    return session;
  }

  private record Credential(String token, boolean fromCookie) {}

  private static @Nullable Credential credential(HttpRequest request) {
    String authorization = request.header("Authorization");
    if (authorization != null) {
      Matcher m = AUTH_HEADER.matcher(authorization);
      if (m.matches()) {
        return new Credential(m.group(1), false);
      }
      // Another scheme (Basic auth of a proxy, say): the session may still come in the cookie.
    }
    List<String> cookies = request.headers().get("Cookie");
    if (cookies != null) {
      for (String header : cookies) {
        for (String pair : header.split(";")) {
          int eq = pair.indexOf('=');
          if (eq > 0 && pair.substring(0, eq).trim().equals(SessionCookies.TOKEN)) {
            return new Credential(pair.substring(eq + 1).trim(), true);
          }
        }
      }
    }
    return null;
  }

  /**
   * A write authenticated by cookie came without the proof that the application sent it (a forged cross-site request,
   * or a client that forgot the header): refuse it as unauthenticated. Carries no token.
   */
  public static final class CsrfProofMissingException extends RuntimeException {
    CsrfProofMissingException() {
      super(
          "a write authenticated by the MMAUTHTOKEN cookie needs X-CSRF-Token or X-Requested-With: XMLHttpRequest",
          null,
          false,
          false);
    }
  }
}
