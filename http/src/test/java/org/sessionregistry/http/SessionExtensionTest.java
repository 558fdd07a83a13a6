package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.testing.MutableClock;

/**
 * Sessions extended with activity, through the endpoints: the listing shows the new expiry, and a browser (cookie)
 * gets its cookies again with the new lifetime, as Mattermost's {@code AttachSessionCookies} does.
 */
class SessionExtensionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LIFETIME = Duration.ofDays(30);
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final String userId = Ids.newId();
  private final SessionRegistry registry =
      SessionRegistry.builder()
          .store(InMemorySessionStore.builder().clock(clock).build())
          .clock(clock)
          .sessionLifetime(LIFETIME)
          .extendWithActivity(true)
          .build();
  private final MattermostSessionApi api =
      MattermostSessionApi.builder(
              registry,
              (login, password) ->
                  password.equals("right password")
                      ? Optional.of(new LoginUser(userId, "user", "", Set.of("system_user")))
                      : Optional.empty())
          .cookieMaxAge(LIFETIME)
          .build();

  @Test
  void anExtendedCookieSessionGetsItsCookiesAgainWithTheNewLifetime() throws Exception {
    HttpResponse login = login();
    String token = login.header("Token");
    String csrf = cookie(login, "MMCSRF");
    Map<String, List<String>> cookies =
        Map.of("Cookie", List.of("MMAUTHTOKEN=" + token + "; MMCSRF=" + csrf));

    clock.advance(Duration.ofMinutes(1));
    HttpResponse early =
        api.handle(new HttpRequest("GET", "/api/v4/users/me/sessions", cookies, new byte[0]));
    assertThat(early.status()).isEqualTo(200);
    assertThat(setCookies(early))
        .as("no write due within the touch interval: nothing to refresh")
        .isEmpty();

    clock.advance(Duration.ofDays(10));
    HttpResponse extended =
        api.handle(new HttpRequest("GET", "/api/v4/users/me/sessions", cookies, new byte[0]));
    assertThat(extended.status()).isEqualTo(200);
    long maxAge = LIFETIME.toSeconds();
    assertThat(setCookies(extended))
        .containsExactlyInAnyOrder(
            "MMAUTHTOKEN=" + token + "; Path=/; Max-Age=" + maxAge + "; SameSite=Lax; HttpOnly",
            "MMUSERID=" + userId + "; Path=/; Max-Age=" + maxAge + "; SameSite=Lax",
            "MMCSRF=" + csrf + "; Path=/; Max-Age=" + maxAge + "; SameSite=Lax");
    JsonNode listed = JSON.readTree(extended.body()).get(0);
    assertThat(listed.get("expires_at").asLong())
        .isEqualTo(clock.instant().plus(LIFETIME).toEpochMilli());

    clock.advance(Duration.ofDays(25)); // past the expiry of the login, within the extended one
    assertThat(
            api.handle(new HttpRequest("GET", "/api/v4/users/me/sessions", cookies, new byte[0]))
                .status())
        .isEqualTo(200);
  }

  @Test
  void aBearerTokenGetsNoCookies() {
    String token = login().header("Token");
    clock.advance(Duration.ofDays(10));

    HttpResponse r =
        api.handle(
            new HttpRequest(
                "GET",
                "/api/v4/users/me/sessions",
                Map.of("Authorization", List.of("Bearer " + token)),
                new byte[0]));

    assertThat(r.status()).isEqualTo(200);
    assertThat(setCookies(r))
        .as("the token never travels into a cookie it did not come in")
        .isEmpty();
    assertThat(registry.authenticate(token).orElseThrow().expiresAt())
        .isEqualTo(clock.instant().plus(LIFETIME));
  }

  /** The extension is stored whatever the request's answer: so the refreshed cookies go out with an error too. */
  @Test
  void anErrorAnswerStillRefreshesTheCookiesOfAnExtendedSession() {
    HttpResponse login = login();
    Map<String, List<String>> cookies =
        Map.of("Cookie", List.of("MMAUTHTOKEN=" + login.header("Token")));
    clock.advance(Duration.ofDays(10));

    HttpResponse r =
        api.handle(
            new HttpRequest(
                "GET", "/api/v4/users/" + Ids.newId() + "/sessions", cookies, new byte[0]));

    assertThat(r.status()).isEqualTo(403);
    assertThat(setCookies(r))
        .hasSize(3)
        .allMatch(c -> c.contains("Max-Age=" + LIFETIME.toSeconds()));
  }

  private HttpResponse login() {
    byte[] body =
        "{\"login_id\":\"user\",\"password\":\"right password\"}".getBytes(StandardCharsets.UTF_8);
    HttpResponse r =
        api.handle(
            new HttpRequest(
                "POST",
                "/api/v4/users/login",
                Map.of("Content-Type", List.of("application/json")),
                body));
    assertThat(r.status()).isEqualTo(200);
    return r;
  }

  private static List<String> setCookies(HttpResponse r) {
    return r.headers().stream()
        .filter(h -> h.getKey().equals("Set-Cookie"))
        .map(Map.Entry::getValue)
        .toList();
  }

  private static String cookie(HttpResponse r, String name) {
    return setCookies(r).stream()
        .filter(c -> c.startsWith(name + "="))
        .findFirst()
        .orElseThrow()
        .substring(name.length() + 1)
        .split(";", 2)[0];
  }
}
