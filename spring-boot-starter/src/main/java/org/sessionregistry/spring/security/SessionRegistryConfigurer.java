package org.sessionregistry.spring.security;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.http.SessionCookies;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.FormLoginConfigurer;
import org.springframework.security.config.annotation.web.configurers.HttpBasicConfigurer;
import org.springframework.security.config.annotation.web.configurers.RememberMeConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

/**
 * Authenticates a {@code SecurityFilterChain}'s requests through the {@link SessionRegistry}, in one line:
 *
 * <pre>{@code
 * @Bean
 * SecurityFilterChain api(HttpSecurity http) throws Exception {
 *   http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
 *       .with(SessionRegistryConfigurer.sessionRegistry(), Customizer.withDefaults());
 *   return http.build();
 * }
 * }</pre>
 *
 * <p>What it sets up:
 * <ul>
 *   <li>every request with a bearer token ({@code Authorization: Bearer <token>}) or the {@code MMAUTHTOKEN} cookie
 *       (on writes, with {@code X-CSRF-Token} or {@code X-Requested-With: XMLHttpRequest}) of a live session is a
 *       {@link SessionAuthentication}, whose authorities are the user's current roles; a cookie write without its
 *       proof goes on anonymous;
 *   <li>{@code POST /login} ({@link #loginUrl}) checks credentials with the application's
 *       {@link AuthenticationManager}, answers a new session's token and sets the session cookies
 *       ({@link SessionCookies}); {@link #maximumSessions} caps the user's sessions in the same atomic store
 *       operation;
 *   <li>{@code POST /logout} revokes the request's session, clears the cookies and answers 200 (401 for a cookie
 *       without its CSRF proof: the session lives on);
 *   <li>no HTTP session is created or read (stateless); Spring's CSRF token is off, the cookie's own proof above
 *       replacing it (a bearer token cannot be sent cross-site by a browser); an unauthenticated request that needs a
 *       user answers 401 unless the application chose another entry point.
 * </ul>
 *
 * <p>Because Spring's CSRF protection is off for the whole chain, the chain must not also authenticate by a
 * credential a browser sends on its own: {@code httpBasic()}, {@code formLogin()} or {@code rememberMe()} in the same
 * chain fail the start ({@link IllegalStateException}); give them a chain of their own, which keeps Spring's CSRF
 * protection.
 *
 * <p>The registry is the application context's {@link SessionRegistry} bean unless {@link #registry} names one.
 */
