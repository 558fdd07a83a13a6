package org.sessionregistry.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sessionregistry.Session;

/**
 * Mattermost's session cookies, as {@code Set-Cookie} header values: {@code MMAUTHTOKEN} (the token,
 * {@code HttpOnly}), {@code MMUSERID} and {@code MMCSRF} (the session's {@code csrf} prop, which a script reads and
 * sends back as {@code X-CSRF-Token}), all on {@code Path=/} with {@code SameSite=Lax}, and {@code Secure} when asked.
 * The one place for their attributes: the Mattermost endpoints, the servlet filter and the Spring Security configurer
 * all write them here, and {@link RequestAuthenticator} reads {@link #TOKEN} back.
 *
 * <pre>{@code
 * IssuedSession issued = registry.create(NewSession.forUser(id).withProps(Map.of("csrf", Ids.newId())));
 * SessionCookies.forSession(issued.token(), issued.session(), request.isSecure())
 *     .forEach(c -> response.addHeader("Set-Cookie", c));
 * // Logout:
 * SessionCookies.cleared(request.isSecure()).forEach(c -> response.addHeader("Set-Cookie", c));
 * }</pre>
 *
 * <p>Values hold the token: never log them. Stateless and thread-safe.
 */
public final class SessionCookies {
  /** The cookie that carries the session's token. */
  public static final String TOKEN = "MMAUTHTOKEN";

  /** The cookie that carries the session's user id, for scripts. */
  public static final String USER_ID = "MMUSERID";

  /** The cookie that carries the session's {@code csrf} prop, for scripts to send as {@code X-CSRF-Token}. */
  public static final String CSRF = "MMCSRF";

  private SessionCookies() {}

  /**
   * The cookies of a session just issued or extended, living as long as the session may: {@code Max-Age} is the time
   * from its last activity to its expiry ({@link Session#expiresAt()}), so the browser drops them when the session
   * ends. {@code MMCSRF} only if the session has a {@code csrf} prop.
   *
   * @param token the session's token, as {@link org.sessionregistry.IssuedSession#token()} returned it
   * @param secure whether the cookies are sent over HTTPS only (the client came over HTTPS)
   * @throws IllegalArgumentException if the token or the session is null
   */
  public static List<String> forSession(String token, Session session, boolean secure) {
    if (token == null || session == null) {
      throw new IllegalArgumentException(
          (token == null ? "token" : "session") + " must not be null");
    }
    long maxAge =
        Math.max(0, Duration.between(session.lastActivityAt(), session.expiresAt()).toSeconds());
    return of(token, session, maxAge, secure);
  }

  /** The {@code Set-Cookie} values that remove the three cookies ({@code Max-Age=0}), for a logout. */
  public static List<String> cleared(boolean secure) {
    return List.of(
        cookie(TOKEN, "", true, 0, secure),
        cookie(USER_ID, "", false, 0, secure),
        cookie(CSRF, "", false, 0, secure));
  }

  /** The three cookies of a session (MMCSRF only if it has a {@code csrf} prop), living {@code maxAgeSeconds}. */
  static List<String> of(String token, Session session, long maxAgeSeconds, boolean secure) {
    List<String> cookies = new ArrayList<>(3);
    cookies.add(cookie(TOKEN, token, true, maxAgeSeconds, secure));
    cookies.add(cookie(USER_ID, session.userId(), false, maxAgeSeconds, secure));
    String csrf = session.props().get("csrf");
    if (csrf != null) {
      cookies.add(cookie(CSRF, csrf, false, maxAgeSeconds, secure));
    }
    return cookies;
  }

  /** One cookie; {@code maxAgeSeconds} 0 removes it. */
  private static String cookie(
      String name, String value, boolean httpOnly, long maxAgeSeconds, boolean secure) {
    return name
        + "="
        + value
        + "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; SameSite=Lax"
        + (httpOnly ? "; HttpOnly" : "")
        + (secure ? "; Secure" : "");
  }
}
