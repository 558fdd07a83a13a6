package org.sessionregistry.spring.security;

import java.time.Instant;
import java.util.stream.Collectors;
import org.sessionregistry.UserCredentials;
import org.sessionregistry.UserRoles;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The registry's view of the application's users through its {@link UserDetailsService}: a user's current roles are
 * its authorities' names, and a user that is gone, disabled, locked or whose credentials expired has no live session.
 * Asked on every authenticated request, so the service must answer from memory (an
 * {@code InMemoryUserDetailsManager}, or a cache): otherwise define {@link UserRoles} and {@link UserCredentials} beans
 * of your own, and these back off.
 */
public final class UserDetailsDirectory {
  private UserDetailsDirectory() {}

  /** Current roles: the user's authorities, or null for a user the service does not know. */
  public static UserRoles roles(UserDetailsService users) {
    return userId -> {
      UserDetails user = find(users, userId);
      return user == null
          ? null
          : user.getAuthorities().stream()
              .map(GrantedAuthority::getAuthority)
              .collect(Collectors.toUnmodifiableSet());
    };
  }

  /** Sessions live while the user exists, enabled, unlocked, with credentials not expired. */
  public static UserCredentials credentials(UserDetailsService users) {
    return userId -> {
      UserDetails user = find(users, userId);
      return user != null
              && user.isEnabled()
              && user.isAccountNonLocked()
              && user.isAccountNonExpired()
              && user.isCredentialsNonExpired()
          ? Instant.EPOCH
          : null;
    };
  }

  private static UserDetails find(UserDetailsService users, String userId) {
    try {
      return users.loadUserByUsername(userId);
    } catch (UsernameNotFoundException e) {
      return null;
    }
  }
}
