package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the runnable server answers to requests an attacker or a broken client sends, on the wire: every answer,
 * Jetty's own included, is an AppError ({@code application/json} exactly, {@code X-Request-Id}, the status in the
 * body, no class name, no HTML), and none of them reaches an endpoint it should not.
 */
class EdgeAnswersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path data;
  private static SessionServer server;
  private static String token;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("user1", "system_user"));
    server =
        SessionServer.start(
            ServerConfig.parse(
                List.of("--port", "0", "--store", "memory", "--data", data.toString()), Map.of()),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    port = server.port();
    var login =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v4/users/login"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"login_id\":\"user1\",\"password\":\""
                                + passwords.get("user1")
                                + "\"}"))
                    .build(),
                BodyHandlers.ofString());
    token = login.headers().firstValue("Token").orElseThrow();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      bad percent-encoding      | 400 | GET /api/v4/users/%ZZ/sessions HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n
      Content-Length not a number | 400 | POST /api/v4/users/login HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: abc\\r\\n\\r\\n
      a coding without chunked  | 400 | POST /api/v4/users/login HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n
      a coding before chunked   | 501 | POST /api/v4/users/login HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip, chunked\\r\\nConnection: close\\r\\n\\r\\n3\\r\\nabc\\r\\n0\\r\\n\\r\\n
      a bad chunk size          | 400 | POST /api/v4/users/login HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nZZ\\r\\nabc\\r\\n
      an encoded slash          | 400 | GET /api/v4/users/me%2Fx/sessions HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n
      an encoded dot segment    | 400 | GET /api/v4/%2e%2e/users/me/sessions HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n
      an empty segment          | 400 | GET /api/v4//users/me/sessions HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n
      HTTP/1.2                  | 505 | GET /api/v4/users/me/sessions HTTP/1.2\\r\\nHost: x\\r\\n\\r\\n
      no URI                    | 400 | GARBAGE\\r\\n\\r\\n
      bare line feeds           | 400 | GET /api/v4/users/me/sessions HTTP/1.1\\nHost: x\\n\\n
      no Host                   | 400 | GET /api/v4/users/me/sessions HTTP/1.1\\r\\n\\r\\n
      an unknown expectation    | 417 | POST /api/v4/users/login HTTP/1.1\\r\\nHost: x\\r\\nExpect: tea\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}
      an unknown route          | 404 | GET /index.html HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n
      a UUID as a user id       | 404 | GET /api/v4/users/3f2a8c1e-5b7d-4e0a-9c3f-1d2e3f4a5b6c/sessions HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n
      """)
  void malformedRequestsGetAppErrors(String what, int status, String request) throws Exception {
    assertAppError(RawHttp.send(port, request.replace("\\r", "\r").replace("\\n", "\n")), status);
  }

  @Test
  void aTlsHelloOrBinaryGarbageGetsAnAppErrorNotAThread() throws Exception {
    byte[] clientHello = {
      0x16,
      0x03,
      0x01,
      0x00,
      (byte) 0xa5,
      0x01,
      0x00,
      0x00,
      (byte) 0xa1,
      0x03,
      0x03,
      0,
      1,
      2,
      3,
      '\r',
      '\n',
      '\r',
      '\n'
    };
    assertAppError(RawHttp.send(port, clientHello), 400);
  }

  @Test
  void oversizedRequestLinesAndHeadersAre414And431() throws Exception {
    assertAppError(
        RawHttp.send(
            port,
            "GET /api/v4/users/" + "a".repeat(9000) + "/sessions HTTP/1.1\r\nHost: x\r\n\r\n"),
        414);
    assertAppError(
        RawHttp.send(
            port,
            "GET /api/v4/users/me/sessions HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "b".repeat(9000)
                + "\r\n\r\n"),
        431);
  }

  @Test
  void anOversizedBodyAnnouncedWithExpectContinueGets413BeforeAnyBody() throws Exception {
    RawHttp.Response r =
        RawHttp.send(
            port,
            "POST /api/v4/users/login HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 10000000\r\nExpect: 100-continue\r\n\r\n");
    assertThat(r.raw()).doesNotContain("100 Continue");
    assertAppError(r, 413);
  }

  /** Regression: {@code post .../revoke/all} revoked every session, as if it were {@code POST}. */
  @Test
  void methodsAreCaseSensitive() throws Exception {
    RawHttp.Response r =
        RawHttp.send(
            port,
            "post /api/v4/users/me/sessions/revoke/all HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer "
                + token
                + "\r\nConnection: close\r\n\r\n");
    assertAppError(r, 405);
    var sessions =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v4/users/me/sessions"))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                BodyHandlers.ofString());
    assertThat(sessions.statusCode()).as("the session lives on").isEqualTo(200);
  }

  @Test
  void h2cAnswersLikeHttp11() throws Exception {
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    var r =
        h2.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v4/users/me/sessions"))
                .header("Authorization", "Bearer " + token)
                .build(),
            BodyHandlers.ofString());
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    var refused =
        h2.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v4/users/me/sessions"))
                .build(),
            BodyHandlers.ofString());
    assertThat(refused.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("\"status_code\":401");
  }

  private static void assertAppError(RawHttp.Response r, int status) throws Exception {
    assertThat(r.status()).as(r.raw()).isEqualTo(status);
    assertThat(r.headers().get("content-type")).as(r.raw()).isEqualTo("application/json");
    assertThat(r.headers().get("x-request-id")).as(r.raw()).matches("[a-z0-9]{26}");
    assertThat(r.headers()).doesNotContainKey("server");
    assertThat(r.body())
        .doesNotContain("Exception")
        .doesNotContain("java.")
        .doesNotContain("org.eclipse")
        .doesNotContainIgnoringCase("<html");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status_code").asInt()).isEqualTo(status);
    assertThat(body.get("request_id").asText()).isEqualTo(r.headers().get("x-request-id"));
    assertThat(body.get("id").asText()).startsWith("api.");
    assertThat(body.get("message").asText()).isNotEmpty();
  }
}
