package org.sessionregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
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
    // Stateless: no HTTP session, only the session's own cookies.
    assertThat(login.headers().allValues("Set-Cookie"))
        .noneMatch(c -> c.startsWith("JSESSIONID"))
        .anyMatch(c -> c.startsWith("MMAUTHTOKEN=" + token + ";"));

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
    assertThat(Http.cookiePost(port, "/me", cookie).statusCode()).isEqualTo(401);
    assertThat(Http.cookiePost(port, "/me", cookie, "X-CSRF-Token", "wrong").statusCode())
        .isEqualTo(401);
    assertThat(Http.cookiePost(port, "/me", cookie, "X-CSRF-Token", Http.csrf(login)).statusCode())
        .isEqualTo(200);
    // A bearer token needs no proof: it cannot be sent cross-site by a browser.
    assertThat(Http.post(port, "/me", Http.token(login)).statusCode()).isEqualTo(200);
  }

  @Test
  void aLoginSetsTheSessionCookiesLivingAsLongAsTheSessionAndTheCookieAuthenticates() {
    HttpResponse<String> login = Http.login(port, "bob", "bob-pw");
    String token = Http.token(login);
    Session session = app.getBean(SessionRegistry.class).authenticate(token).orElseThrow();
    long maxAge = Duration.between(session.lastActivityAt(), session.expiresAt()).toSeconds();
    assertThat(maxAge)
        .isEqualTo(Duration.ofDays(30).toSeconds()); // session-registry.session-lifetime
    assertThat(login.headers().allValues("Set-Cookie"))
        .containsExactly(
            "MMAUTHTOKEN=" + token + "; Path=/; Max-Age=" + maxAge + "; SameSite=Lax; HttpOnly",
            "MMUSERID=bob; Path=/; Max-Age=" + maxAge + "; SameSite=Lax",
            "MMCSRF=" + Http.csrf(login) + "; Path=/; Max-Age=" + maxAge + "; SameSite=Lax");

    // What a browser sends back: the cookie alone authenticates a read, and a write with its CSRF
    // cookie's value.
    String cookies = "MMAUTHTOKEN=" + token + "; MMUSERID=bob; MMCSRF=" + Http.csrf(login);
    HttpResponse<String> me = Http.send(Http.to(port, "/me").header("Cookie", cookies).GET());
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body()).contains("\"user\":\"bob\"");
    assertThat(Http.cookiePost(port, "/me", cookies, "X-CSRF-Token", Http.csrf(login)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void logoutByCookieWithItsProofRevokesTheSessionAndClearsTheCookies() {
    HttpResponse<String> login = Http.login(port, "bob", "bob-pw");
    String cookie = "MMAUTHTOKEN=" + Http.token(login);

    HttpResponse<String> withoutProof = Http.cookiePost(port, "/logout", cookie);
    assertThat(withoutProof.statusCode()).as("a forged logout ends nothing").isEqualTo(401);
    assertThat(withoutProof.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(Http.get(port, "/me", Http.token(login)).statusCode()).isEqualTo(200);

    HttpResponse<String> logout =
        Http.cookiePost(port, "/logout", cookie, "X-CSRF-Token", Http.csrf(login));
    assertThat(logout.statusCode()).isEqualTo(200);
    assertThat(logout.headers().allValues("Set-Cookie"))
        .containsExactly(
            "MMAUTHTOKEN=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly",
            "MMUSERID=; Path=/; Max-Age=0; SameSite=Lax",
            "MMCSRF=; Path=/; Max-Age=0; SameSite=Lax");
    assertThat(Http.get(port, "/me", Http.token(login)).statusCode()).isEqualTo(401);
  }

  @Test
  void aFormLoginABrowserMarksCrossSiteIsRefusedAndSetsNoCookie() {
    HttpResponse<String> login =
        Http.send(
            Http.to(port, "/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString("username=bob&password=bob-pw")));
    assertThat(login.statusCode()).isEqualTo(403);
    assertThat(login.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(app.getBean(SessionRegistry.class).list("bob"))
        .noneMatch(s -> s.createdAt().isAfter(java.time.Instant.now().minusSeconds(1)));
  }

  /**
   * Spring's CSRF protection is off in the chain: a form a page elsewhere posts, carrying only the session cookie (no
   * X-CSRF-Token, no X-Requested-With), must not act as the user on the application's own endpoints.
   */
  @Test
  void aCrossSiteFormPostWithOnlyTheCookieIsRefusedOrAnonymousOnTheApplicationsEndpoints() {
    String cookie = "MMAUTHTOKEN=" + Http.token(Http.login(port, "bob", "bob-pw"));
    for (String path : List.of("/me", "/logout-others")) {
      HttpResponse<String> forged =
          Http.send(
              Http.to(port, path)
                  .header("Cookie", cookie)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Origin", "https://elsewhere.example")
                  .POST(HttpRequest.BodyPublishers.ofString("a=b")));
      assertThat(forged.statusCode()).as(path).isEqualTo(401);
    }
    HttpResponse<String> open =
        Http.send(
            Http.to(port, "/public")
                .header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=b")));
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.body()).contains("\"user\":\"anonymous\"");
    // With its proof, the same cookie is the user.
    assertThat(
            Http.cookiePost(port, "/public", cookie, "X-Requested-With", "XMLHttpRequest").body())
        .contains("\"user\":\"bob\"");
  }

  @Test
  void aCredentialTheBrowserSendsByItselfInTheSameChainFailsTheStart() {
    assertThatThrownBy(() -> TestApplication.start("test.http-basic=true").close())
        .hasStackTraceContaining(
            "HttpBasicConfigurer is in a chain with SessionRegistryConfigurer, which turns Spring's CSRF"
                + " protection off for the whole chain");
  }

  @Test
  void maxSessionsPreventsLoginWithoutMaximumSessionsFailsTheStart() {
    assertThatThrownBy(() -> TestApplication.start("test.max-sessions-prevents-login=true").close())
        .hasStackTraceContaining("maxSessionsPreventsLogin(true) needs maximumSessions(n)");
  }
}
