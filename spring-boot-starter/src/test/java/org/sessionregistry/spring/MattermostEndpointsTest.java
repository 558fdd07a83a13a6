package org.sessionregistry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * Mattermost's session endpoints on the application's own port ({@code session-registry.mattermost-api.enabled}):
 * logins checked by the application's {@code AuthenticationManager}, its usernames as user ids, its {@code ROLE_ADMIN}
 * as the admin; Mattermost's official JavaScript client runs the server's acceptance cases against them.
 */
class MattermostEndpointsTest {
  private static final String[] ENABLED = {
    "session-registry.mattermost-api.enabled=true",
    // The application's ids: lower-case usernames (Mattermost's would be 26 characters exactly).
    "session-registry.mattermost-api.user-id-pattern=[a-z0-9]{1,32}"
  };

  @Test
  void offByDefault() {
    try (ConfigurableApplicationContext app = TestApplication.start()) {
      HttpResponse<String> login = mattermostLogin(TestApplication.port(app), "bob", "bob-pw");
      assertThat(login.statusCode()).as("Spring Security's 401: no endpoint").isEqualTo(401);
      assertThat(login.headers().firstValue("Token")).isEmpty();
    }
  }

  @Test
  void mattermostsOfficialClientPassesItsAcceptanceCasesWithTheApplicationsUsersAndIds()
      throws Exception {
    try (ConfigurableApplicationContext app = TestApplication.start(ENABLED)) {
      InMemoryUserDetailsManager users = app.getBean(InMemoryUserDetailsManager.class);
      users.createUser(
          User.withUsername("admin").password("{noop}admin-pw").roles("ADMIN").build());
      users.createUser(User.withUsername("user1").password("{noop}user1-pw").roles("USER").build());
      users.createUser(User.withUsername("user2").password("{noop}user2-pw").roles("USER").build());

      String output =
          officialClient(
              "acceptance.js",
              Map.of(
                  "SR_URL", "http://127.0.0.1:" + TestApplication.port(app),
                  "SR_ADMIN", "admin:admin-pw",
                  "SR_USER", "user1:user1-pw",
                  "SR_USER2", "user2:user2-pw",
                  "SR_ADMIN_ROLE", "ROLE_ADMIN",
                  "SR_MALFORMED_ID_PREFIX", "JUNK"));
      assertThat(output)
          .contains("ok - R2")
          .contains("ok - R8")
          .contains("ok - revokeSessionsForAllUsers: an admin ends every session");
    }
  }

  @Test
  void aMattermostLoginIsASessionOfTheApplicationsOwnEndpointsAndTheOtherWayRound() {
    try (ConfigurableApplicationContext app = TestApplication.start(ENABLED)) {
      int port = TestApplication.port(app);
      HttpResponse<String> login = mattermostLogin(port, "bob", "bob-pw");
      assertThat(login.statusCode()).isEqualTo(200);
      // Its roles are the authorities (Spring Security 7 adds FACTOR_PASSWORD for the password).
      assertThat(login.body())
          .contains("\"id\":\"bob\"")
          .containsPattern("\"roles\":\"[^\"]*ROLE_USER");
      String token = login.headers().firstValue("Token").orElseThrow();
      assertThat(Http.get(port, "/me", token).body()).contains("\"user\":\"bob\"");
      // The cookie the endpoints set, as the configurer's login sets it.
      String cookie =
          login.headers().allValues("Set-Cookie").stream()
              .filter(c -> c.startsWith("MMAUTHTOKEN="))
              .findFirst()
              .orElseThrow()
              .split(";")[0];
      assertThat(Http.send(Http.to(port, "/me").header("Cookie", cookie).GET()).statusCode())
          .isEqualTo(200);

      String fromSpring = Http.token(Http.login(port, "bob", "bob-pw"));
      HttpResponse<String> listed = Http.get(port, "/api/v4/users/me/sessions", fromSpring);
      assertThat(listed.statusCode()).isEqualTo(200);
      assertThat(listed.body()).contains("\"user_id\":\"bob\"").doesNotContain(token, fromSpring);

      assertThat(mattermostLogin(port, "bob", "wrong").statusCode()).isEqualTo(401);
      assertThat(mattermostLogin(port, "bob", "wrong").body())
          .contains("api.user.login.invalid_credentials_email_username");
      // A path id the application's rule refuses is a 400, before any permission.
      HttpResponse<String> malformed =
          Http.get(port, "/api/v4/users/Not-An-Id/sessions", fromSpring);
      assertThat(malformed.statusCode()).isEqualTo(400);
      assertThat(malformed.body()).contains("api.context.invalid_url_param.app_error");
    }
  }

  @Test
  void aUserIdPatternThatIsNoRegularExpressionFailsTheStartNamingTheProperty() {
    assertThatThrownBy(
            () ->
                TestApplication.start(
                        "session-registry.mattermost-api.enabled=true",
                        "session-registry.mattermost-api.user-id-pattern=[a-z")
                    .close())
        .hasStackTraceContaining(
            "Property session-registry.mattermost-api.user-id-pattern with value '[a-z' is invalid");
  }

  private static HttpResponse<String> mattermostLogin(int port, String user, String password) {
    return Http.send(
        Http.to(port, "/api/v4/users/login")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"login_id\":\"" + user + "\",\"password\":\"" + password + "\"}")));
  }

  /**
   * Runs one of the server's e2e scripts (shared into target/test-classes/e2e, the client installed there by the
   * build) on Node; asserts it finished within 120 s with every case passed, and returns what it printed.
   */
  private static String officialClient(String script, Map<String, String> environment)
      throws Exception {
    Path dir =
        Path.of(MattermostEndpointsTest.class.getResource("/e2e/" + script).toURI()).getParent();
    ProcessBuilder node =
        new ProcessBuilder(System.getenv().getOrDefault("SR_NODE", "node"), script)
            .directory(dir.toFile())
            .redirectErrorStream(true);
    node.environment().putAll(environment);
    Process p = node.start();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(script + " through the official client:\n" + output);
    assertThat(finished).as("node finished within 120s").isTrue();
    assertThat(output).doesNotContain("not ok").contains(" passed, 0 failed");
    assertThat(p.exitValue()).isZero();
    return output;
  }
}
