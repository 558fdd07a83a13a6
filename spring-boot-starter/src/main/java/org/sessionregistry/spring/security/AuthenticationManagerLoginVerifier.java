package org.sessionregistry.spring.security;

import java.util.Optional;
import org.sessionregistry.http.LoginUser;
import org.sessionregistry.http.LoginVerifier;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * The Mattermost endpoints' {@link LoginVerifier} over the application's {@link AuthenticationManager}: a login's
 * {@code login_id} and password go to it as a {@link UsernamePasswordAuthenticationToken}, whatever
 * {@code AuthenticationProvider}s it has. The user's id is {@link Authentication#getName()} (the same id
 * {@link SessionLogin} issues sessions for), its username too, its email empty, and its roles the authorities' names
 * a session can record. A refused login ({@link AuthenticationException}) is an empty answer; other failures
 * propagate. Nothing is logged. Thread-safe as the manager is.
 */
public final class AuthenticationManagerLoginVerifier implements LoginVerifier {
  private final AuthenticationManager authenticationManager;

  private AuthenticationManagerLoginVerifier(AuthenticationManager authenticationManager) {
    this.authenticationManager = authenticationManager;
  }

  /**
   * A verifier asking {@code authenticationManager}.
   *
   * @throws IllegalArgumentException if it is null
   */
  public static AuthenticationManagerLoginVerifier of(AuthenticationManager authenticationManager) {
    if (authenticationManager == null) {
      throw new IllegalArgumentException("authenticationManager must not be null");
    }
    return new AuthenticationManagerLoginVerifier(authenticationManager);
  }

  @Override
  public Optional<LoginUser> verify(String loginId, String password) {
    Authentication done;
    try {
      done =
          authenticationManager.authenticate(
              UsernamePasswordAuthenticationToken.unauthenticated(loginId, password));
    } catch (AuthenticationException refused) {
      return Optional.empty();
    }
    if (done == null || !done.isAuthenticated()) {
      return Optional.empty();
    }
    return Optional.of(
        new LoginUser(done.getName(), done.getName(), "", SessionLogin.recordedRoles(done)));
  }

  @Override
  public String toString() {
    return "AuthenticationManagerLoginVerifier[" + authenticationManager + "]";
  }
}
