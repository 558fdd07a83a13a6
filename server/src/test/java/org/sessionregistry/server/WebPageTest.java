package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The active-sessions page as the server sends it, on the wire: each file with its exact content type, the strict
 * Content-Security-Policy and {@code nosniff} on every answer, revalidation by ETag; nothing inline for the policy to
 * refuse; errors as AppErrors. (The page in a browser: {@link ActiveSessionsPageTest}.)
 */
class WebPageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path data;
  private static SessionServer server;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("user1", "system_user"));
    server = startInMemory(data);
    base = "http://127.0.0.1:" + server.port();
  }

  /** The runnable server on a free port, sessions in memory, its users file in {@code data}, its output dropped. */
  static SessionServer startInMemory(Path data) throws SessionServer.StartupException {
    return SessionServer.start(
        ServerConfig.parse(
            List.of("--port", "0", "--store", "memory", "--data", data.toString()), Map.of()),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "/, text/html;charset=utf-8",
    "/page/app.js, text/javascript;charset=utf-8",
    "/page/app.css, text/css;charset=utf-8",
    "/page/icon.svg, image/svg+xml"
  })
  void eachFileComesWithItsTypeThePolicyAndAnETagToRevalidate(String path, String type)
      throws Exception {
    HttpResponse<String> r = send("GET", path);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""))
        .isEqualToIgnoringCase(type);
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .hasValue(
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
                + " img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(r.body()).isNotEmpty();
    String etag = r.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[0-9a-f]{32}\"");

    HttpResponse<String> again = send("GET", path, "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(send("GET", path, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);

    HttpResponse<String> head = send("HEAD", path);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void thePageHasNothingInlineForThePolicyToRefuseAndFitsAPhone() throws Exception {
    String html = send("GET", "/").body();
    assertThat(html).contains("<meta name=\"viewport\" content=\"width=device-width");
    Matcher scripts =
        Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).contains("type=\"module\"").contains("src=\"/page/");
      assertThat(scripts.group(2)).isBlank();
    }
    assertThat(count).isEqualTo(1);
    assertThat(html).doesNotContainPattern("(?i)<style\\b|\\sstyle=|\\son[a-z]+=|javascript:");
    assertThat(html).doesNotContainPattern("(?i)(src|href)=\"(https?:)?//");
    // Every input has its label.
    Matcher inputs = Pattern.compile("<input\\b[^>]*\\bid=\"([^\"]+)\"").matcher(html);
    int labelled = 0;
    while (inputs.find()) {
      assertThat(html).contains("<label for=\"" + inputs.group(1) + "\"");
      labelled++;
    }
    assertThat(labelled).isEqualTo(3);
    assertThat(html).contains("aria-live=\"polite\"");
    // The script builds markup with textContent only: nothing the server sends becomes HTML.
    assertThat(send("GET", "/page/app.js").body())
        .doesNotContain("innerHTML")
        .doesNotContain("outerHTML")
        .doesNotContain("insertAdjacentHTML")
        .doesNotContain("document.write")
        .doesNotContain("eval(");
  }

  @Test
  void anotherMethodIs405AndAnUnknownFileIs404BothAppErrors() throws Exception {
    HttpResponse<String> post = send("POST", "/");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(post.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(post.headers().firstValue("Content-Security-Policy")).isPresent();
    JsonNode error = JSON.readTree(post.body());
    assertThat(error.get("status_code").asInt()).isEqualTo(405);
    assertThat(error.get("id").asText()).isEqualTo("api.context.405.app_error");

    for (String path : List.of("/page/", "/page/index.html", "/page/app.js.map", "/index.html")) {
      HttpResponse<String> missing = send("GET", path);
      assertThat(missing.statusCode()).as(path).isEqualTo(404);
      assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(JSON.readTree(missing.body()).get("status_code").asInt()).isEqualTo(404);
    }
  }

  @Test
  void theApiIsStillTheApis() throws Exception {
    HttpResponse<String> ping = send("GET", "/api/v4/system/ping");
    assertThat(ping.statusCode()).isEqualTo(200);
    assertThat(ping.headers().firstValue("Content-Security-Policy")).isEmpty();
    assertThat(send("GET", "/api/v4/users/me/sessions").statusCode()).isEqualTo(401);
  }
}
