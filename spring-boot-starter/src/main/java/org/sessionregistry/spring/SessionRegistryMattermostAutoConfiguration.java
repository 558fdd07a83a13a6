package org.sessionregistry.spring;

import jakarta.servlet.Filter;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.http.LoginVerifier;
import org.sessionregistry.http.MattermostSessionApi;
import org.sessionregistry.servlet.MattermostSessionServlet;
import org.sessionregistry.spring.security.AuthenticationManagerLoginVerifier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;

/**
 * Mattermost API v4's session endpoints on the application's own port, with
 * {@code session-registry.mattermost-api.enabled=true} (off by default) and session-registry-servlet on the class
 * path: login, logout, list and revoke sessions under {@code /api/v4/}, for Mattermost's clients. They answer before
 * the application's security filter chain, by their own rules (the bearer token or the {@code MMAUTHTOKEN} cookie with
 * its CSRF proof, the registry's {@link org.sessionregistry.SessionAccessRule}, AppError answers). Logins are checked
 * by the application's {@link AuthenticationManager} ({@link AuthenticationManagerLoginVerifier}); user ids in paths
 * are the application's own ({@code session-registry.mattermost-api.user-id-pattern}). Each bean backs off when the
 * application defines its own: {@link LoginVerifier}, {@link MattermostSessionApi}.
 */
@AutoConfiguration(after = SessionRegistryAutoConfiguration.class)
@ConditionalOnClass(MattermostSessionServlet.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty("session-registry.mattermost-api.enabled")
public class SessionRegistryMattermostAutoConfiguration {
  /** Just before Spring Security's filter chain (-100): the endpoints answer by their own rules. */
  static final int FILTER_ORDER = -110;

  /**
   * The endpoints, logins checked by the {@link LoginVerifier}, cookies living as long as a session
   * ({@code session-registry.session-lifetime}).
   *
   * @throws InvalidConfigurationPropertyValueException if the user-id pattern is not a regular expression
   */
  @Bean
  @ConditionalOnMissingBean
  public MattermostSessionApi sessionRegistryMattermostApi(
      SessionRegistry registry, LoginVerifier logins, SessionRegistryProperties properties) {
    String pattern = properties.mattermostApi().userIdPattern();
    Predicate<String> rule = id -> true; // the registry's own rule applies as well
    if (pattern != null) {
      try {
        rule = Pattern.compile(pattern).asMatchPredicate();
      } catch (PatternSyntaxException e) {
        throw new InvalidConfigurationPropertyValueException(
            "session-registry.mattermost-api.user-id-pattern",
            pattern,
            "not a regular expression: " + e.getDescription());
      }
    }
    return MattermostSessionApi.builder(registry, logins)
        .userIdRule(rule)
        .cookieMaxAge(properties.sessionLifetime())
        .build();
  }

  /** Serves {@code /api/v4/*} before the application's security filter chain. */
  @Bean
  public FilterRegistrationBean<Filter> sessionRegistryMattermostEndpoints(
      MattermostSessionApi api) {
    FilterRegistrationBean<Filter> registration =
        new FilterRegistrationBean<>(
            new MattermostEndpointsFilter(new MattermostSessionServlet(api)));
    registration.addUrlPatterns("/api/v4/*");
    registration.setOrder(FILTER_ORDER);
    registration.setName("sessionRegistryMattermostEndpoints");
    return registration;
  }

  /** Logins checked by the application's {@link AuthenticationManager}, with Spring Security. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(AuthenticationManager.class)
  static class SpringSecurityLogins {

    /**
     * The context's {@link AuthenticationManager} bean if it has one, else the one Spring Security builds from its
     * {@code UserDetailsService} or {@code AuthenticationProvider} beans.
     */
    @Bean
    @ConditionalOnMissingBean
    LoginVerifier sessionRegistryLoginVerifier(
        ObjectProvider<AuthenticationManager> manager,
        ObjectProvider<AuthenticationConfiguration> configuration)
        throws Exception {
      AuthenticationManager found = manager.getIfUnique();
      if (found == null) {
        AuthenticationConfiguration global = configuration.getIfAvailable();
        found = global == null ? null : global.getAuthenticationManager();
      }
      if (found == null) {
        throw new IllegalStateException(
            "session-registry.mattermost-api.enabled needs an AuthenticationManager to check logins (a"
                + " UserDetailsService or AuthenticationProvider bean), or a LoginVerifier bean");
      }
      return AuthenticationManagerLoginVerifier.of(found);
    }
  }
}
