package org.sessionregistry.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The example as a newcomer uses it, over real HTTP: log in, call, list and revoke sessions, log out. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.datasource.url=jdbc:h2:mem:example-test")
class ExampleApplicationTest {
  private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
  private final HttpClient client = HttpClient.newHttpClient();

  @LocalServerPort int port;

  @Test
  void logInCallListRevokeAndLogOut() throws Exception {
    String phone = login("bob", "bob-password");
    String laptop = login("bob", "bob-password");
    assertThat(send("GET", "/api/hello", laptop).body()).contains("\"hello\":\"bob\"");
    assertThat(send("GET", "/api/hello", null).statusCode()).isEqualTo(401);

    HttpResponse<String> list = send("GET", "/api/sessions", laptop);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body())
        .contains("\"current\":true", "\"current\":false")
        .doesNotContain(phone, laptop);

    assertThat(send("POST", "/api/sessions/revoke-others", laptop).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/hello", phone).statusCode()).isEqualTo(401);

    assertThat(send("POST", "/api/admin/users/bob/sessions/revoke", laptop).statusCode())
        .isEqualTo(403);
    assertThat(send("POST", "/logout", laptop).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/hello", laptop).statusCode()).isEqualTo(401);
  }

  @Test
  void anAdminRevokesEveryoneOfAUser() throws Exception {
    String bob = login("bob", "bob-password");
    String alice = login("alice", "alice-password");
    assertThat(send("POST", "/api/admin/users/bob/sessions/revoke", alice).statusCode())
        .isEqualTo(200);
    assertThat(send("GET", "/api/hello", bob).statusCode()).isEqualTo(401);
  }

  private String login(String user, String password) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = TOKEN.matcher(r.body());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
