package org.sessionregistry.spring.security;

import org.sessionregistry.UserCredentials;
import org.sessionregistry.UserRoles;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * With Spring Security and a {@link UserDetailsService}, the registry reads users' current roles and whether they
 * still may log in from it ({@link UserDetailsDirectory}): a demoted admin loses the role on its next request, a
 * disabled user's sessions stop. Each bean backs off when the application defines its own {@link UserRoles} or
 * {@link UserCredentials}.
 */
@AutoConfiguration(
    beforeName = "org.sessionregistry.spring.SessionRegistryAutoConfiguration",
    afterName =
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration")
@ConditionalOnClass(UserDetailsService.class)
public class SessionRegistrySecurityAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(UserDetailsService.class)
  public UserRoles sessionRegistryUserRoles(UserDetailsService users) {
    return UserDetailsDirectory.roles(users);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(UserDetailsService.class)
  public UserCredentials sessionRegistryUserCredentials(UserDetailsService users) {
    return UserDetailsDirectory.credentials(users);
  }
}
