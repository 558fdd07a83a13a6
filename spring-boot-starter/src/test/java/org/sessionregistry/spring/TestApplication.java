package org.sessionregistry.spring;

import java.util.Map;
import java.util.stream.Collectors;
import org.sessionregistry.Session;
import org.sessionregistry.SessionAccessRule;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.spring.security.SessionRegistryConfigurer;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small secured service, started for real on a random port: users in memory, the registry from properties, admins
 * (role {@code ROLE_ADMIN}) managing anyone's sessions. Properties {@code test.maximum-sessions},
 * {@code test.max-sessions-prevents-login} and {@code test.http-basic} change its security chain.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableMethodSecurity
@Import(TestApplication.Api.class)
class TestApplication {

  static ConfigurableApplicationContext start(String... properties) {
    return new SpringApplicationBuilder(TestApplication.class)
        .properties("server.port=0", "spring.main.banner-mode=off", "logging.level.root=warn")
        .properties(properties)
        .run();
  }

  static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  @Bean
  InMemoryUserDetailsManager users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("alice").password("{noop}alice-pw").roles("ADMIN", "USER").build(),
        User.withUsername("bob").password("{noop}bob-pw").roles("USER").build());
  }

  @Bean
  SessionAccessRule admins() {
    return SessionAccessRule.administeredBy("ROLE_ADMIN");
  }

  @Bean
  SecurityFilterChain api(HttpSecurity http, Environment env) throws Exception {
    SessionRegistryConfigurer sessions = SessionRegistryConfigurer.sessionRegistry();
    Integer maximumSessions = env.getProperty("test.maximum-sessions", Integer.class);
    if (maximumSessions != null) {
      sessions.maximumSessions(maximumSessions);
    }
    sessions.maxSessionsPreventsLogin(
        env.getProperty("test.max-sessions-prevents-login", Boolean.class, false));
    if (env.getProperty("test.http-basic", Boolean.class, false)) {
      http.httpBasic(Customizer.withDefaults());
    }
    http.authorizeHttpRequests(
            a ->
                a.requestMatchers("/actuator/**")
                    .hasRole("ADMIN")
                    .requestMatchers("/public")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .with(sessions, Customizer.withDefaults());
    return http.build();
  }

  @RestController
  static class Api {
    private final SessionRegistry registry;

    Api(SessionRegistry registry) {
      this.registry = registry;
    }

    /** Who the request is, as the principal and as the security context see it. */
    @GetMapping("/me")
    Map<String, Object> me(@AuthenticationPrincipal Session session) {
      var auth = SecurityContextHolder.getContext().getAuthentication();
      return Map.of(
          "user",
          session.userId(),
          "name",
          auth.getName(),
          "authorities",
          auth.getAuthorities().stream()
              .map(GrantedAuthority::getAuthority)
              .sorted()
              .collect(Collectors.toList()));
    }

    @PostMapping("/me")
    Map<String, Object> write(@AuthenticationPrincipal Session session) {
      return Map.of("user", session.userId());
    }

    /** Open to anyone: who the request is, or "anonymous". */
    @PostMapping("/public")
    Map<String, Object> open(@AuthenticationPrincipal Session session) {
      return Map.of("user", session == null ? "anonymous" : session.userId());
    }

    @GetMapping("/admin")
    @PreAuthorize("hasRole('ADMIN')")
    Map<String, Object> admin() {
      return Map.of("admin", true);
    }

    /** "Log out my other devices": one call. */
    @PostMapping("/logout-others")
    Map<String, Object> logoutOthers(@AuthenticationPrincipal Session session) {
      registry.revokeAllExcept(session.userId(), session.id());
      return Map.of("kept", session.id());
    }
  }
}