public final class SessionRegistryConfigurer
    extends AbstractHttpConfigurer<SessionRegistryConfigurer, HttpSecurity> {
  private String loginUrl = "/login";
  private @Nullable SessionRegistry registry;
  private int maximumSessions = -1;
  private boolean maxSessionsPreventsLogin;

  private SessionRegistryConfigurer() {}

  /** A configurer with the defaults: give it to {@code http.with(...)}. */
  public static SessionRegistryConfigurer sessionRegistry() {
    return new SessionRegistryConfigurer();
  }

  /** Where the login endpoint answers {@code POST}s. Default {@code /login}. */
  public SessionRegistryConfigurer loginUrl(String loginUrl) {
    if (loginUrl == null || !loginUrl.startsWith("/")) {
      throw new IllegalArgumentException(
          "loginUrl must be a path starting with /, was " + loginUrl);
    }
    this.loginUrl = loginUrl;
    return this;
  }

  /** The registry to authenticate through, instead of the context's bean. */
  public SessionRegistryConfigurer registry(SessionRegistry registry) {
    if (registry == null) {
      throw new IllegalArgumentException("registry must not be null");
    }
    this.registry = registry;
    return this;
  }

  /**
   * At most {@code maximumSessions} live sessions per user for logins through this chain, as Spring Security's
   * {@code sessionManagement().maximumSessions(n)}, but as the registry's atomic cap: counted, enforced and the
   * session created in one store operation ({@link org.sessionregistry.NewSession#withLimit}), so simultaneous logins
   * on any number of nodes cannot pass it. A login beyond it ends the user's least recently active sessions, or is
   * refused (409) with {@link #maxSessionsPreventsLogin}. It replaces the registry's own cap
   * ({@code session-registry.max-sessions-per-user}) for these logins. Default: the registry's cap.
   *
   * @throws IllegalArgumentException if {@code maximumSessions} is below 1
   */
  public SessionRegistryConfigurer maximumSessions(int maximumSessions) {
    if (maximumSessions < 1) {
      throw new IllegalArgumentException(
          "maximumSessions must be at least 1, was " + maximumSessions);
    }
    this.maximumSessions = maximumSessions;
    return this;
  }

  /**
   * Whether a login beyond {@link #maximumSessions} is refused (409, the user's sessions untouched), as Spring
   * Security's {@code maxSessionsPreventsLogin(true)}; default false: the user's least recently active sessions end
   * to make room. Needs {@link #maximumSessions}, or the start fails.
   */
  public SessionRegistryConfigurer maxSessionsPreventsLogin(boolean maxSessionsPreventsLogin) {
    this.maxSessionsPreventsLogin = maxSessionsPreventsLogin;
    return this;
  }

  /**
   * Sets what the other configurers read in their own {@code init}, which runs before this one's: so here, when
   * {@code http.with(...)} adds this configurer.
   */
  @Override
  public void setBuilder(HttpSecurity http) {
    super.setBuilder(http);
    http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    http.csrf(AbstractHttpConfigurer::disable);
    http.logout(
        l ->
            l.addLogoutHandler(
                    (request, response, authentication) -> {
                      if (authentication instanceof SessionAuthentication s) {
                        registry(http).logout(s.session());
                      }
                      if (request.getAttribute(SessionAuthenticationFilter.CSRF_PROOF_MISSING)
                          == null) {
                        SessionCookies.cleared(request.isSecure())
                            .forEach(c -> response.addHeader("Set-Cookie", c));
                      }
                    })
                .logoutSuccessHandler(
                    (request, response, authentication) ->
                        response.setStatus(
                            request.getAttribute(SessionAuthenticationFilter.CSRF_PROOF_MISSING)
                                    == null
                                ? HttpServletResponse.SC_OK
                                : HttpServletResponse.SC_UNAUTHORIZED)));
    http.exceptionHandling(
        e ->
            e.defaultAuthenticationEntryPointFor(
                new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), AnyRequestMatcher.INSTANCE));
  }

  @Override
  public void configure(HttpSecurity http) {
    for (Class<?> ambient :
        new Class<?>[] {
          HttpBasicConfigurer.class, FormLoginConfigurer.class, RememberMeConfigurer.class
        }) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      Object found = http.getConfigurer((Class) ambient);
      if (found != null) {
        throw new IllegalStateException(
            ambient.getSimpleName()
                + " is in a chain with SessionRegistryConfigurer, which turns Spring's CSRF protection off for the"
                + " whole chain: a credential the browser sends by itself would then authenticate forged"
                + " cross-site writes. Give it a SecurityFilterChain of its own (securityMatcher), which keeps CSRF"
                + " protection.");
      }
    }
    if (maxSessionsPreventsLogin && maximumSessions < 0) {
      throw new IllegalStateException(
          "maxSessionsPreventsLogin(true) needs maximumSessions(n): there is no cap to refuse at");
    }
    SessionLimit limit =
        maximumSessions < 0
            ? null
            : new SessionLimit(
                maximumSessions,
                maxSessionsPreventsLogin
                    ? SessionLimit.Policy.REFUSE_NEW
                    : SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE);
    SessionRegistry sessions = registry(http);
    AuthenticationManager authenticationManager = http.getSharedObject(AuthenticationManager.class);
    // Before logout, so that logging out sees the session it ends.
    http.addFilterBefore(
        new SessionAuthenticationFilter(sessions, getSecurityContextHolderStrategy()),
        LogoutFilter.class);
    if (authenticationManager != null) {
      http.addFilterBefore(
          new SessionLoginFilter(loginUrl, authenticationManager, sessions, limit),
          LogoutFilter.class);
    } else if (limit != null) {
      throw new IllegalStateException(
          "maximumSessions caps the configurer's login, and this chain has no AuthenticationManager to log in with");
    }
  }

  private SessionRegistry registry(HttpSecurity http) {
    if (registry == null) {
      registry = http.getSharedObject(ApplicationContext.class).getBean(SessionRegistry.class);
    }
    return registry;
  }
}
