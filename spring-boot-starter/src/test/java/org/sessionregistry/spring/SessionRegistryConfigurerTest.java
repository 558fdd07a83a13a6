package org.sessionregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** Spring Security through the registry, in a real application over real HTTP (the in-memory store). */
class SessionRegistryConfigurerTest {
  private static ConfigurableApplicationContext app;
  private static int port;

  @BeforeAll
  static void start() {
    app = TestApplication.start();
    port = TestApplication.port(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void aLoginThroughTheApplicationsAuthenticationManagerReturnsATokenThatAuthenticates() {
    HttpResponse<String> login = Http.login(port, "bob", "bob-pw");
    String token = Http.token(login);
    assertThat(login.headers().firstValue("Token")).contains(token);
    assertThat(login.headers().firstValue("Set-Cookie")).isEmpty(); // stateless: no HTTP session

    HttpResponse<String> me = Http.get(port, "/me", token);
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body())
        .contains("\"user\":\"bob\"", "\"name\":\"bob\"", "ROLE_USER")
        .doesNotContain("ROLE_ADMIN");
    assertThat(me.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void aFormLoginWorksToo() {
    HttpResponse<String> login =
        Http.send(
            Http.to(port, "/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=bob&password=bob-pw")));
    assertThat(Http.get(port, "/me", Http.token(login)).statusCode()).isEqualTo(200);
  }

  @Test
  void badCredentialsAndMissingOrUnknownTokensAre401() {
    assertThat(Http.login(port, "bob", "wrong").statusCode()).isEqualTo(401);
    assertThat(Http.login(port, "nobody", "x").statusCode()).isEqualTo(401);
    assertThat(Http.send(Http.to(port, "/me").GET()).statusCode()).isEqualTo(401);
    assertThat(Http.get(port, "/me", "y".repeat(26)).statusCode()).isEqualTo(401);
  }

  @Test
  void aDemotedAdminLosesTheRoleOnItsNextRequest() {
    InMemoryUserDetailsManager users = app.getBean(InMemoryUserDetailsManager.class);
    String token = Http.token(Http.login(port, "alice", "alice-pw"));
    assertThat(Http.get(port, "/admin", token).statusCode()).isEqualTo(200);
    assertThat(Http.get(port, "/admin", Http.token(Http.login(port, "bob", "bob-pw"))).statusCode())
        .isEqualTo(403);
    try {
      users.updateUser(User.withUsername("alice").password("{noop}alice-pw").roles("USER").build());
      assertThat(Http.get(port, "/admin", token).statusCode()).isEqualTo(403);
      assertThat(Http.get(port, "/me", token).body()).doesNotContain("ROLE_ADMIN");
    } finally {
      users.updateUser(
          User.withUsername("alice").password("{noop}alice-pw").roles("ADMIN", "USER").build());
    }
    assertThat(Http.get(port, "/admin", token).statusCode()).isEqualTo(200);
  }

  @Test
  void aDisabledUsersSessionsStop() {
    InMemoryUserDetailsManager users = app.getBean(InMemoryUserDetailsManager.class);
    users.createUser(User.withUsername("carol").password("{noop}carol-pw").roles("USER").build());
    try {
      String token = Http.token(Http.login(port, "carol", "carol-pw"));
      assertThat(Http.get(port, "/me", token).statusCode()).isEqualTo(200);
      users.updateUser(
          User.withUsername("carol")
              .password("{noop}carol-pw")
              .roles("USER")
              .disabled(true)
              .build());
      assertThat(Http.get(port, "/me", token).statusCode()).isEqualTo(401);
    } finally {
      users.deleteUser("carol");
    }
  }

  @Test
  void logoutRevokesTheSession() {
    String token = Http.token(Http.login(port, "bob", "bob-pw"));
    assertThat(Http.post(port, "/logout", token).statusCode()).isEqualTo(200);
    assertThat(Http.get(port, "/me", token).statusCode()).isEqualTo(401);
  }

  @Test
  void loggingOutMyOtherDevicesIsOneCall() {
    String phone = Http.token(Http.login(port, "alice", "alice-pw"));
    String laptop = Http.token(Http.login(port, "alice", "alice-pw"));
    assertThat(Http.post(port, "/logout-others", laptop).statusCode()).isEqualTo(200);
    assertThat(Http.get(port, "/me", phone).statusCode()).isEqualTo(401);
    assertThat(Http.get(port, "/me", laptop).statusCode()).isEqualTo(200);
  }

  @Test
  void theSessionCookieAuthenticatesAndAWriteByCookieNeedsItsCsrfProof() {
    HttpResponse<String> login = Http.login(port, "bob", "bob-pw");
    String cookie = "MMAUTHTOKEN=" + Http.token(login);
    assertThat(Http.send(Http.to(port, "/me").header("Cookie", cookie).GET()).statusCode())
        .isEqualTo(200);
    assertThat(
            Http.send(
                    Http.to(port, "/me")
                        .header("Cookie", cookie)
                        .POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            Http.send(
                    Http.to(port, "/me")
                        .header("Cookie", cookie)
                        .header("X-CSRF-Token", "wrong")
                        .POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            Http.send(
                    Http.to(port, "/me")
                        .header("Cookie", cookie)
                        .header("X-CSRF-Token", Http.csrf(login))
                        .POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(200);
    // A bearer token needs no proof: it cannot be sent cross-site by a browser.
    assertThat(Http.post(port, "/me", Http.token(login)).statusCode()).isEqualTo(200);
  }
}
