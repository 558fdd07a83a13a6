package org.sessionregistry.http;

import java.util.ArrayList;
import java.util.List;
import org.sessionregistry.Session;

/**
 * Mattermost's session cookies, as {@code Set-Cookie} values: {@code MMAUTHTOKEN} (the token, {@code HttpOnly}),
 * {@code MMUSERID} and {@code MMCSRF}, on {@code /}, {@code SameSite=Lax}, {@code Secure} when asked. One place for
 * their attributes, for the endpoints and the servlet filter alike.
 */
final class SessionCookies {
  static final String TOKEN = "MMAUTHTOKEN";
  static final String USER_ID = "MMUSERID";
  static final String CSRF = "MMCSRF";

  private SessionCookies() {}

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
  static String cookie(
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
