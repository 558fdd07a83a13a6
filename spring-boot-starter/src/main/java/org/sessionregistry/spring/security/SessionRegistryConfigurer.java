package org.sessionregistry.spring.security;

import org.jspecify.annotations.Nullable;
import org.sessionregistry.SessionRegistry;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.logout.HttpStatusReturningLogoutSuccessHandler;
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
 *       {@link SessionAuthentication}, whose authorities are the user's current roles;
 *   <li>{@code POST /login} ({@link #loginUrl}) checks credentials with the application's
 *       {@link AuthenticationManager} and answers a new session's token;
 *   <li>{@code POST /logout} revokes the request's session and answers 200;
 *   <li>no HTTP session is created or read (stateless), Spring's CSRF token is off (the cookie's own proof above
 *       replaces it; a bearer token cannot be forged cross-site), and an unauthenticated request that needs a user
 *       answers 401 unless the application chose another entry point.
 * </ul>
 * The registry is the application context's {@link SessionRegistry} bean unless {@link #registry} names one.
 */
public final class SessionRegistryConfigurer
    extends AbstractHttpConfigurer<SessionRegistryConfigurer, HttpSecurity> {
  private String loginUrl = "/login";
  private @Nullable SessionRegistry registry;

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
                    })
                .logoutSuccessHandler(new HttpStatusReturningLogoutSuccessHandler()));
    http.exceptionHandling(
        e ->
            e.defaultAuthenticationEntryPointFor(
                new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), AnyRequestMatcher.INSTANCE));
  }

  @Override
  public void configure(HttpSecurity http) {
    SessionRegistry sessions = registry(http);
    AuthenticationManager authenticationManager = http.getSharedObject(AuthenticationManager.class);
    // Before logout, so that logging out sees the session it ends.
    http.addFilterBefore(
        new SessionAuthenticationFilter(sessions, getSecurityContextHolderStrategy()),
        LogoutFilter.class);
    if (authenticationManager != null) {
      http.addFilterBefore(
          new SessionLoginFilter(loginUrl, authenticationManager, sessions), LogoutFilter.class);
    }
  }

  private SessionRegistry registry(HttpSecurity http) {
    if (registry == null) {
      registry = http.getSharedObject(ApplicationContext.class).getBean(SessionRegistry.class);
    }
    return registry;
  }
}
