package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;

/** The API's limits, {@code ip_address} and cookies follow the resolved client, not the proxy in front. */
class ClientAddressInTheApiTest {
  private static final String PROXY = "10.0.0.1";
  private final LoginUser user =
      new LoginUser(Ids.newId(), "user", "user@example.com", Set.of("system_user"));
  private final SessionRegistry registry =
      SessionRegistry.builder().store(InMemorySessionStore.create()).build();
  private final LoginVerifier verifier =
      (loginId, password) ->
          loginId.equals("user") && password.equals("right") ? Optional.of(user) : Optional.empty();
  private final MattermostSessionApi api =
      MattermostSessionApi.builder(registry, verifier)
          .clientAddress(ClientAddressResolver.trustedProxies(List.of("10.0.0.0/24")))
          .recordClientAddress(true)
          .maxFailedLoginsPerAddress(3)
          .build();

  /** Before: every client behind the proxy shared the proxy's address, and one client's failures locked all out. */
  @Test
  void oneClientsFailuresBehindTheProxyDoNotLockAnother() {
    for (int i = 0; i < 3; i++) {
      assertThat(api.handle(login("nobody" + i, "guess", "198.51.100.7")).status()).isEqualTo(401);
    }
    assertThat(api.handle(login("user", "right", "198.51.100.7")).status())
        .as("the guesser")
        .isEqualTo(429);
    assertThat(api.handle(login("user", "right", "198.51.100.8")).status())
        .as("another client")
        .isEqualTo(200);
  }

  @Test
  void aSessionRecordsTheClientBehindTheProxy() {
    HttpResponse r = api.handle(login("user", "right", "1.2.3.4, 2001:DB8:0::7"));
    assertThat(registry.authenticate(r.header("Token")).orElseThrow().props())
        .containsEntry("ip_address", "2001:db8::7");
  }

  @Test
  void cookiesAreSecureWhenTheTrustedProxySaysHttpsOrWhenForced() {
    assertThat(cookies(api, PROXY, "https")).allSatisfy(c -> assertThat(c).endsWith("; Secure"));
    assertThat(cookies(api, PROXY, "http")).noneSatisfy(c -> assertThat(c).contains("Secure"));
    assertThat(cookies(api, "203.0.113.9", "https"))
        .as("from an untrusted peer")
        .noneSatisfy(c -> assertThat(c).contains("Secure"));
    MattermostSessionApi forced =
        MattermostSessionApi.builder(registry, verifier).secureCookies(true).build();
    assertThat(cookies(forced, PROXY, "http")).allSatisfy(c -> assertThat(c).endsWith("; Secure"));
  }

  private static List<String> cookies(MattermostSessionApi api, String peer, String proto) {
    HttpResponse r =
        api.handle(
            request(
                peer,
                "/api/v4/users/login",
                "X-Forwarded-Proto",
                proto,
                "{\"login_id\":\"user\",\"password\":\"right\"}"));
    assertThat(r.status()).isEqualTo(200);
    List<String> cookies =
        r.headers().stream()
            .filter(h -> h.getKey().equals("Set-Cookie"))
            .map(Map.Entry::getValue)
            .toList();
    assertThat(cookies).hasSize(3);
    HttpResponse logout =
        api.handle(
            new HttpRequest(
                "POST",
                "/api/v4/users/logout",
                Map.of(
                    "Authorization",
                    List.of("Bearer " + r.header("Token")),
                    "X-Forwarded-Proto",
                    List.of(proto)),
                new byte[0],
                peer));
    List<String> all = new ArrayList<>(cookies);
    logout.headers().stream()
        .filter(h -> h.getKey().equals("Set-Cookie"))
        .forEach(h -> all.add(h.getValue()));
    assertThat(all).as("the logout expires them the same way").hasSize(6);
    return all;
  }

  /** A login through the proxy, for the client {@code forwardedFor} reports. */
  private static HttpRequest login(String loginId, String password, String forwardedFor) {
    return request(
        PROXY,
        "/api/v4/users/login",
        "X-Forwarded-For",
        forwardedFor,
        "{\"login_id\":\"" + loginId + "\",\"password\":\"" + password + "\"}");
  }

  private static HttpRequest request(
      String peer, String path, String header, String value, String body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Content-Type", List.of("application/json"));
    headers.put(header, List.of(value));
    return new HttpRequest("POST", path, headers, body.getBytes(StandardCharsets.UTF_8), peer);
  }
}
