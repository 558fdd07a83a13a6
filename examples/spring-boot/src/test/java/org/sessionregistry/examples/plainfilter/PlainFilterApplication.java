package org.sessionregistry.examples.plainfilter;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.examples.springboot.ExampleApplication;
import org.sessionregistry.servlet.SessionRegistryFilter;
import org.sessionregistry.spring.security.SessionLogin;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The example's {@code GET /api/hello} without Spring Security: the plain {@link SessionRegistryFilter} on
 * {@code /api/*} in the same embedded Tomcat, over the same registry (the starter's, with the same users as its
 * roles and credentials). What {@code benchmarks/spring-overhead.sh} measures the example's Spring Security path
 * against; not part of the example. {@code POST /login} issues a token as the example's login does.
 */
@SpringBootApplication(
    excludeName = {
      "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration"
    })
public class PlainFilterApplication {

  public static void main(String[] args) {
    SpringApplication.run(PlainFilterApplication.class, args);
  }

  /** The example's users: the registry reads the same roles and credentials as the example's. */
  @Bean
  InMemoryUserDetailsManager users() {
    return ExampleApplication.demoUsers();
  }

  @Bean
  FilterRegistrationBean<SessionRegistryFilter> sessions(SessionRegistry registry) {
    FilterRegistrationBean<SessionRegistryFilter> filter =
        new FilterRegistrationBean<>(SessionRegistryFilter.requiring(registry));
    filter.addUrlPatterns("/api/*");
    return filter;
  }

  @RestController
  static class Api {
    private final SessionRegistry registry;
    private final ProviderManager logins;

    Api(SessionRegistry registry, InMemoryUserDetailsManager users) {
      this.registry = registry;
      this.logins = new ProviderManager(new DaoAuthenticationProvider(users));
    }

    @PostMapping("/login")
    Map<String, String> login(@RequestBody Map<String, String> body) {
      IssuedSession issued =
          SessionLogin.issue(
              registry,
              logins.authenticate(
                  UsernamePasswordAuthenticationToken.unauthenticated(
                      body.get("username"), body.get("password"))));
      return Map.of("token", issued.token());
    }

    @GetMapping("/api/hello")
    Map<String, String> hello(HttpServletRequest request) {
      return Map.of("hello", SessionRegistryFilter.session(request).orElseThrow().userId());
    }
  }
}
