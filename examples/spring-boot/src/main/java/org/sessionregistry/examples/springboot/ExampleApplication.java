package org.sessionregistry.examples.springboot;

import java.util.List;
import java.util.Map;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.spring.security.SessionRegistryConfigurer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * A small service secured through the registry: log in at {@code POST /login}, then call {@code /api/hello} with the
 * token; list and revoke your sessions under {@code /api/sessions}. Users live in memory; sessions in H2 (see
 * {@code application.properties}).
 */
@SpringBootApplication
@EnableMethodSecurity
public class ExampleApplication {

  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }

  @Bean
  InMemoryUserDetailsManager users() {
    return demoUsers();
  }

  /** Demo users, alice (admin) and bob: for a local try-out only (the server listens on loopback). */
  public static InMemoryUserDetailsManager demoUsers() {
    return new InMemoryUserDetailsManager(
        User.withUsername("alice").password("{noop}alice-password").roles("ADMIN", "USER").build(),
        User.withUsername("bob").password("{noop}bob-password").roles("USER").build());
  }

  @Bean
  SecurityFilterChain api(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
        .with(SessionRegistryConfigurer.sessionRegistry(), Customizer.withDefaults())
        .build();
  }

  @RestController
  static class Api {
    private final SessionRegistry registry;

    Api(SessionRegistry registry) {
      this.registry = registry;
    }

    @GetMapping("/api/hello")
    Map<String, String> hello(@AuthenticationPrincipal Session session) {
      return Map.of("hello", session.userId());
    }

    /** The caller's sessions, sanitized, newest activity first. */
    @GetMapping("/api/sessions")
    List<Map<String, Object>> sessions(@AuthenticationPrincipal Session session) {
      return registry.list(session.userId()).stream()
          .map(
              s ->
                  Map.<String, Object>of(
                      "id",
                      s.id(),
                      "created_at",
                      s.createdAt().toString(),
                      "last_activity_at",
                      s.lastActivityAt().toString(),
                      "current",
                      s.id().equals(session.id())))
          .toList();
    }

    @DeleteMapping("/api/sessions/{id}")
    Map<String, Object> revoke(@AuthenticationPrincipal Session session, @PathVariable String id) {
      if (!registry.revoke(session.userId(), id)) {
        throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such session");
      }
      return Map.of("revoked", id);
    }

    /** "Log out my other devices": one atomic call, whatever their number. */
    @PostMapping("/api/sessions/revoke-others")
    Map<String, Object> revokeOthers(@AuthenticationPrincipal Session session) {
      registry.revokeAllExcept(session.userId(), session.id());
      return Map.of("kept", session.id());
    }

    /** Anyone's sessions, for admins: the role is read on every request, so a demoted admin loses it at once. */
    @PostMapping("/api/admin/users/{userId}/sessions/revoke")
    @PreAuthorize("hasRole('ADMIN')")
    Map<String, Object> revokeAll(@PathVariable String userId) {
      registry.revokeAll(userId);
      return Map.of("revoked_all_of", userId);
    }
  }
}
