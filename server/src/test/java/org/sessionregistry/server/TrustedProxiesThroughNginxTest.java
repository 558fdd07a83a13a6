package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's address on the wire, through a real reverse proxy: nginx on 127.0.0.1 in front of the server, which
 * trusts 127.0.0.1 only ({@code --trusted-proxies 127.0.0.1}). Clients connect from other loopback addresses
 * (127.0.0.2 and up: Linux routes all of 127.0.0.0/8 to {@code lo}), so the client's address and the proxy's differ.
 * Each test has its own client addresses: the server's per-address counts live as long as the class.
 */
class TrustedProxiesThroughNginxTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SessionServer server;
  private static Nginx nginx;
  private static int plainPort;
  private static int httpsPort;
  private static String password;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    password =
        UsersFile.createWithDemoUsers(dir.resolve("users.json"), Map.of("user1", "system_user"))
            .get("user1");
    server =
        SessionServer.start(
            ServerConfig.parse(
                List.of(
                    "--port",
                    "0",
                    "--store",
                    "memory",
                    "--data",
                    dir.toString(),
                    "--record-client-address",
                    "true",
                    "--trusted-proxies",
                    "127.0.0.1",
                    "--login-max-failures-per-address",
                    "3"),
                Map.of()),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    plainPort = Nginx.freePort();
    httpsPort = Nginx.freePort();
    // As the README says: the client's address appended, X-Forwarded-Proto and Forwarded
    // overwritten. The second
    // listener stands in for the TLS one (the test has no certificate): it says https, as $scheme
    // would there.
    String proxy =
        """
            location / {
              proxy_pass http://127.0.0.1:%d;
              proxy_set_header Host $host;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              proxy_set_header Forwarded "";
              proxy_set_header X-Forwarded-Proto %s;
            }
        """;
    nginx =
        Nginx.start(
            dir,
            """
          server {
            listen 127.0.0.1:%d;
        %s
          }
          server {
            listen 127.0.0.1:%d;
        %s
          }
        """
                .formatted(
                    plainPort,
                    proxy.formatted(server.port(), "$scheme"),
                    httpsPort,
                    proxy.formatted(server.port(), "https")),
            plainPort,
            httpsPort);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (nginx != null) {
        nginx.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void aLoginThroughTheProxyRecordsTheClientsAddressNotTheProxys() throws Exception {
    RawHttp.Response login = login("127.0.0.2", plainPort, "user1", password, "ip-recorded", "");
    assertThat(login.status()).as(login.raw()).isEqualTo(200);
    assertThat(ipAddressOf("ip-recorded")).isEqualTo("127.0.0.2");
  }

  /**
   * The per-address failed-login limit (3 here) locks the guesser's address, not the proxy's: another client
   * through the same proxy still logs in. (Before, both had the proxy's address, and one client locked out all.)
   */
  @Test
  void oneClientsFailuresThroughTheProxyDoNotLockAnotherClient() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(login("127.0.0.3", plainPort, "nobody" + i, "guess", "", "").status())
          .isEqualTo(401);
    }
    RawHttp.Response locked = login("127.0.0.3", plainPort, "user1", password, "", "");
    assertThat(locked.status()).as(locked.raw()).isEqualTo(429);
    assertThat(login("127.0.0.4", plainPort, "user1", password, "", "").status())
        .as("another client")
        .isEqualTo(200);
  }

  /** Sent straight to the server, not through the trusted proxy: the headers are the client's, and ignored. */
  @Test
  void forgedHeadersSentToTheServerDirectlyAreIgnored() throws Exception {
    RawHttp.Response login =
        RawHttp.sendFrom(
            InetAddress.getByName("127.0.0.5"),
            server.port(),
            loginRequest(
                "user1",
                password,
                "forged-direct",
                "X-Forwarded-For: 198.51.100.9\r\n"
                    + "Forwarded: for=198.51.100.9;proto=https\r\nX-Forwarded-Proto: https\r\n"));
    assertThat(login.status()).as(login.raw()).isEqualTo(200);
    assertThat(ipAddressOf("forged-direct")).isEqualTo("127.0.0.5");
    assertThat(cookies(login)).hasSize(3).noneSatisfy(c -> assertThat(c).contains("Secure"));
  }

  /** A client's own {@code X-Forwarded-For} through nginx is left of the address nginx appends: it chooses nothing. */
  @Test
  void aForgedLeftMostForwardedForThroughTheProxyDoesNotChooseTheAddress() throws Exception {
    assertThat(
            login(
                    "127.0.0.6",
                    plainPort,
                    "user1",
                    password,
                    "forged-xff",
                    "X-Forwarded-For: 198.51.100.9\r\n")
                .status())
        .isEqualTo(200);
    assertThat(ipAddressOf("forged-xff")).isEqualTo("127.0.0.6");
    assertThat(
            login(
                    "127.0.0.6",
                    plainPort,
                    "user1",
                    password,
                    "forged-forwarded",
                    "Forwarded: for=198.51.100.9\r\n")
                .status())
        .isEqualTo(200);
    assertThat(ipAddressOf("forged-forwarded"))
        .as("nginx drops it, as the README configures it")
        .isEqualTo("127.0.0.6");
  }

  @Test
  void httpsReportedByTheProxyMakesTheCookiesSecure() throws Exception {
    RawHttp.Response overTls = login("127.0.0.7", httpsPort, "user1", password, "", "");
    assertThat(cookies(overTls)).hasSize(3).allSatisfy(c -> assertThat(c).endsWith("; Secure"));
    RawHttp.Response plain =
        login("127.0.0.7", plainPort, "user1", password, "", "X-Forwarded-Proto: https\r\n");
    assertThat(cookies(plain))
        .as("a client's own X-Forwarded-Proto, overwritten by nginx's $scheme")
        .hasSize(3)
        .noneSatisfy(c -> assertThat(c).contains("Secure"));
  }

  @Test
  void aMissingNginxFailsTheTestNamingWhereItLookedAndHowToInstallIt() {
    assertThatThrownBy(() -> Nginx.find("/nonexistent/bin", List.of("/nonexistent/sbin/nginx")))
        .hasMessage(
            "nginx is needed as the reverse proxy of this test and is not installed: looked for it at"
                + " /nonexistent/bin/nginx, /nonexistent/sbin/nginx. Install it with: apt-get update && apt-get install"
                + " -y nginx-light (.ci/run does it)");
  }

  private static RawHttp.Response login(
      String from, int port, String user, String password, String deviceId, String extraHeaders)
      throws Exception {
    return RawHttp.sendFrom(
        InetAddress.getByName(from), port, loginRequest(user, password, deviceId, extraHeaders));
  }

  private static String loginRequest(
      String user, String password, String deviceId, String extraHeaders) {
    String body =
        "{\"login_id\":\""
            + user
            + "\",\"password\":\""
            + password
            + "\",\"device_id\":\""
            + deviceId
            + "\"}";
    return "POST /api/v4/users/login HTTP/1.1\r\nHost: sessions.example\r\nContent-Type: application/json\r\n"
        + "Content-Length: "
        + body.length()
        + "\r\nConnection: close\r\n"
        + extraHeaders
        + "\r\n"
        + body;
  }

  /** The {@code ip_address} of user1's session of this device, as the listing shows it. */
  private static String ipAddressOf(String deviceId) throws Exception {
    RawHttp.Response admin = RawHttp.send(server.port(), loginRequest("user1", password, "", ""));
    String token = admin.headers().get("token");
    RawHttp.Response list =
        RawHttp.send(
            server.port(),
            "GET /api/v4/users/me/sessions HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer "
                + token
                + "\r\nConnection: close\r\n\r\n");
    for (JsonNode session : JSON.readTree(list.body())) {
      if (session.get("device_id").asText().equals(deviceId)) {
        return session.get("props").path("ip_address").asText();
      }
    }
    throw new AssertionError("no session of device " + deviceId + " in " + list.body());
  }

  private static List<String> cookies(RawHttp.Response response) {
    List<String> cookies = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?im)^Set-Cookie: *(.*?)\r?$")
            .matcher(response.raw().split("\r\n\r\n", 2)[0]);
    while (m.find()) {
      cookies.add(m.group(1));
    }
    return cookies;
  }
}
