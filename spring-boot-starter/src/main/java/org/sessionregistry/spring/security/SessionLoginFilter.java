package org.sessionregistry.spring.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.http.SessionCookies;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The login endpoint: {@code POST} of {@code {"username": ..., "password": ...}} (JSON) or of the form fields
 * {@code username} and {@code password}, checked by the application's {@link AuthenticationManager} (whatever providers
 * it has); a success issues a session ({@link SessionLogin}) and answers 200 with its token (also in the {@code Token}
 * header, as Mattermost), its id, user id, expiry and CSRF proof, and sets the session cookies
 * ({@link SessionCookies#forSession}: {@code MMAUTHTOKEN}, {@code MMUSERID}, {@code MMCSRF}, living as long as the
 * session, {@code Secure} over HTTPS). Bad credentials answer 401, a refused login beyond the cap per user 409, a store
 * that cannot be asked 503. A form login a browser marks {@code Sec-Fetch-Site: cross-site} answers 403: a page
 * elsewhere must not log a visitor in to an account of its choosing (a JSON login cannot be sent cross-site without
 * a CORS preflight). Nothing is logged of the credentials.
 */
final class SessionLoginFilter extends OncePerRequestFilter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RequestMatcher matcher;
  private final AuthenticationManager authenticationManager;
  private final SessionRegistry registry;
  private final @Nullable SessionLimit limit;

  SessionLoginFilter(
      String loginUrl,
      AuthenticationManager authenticationManager,
      SessionRegistry registry,
      @Nullable SessionLimit limit) {
    this.matcher = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, loginUrl);
    this.authenticationManager = authenticationManager;
    this.registry = registry;
    this.limit = limit;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!matcher.matches(request)) {
      chain.doFilter(request, response);
      return;
    }
    String username;
    String password;
    String contentType = request.getContentType();
    if (contentType != null && contentType.toLowerCase().startsWith("application/json")) {
      JsonNode body;
      try {
        body = JSON.readTree(request.getInputStream());
      } catch (IOException e) {
        body = null;
      }
      username = body == null ? null : text(body, "username");
      password = body == null ? null : text(body, "password");
    } else {
      if ("cross-site".equals(request.getHeader("Sec-Fetch-Site"))) {
        write(response, 403, Map.of("error", "a form login must come from this site"));
        return;
      }
      username = request.getParameter("username");
      password = request.getParameter("password");
    }
    if (username == null || password == null) {
      write(response, 400, Map.of("error", "give username and password"));
      return;
    }
    IssuedSession issued;
    try {
      Authentication done =
          authenticationManager.authenticate(
              UsernamePasswordAuthenticationToken.unauthenticated(username, password));
      issued =
          limit == null
              ? SessionLogin.issue(registry, done)
              : SessionLogin.issue(registry, done, limit);
    } catch (AuthenticationException e) {
      write(response, 401, Map.of("error", "bad credentials"));
      return;
    } catch (SessionLimitExceededException e) {
      write(
          response,
          409,
          Map.of("error", "the user has as many sessions as allowed; end one first"));
      return;
    } catch (SessionStoreUnavailableException e) {
      logger.warn("could not issue a session: " + e.getMessage());
      write(response, 503, Map.of("error", "the session store is unavailable"));
      return;
    } catch (SessionStoreException e) {
      logger.error("could not issue a session: " + e.getMessage());
      write(response, 500, Map.of("error", "internal error"));
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", issued.token());
    body.put("session_id", issued.session().id());
    body.put("user_id", issued.session().userId());
    body.put("expires_at", issued.session().expiresAt().toEpochMilli());
    body.put("csrf", issued.session().props().get("csrf"));
    response.setHeader("Token", issued.token());
    SessionCookies.forSession(issued.token(), issued.session(), request.isSecure())
        .forEach(c -> response.addHeader("Set-Cookie", c));
    response.setHeader("Cache-Control", "no-store");
    write(response, 200, body);
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static void write(HttpServletResponse response, int status, Map<String, ?> body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
