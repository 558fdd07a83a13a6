package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sessionregistry.Ids;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The OpenAPI description (docs/openapi.yaml, in the jar) against the running server: the server is driven to give
 * every status the description documents for every operation, and each answer's status, headers and body are validated
 * against the description's schemas by a JSON Schema 2020-12 validator. An answer the description does not document
 * fails, and so does a documented status no request here produced. The description itself is checked against the
 * OpenAPI 3.1 schema, offline.
 */
class OpenApiConformanceTest {
  /** The description's base IRI for the validator: never fetched, it is mapped to the file. */
  private static final String DOC = "https://session-registry.invalid/openapi.yaml";

  private static final String OAS_BASE = "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07";
  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final byte[] DESCRIPTION_BYTES = read("openapi.yaml");
  private static final JsonNode DESCRIPTION =
      YAMLMapper.builder().build().readTree(new String(DESCRIPTION_BYTES, StandardCharsets.UTF_8));

  private final SchemaRegistry schemas =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12, b -> b.schemas(OpenApiConformanceTest::schemaText));
  private final HttpClient http = HttpClient.newHttpClient();

  /** (path template, method, status) of every answer validated. */
  private final Set<String> covered = new TreeSet<>();

  @Test
  void theDescriptionIsAValidOpenApi31Document() {
    assertThat(DESCRIPTION.path("openapi").asString()).startsWith("3.1.");
    List<Error> errors = schemas.getSchema(SchemaLocation.of(OAS_BASE)).validate(DESCRIPTION);
    assertThat(errors).as("against the OpenAPI 3.1 schema").isEmpty();

    List<String> unresolved = new ArrayList<>();
    refs(DESCRIPTION, unresolved);
    assertThat(unresolved).as("$refs that name nothing").isEmpty();

    operations()
        .forEach(
            (key, op) -> {
              assertThat(op.path("responses").size()).as(key + " has responses").isPositive();
              op.path("responses")
                  .properties()
                  .forEach(
                      r ->
                          assertThat(resolve(r.getValue()).path("description").isString())
                              .as(key + " " + r.getKey() + " has a description")
                              .isTrue());
            });
  }

  /** The checks above can fail: a description with an operation without responses, or a dangling $ref, is refused. */
  @Test
  void aBrokenDescriptionIsRefused() {
    ObjectNode broken = (ObjectNode) DESCRIPTION.deepCopy();
    ((ObjectNode) broken.at("/paths/~1api~1v4~1users~1logout/post")).remove("responses");
    ((ObjectNode) broken.at("/paths/~1api~1v4~1users~1logout/post"))
        .put("summary", 12); // a number where a string belongs
    assertThat(schemas.getSchema(SchemaLocation.of(OAS_BASE)).validate(broken)).isNotEmpty();

    ObjectNode dangling = (ObjectNode) DESCRIPTION.deepCopy();
    ((ObjectNode) dangling.at("/paths/~1api~1v4~1users~1logout/post/responses/401"))
        .put("$ref", "#/components/responses/Nothing");
    List<String> unresolved = new ArrayList<>();
    refs(dangling, unresolved);
    assertThat(unresolved).containsExactly("#/components/responses/Nothing");
  }

  /**
   * Every route the server's code answers is described: each path literal of the routing code (the Mattermost
   * endpoints, the server's own, the servlet mappings, the metrics port) names a described path, or is a prefix of
   * some. Read from the sources, as DocumentationCompilesTest reads the README: a route added without its description
   * fails here.
   */
  @Test
  void everyRouteInTheCodeIsDescribed() throws IOException {
    Path root = Path.of("..");
    List<Path> routing =
        List.of(
            root.resolve("http/src/main/java/org/sessionregistry/http/MattermostSessionApi.java"),
            root.resolve("http/src/main/java/org/sessionregistry/http/SessionRegistryApi.java"),
            root.resolve("server/src/main/java/org/sessionregistry/server/SessionServer.java"),
            root.resolve("server/src/main/java/org/sessionregistry/server/DescriptionServlet.java"),
            root.resolve("server/src/main/java/org/sessionregistry/server/MetricsEndpoint.java"),
            root.resolve("server/src/main/java/org/sessionregistry/server/WebPage.java"));
    Pattern literal = Pattern.compile("\"(/(?:api/v4|sr/v1|page)[^\"(\\s]*|/metrics|/health)\"");
    Set<String> described = new TreeSet<>();
    DESCRIPTION.path("paths").propertyNames().forEach(described::add);
    Set<String> found = new TreeSet<>();
    for (Path file : routing) {
      Matcher m = literal.matcher(Files.readString(file));
      while (m.find()) {
        String route = m.group(1);
        found.add(route);
        String bare = route.replaceAll("/?\\*?$", "").replaceAll("/$", "");
        assertThat(
                described.contains(bare)
                    || described.stream().anyMatch(d -> d.startsWith(bare + "/")))
            .as(
                file.getFileName()
                    + " answers "
                    + route
                    + ", which the description does not describe")
            .isTrue();
      }
    }
    assertThat(found)
        .as("the routes were found")
        .contains("/api/v4/users/login", "/sr/v1/me", "/metrics", "/page/app.js");
  }

  /** The validation can fail: an answer off the description in its body, its headers or its content type. */
  @Test
  void anAnswerOffTheDescriptionIsCaught() {
    String unauthorized = "/components/responses/Unauthorized";
    String body =
        "{\"id\":\"api.context.session_expired.app_error\",\"message\":\"m\",\"detailed_error\":\"\","
            + "\"request_id\":\""
            + Ids.newId()
            + "\",\"status_code\":401}";
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("content-type", List.of("application/json"));
    headers.put("x-request-id", List.of(Ids.newId()));
    headers.put("cache-control", List.of("no-store"));
    validateResponse(new Answer("GET", 401, headers, bytes(body)), "as described", unauthorized);

    assertThatThrownBy(
            () ->
                validateResponse(
                    new Answer("GET", 401, headers, bytes(body.replace("}", ",\"extra\":1}"))),
                    "a property too many",
                    unauthorized))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () ->
                validateResponse(
                    new Answer("GET", 401, headers, bytes(body.replace("401", "403"))),
                    "another status in the body",
                    unauthorized))
        .isInstanceOf(AssertionError.class);
    Map<String, List<String>> charset = new LinkedHashMap<>(headers);
    charset.put("content-type", List.of("application/json; charset=utf-8"));
    assertThatThrownBy(
            () ->
                validateResponse(
                    new Answer("GET", 401, charset, bytes(body)), "a charset", unauthorized))
        .isInstanceOf(AssertionError.class);
    Map<String, List<String>> noId = new LinkedHashMap<>(headers);
    noId.remove("x-request-id");
    assertThatThrownBy(
            () ->
                validateResponse(
                    new Answer("GET", 401, noId, bytes(body)), "no X-Request-Id", unauthorized))
        .isInstanceOf(AssertionError.class);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyDocumentedStatusOfEveryOperationIsWhatTheServerAnswers(@TempDir Path dir)
      throws Exception {
    int redisPort = MetricsPortTest.freePort();
    Process redis = MetricsPortTest.redis(redisPort, dir);
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(
            dir.resolve("data").resolve("users.json"),
            Map.of("admin", "system_admin system_user", "user1", "system_user"));
    try (SessionServer server =
        SessionServer.start(
            ServerConfig.parse(
                List.of(
                    "--port",
                    "0",
                    "--data",
                    dir.resolve("data").toString(),
                    "--store",
                    "redis",
                    "--redis",
                    "127.0.0.1:" + redisPort,
                    "--redis-timeout",
                    "1s",
                    "--metrics-port",
                    "0"),
                Map.of()),
            quiet())) {
      Client api = new Client(server.port(), "http://127.0.0.1:8065");
      Client metrics = new Client(server.metricsPort(), null);
      driveTheApi(api, passwords);
      drivePage(api);
      driveTheMetricsPort(metrics, "200");
      unlisted(api, metrics);

      // The store goes away: every operation that reads it says so, for a token that was live.
      String bearer = "Bearer " + api.login("user1", passwords.get("user1")).header("Token");
      redis.destroy();
      redis.waitFor();
      String a = "/api/v4/users/me/sessions";
      api.call("GET", a, "/api/v4/users/{user_id}/sessions", 503, h("Authorization", bearer));
      api.call(
          "POST",
          a + "/revoke",
          "/api/v4/users/{user_id}/sessions/revoke",
          503,
          json("{\"session_id\":\"" + Ids.newId() + "\"}", "Authorization", bearer));
      api.call(
          "POST",
          a + "/revoke/all",
          "/api/v4/users/{user_id}/sessions/revoke/all",
          503,
          h("Authorization", bearer));
      api.call("POST", "/api/v4/users/sessions/revoke/all", null, 503, h("Authorization", bearer));
      api.call("POST", "/api/v4/users/logout", null, 503, h("Authorization", bearer));
      api.call(
          "POST",
          "/api/v4/users/login",
          null,
          503,
          json("{\"login_id\":\"user1\",\"password\":\"" + passwords.get("user1") + "\"}"));
      api.call("GET", "/sr/v1/me", null, 503, h("Authorization", bearer));
      api.call(
          "POST", "/sr/v1/users/me/sessions/revoke/others", null, 503, h("Authorization", bearer));
      api.call("GET", "/sr/v1/sessions", null, 503, h("Authorization", bearer));
      api.call("GET", "/sr/v1/sessions/count", null, 503, h("Authorization", bearer));
      api.call(
          "GET",
          "/sr/v1/users/sessions?login_id=user1",
          "/sr/v1/users/sessions",
          503,
          h("Authorization", bearer));
      api.call("GET", "/api/v4/system/ping?get_server_status=true", "/api/v4/system/ping", 500);
      Answer rest =
          api.call(
              "GET",
              "/api/v4/system/ping?get_server_status=true&use_rest_semantics=true",
              "/api/v4/system/ping",
              200);
      assertThat(rest.json().path("status").asString()).isEqualTo("UNHEALTHY");
      driveTheMetricsPort(metrics, "503");
    } finally {
      redis.destroy();
      redis.waitFor();
    }

    // The login's own limits, on a server of their own: the session limit that refuses, the
    // lockout, the rate.
    Path limited = dir.resolve("limited");
    Map<String, String> limitedPasswords =
        UsersFile.createWithDemoUsers(
            limited.resolve("users.json"),
            Map.of("user1", "system_user", "admin", "system_admin system_user"));
    try (SessionServer server =
        SessionServer.start(
            ServerConfig.parse(
                List.of(
                    "--port",
                    "0",
                    "--data",
                    limited.toString(),
                    "--store",
                    "memory",
                    "--max-sessions-per-user",
                    "1",
                    "--session-limit-policy",
                    "refuse",
                    "--login-max-failures",
                    "1",
                    "--login-max-failures-per-address",
                    "3"),
                Map.of()),
            quiet())) {
      Client api = new Client(server.port(), "http://127.0.0.1:8065");
      String login = "/api/v4/users/login";
      String password = limitedPasswords.get("user1");
      api.login("user1", password, "a");
      Answer refused =
          api.call(
              "POST",
              login,
              null,
              403,
              json(
                  "{\"login_id\":\"user1\",\"password\":\""
                      + password
                      + "\",\"device_id\":\"b\"}"));
      assertThat(refused.json().path("id").asString())
          .isEqualTo("api.user.login.session_limit.app_error");
      // Every session, paged, and their count: on a store that walks them (memory).
      String adminBearer =
          "Bearer " + api.login("admin", limitedPasswords.get("admin")).header("Token");
      Answer first =
          api.call(
              "GET",
              "/sr/v1/sessions?per_page=1",
              "/sr/v1/sessions",
              200,
              h("Authorization", adminBearer));
      String cursor = first.json().path("next_cursor").asString();
      assertThat(cursor).isNotEmpty();
      Answer last =
          api.call(
              "GET",
              "/sr/v1/sessions?per_page=1&cursor="
                  + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8),
              "/sr/v1/sessions",
              200,
              h("Authorization", adminBearer));
      assertThat(last.json().path("sessions").size()).isEqualTo(1);
      api.call(
          "GET",
          "/sr/v1/sessions?cursor=not-a-cursor",
          "/sr/v1/sessions",
          400,
          h("Authorization", adminBearer));
      Answer count =
          api.call("GET", "/sr/v1/sessions/count", null, 200, h("Authorization", adminBearer));
      assertThat(count.json().path("count").asLong()).isEqualTo(2);

      String[] wrong = json("{\"login_id\":\"user1\",\"password\":\"wrong\"}");
      api.call("POST", login, null, 401, wrong);
      Answer locked = api.call("POST", login, null, 401, wrong);
      assertThat(locked.json().path("id").asString())
          .isEqualTo("api.user.check_user_login_attempts.too_many.app_error");
      Answer tooMany = null;
      for (int i = 0; i < 10 && tooMany == null; i++) {
        Answer a =
            api.send(
                "POST", login, json("{\"login_id\":\"nobody" + i + "\",\"password\":\"wrong\"}"));
        if (a.status == 429) {
          tooMany = api.check(a, "POST", login, login);
        } else {
          api.check(a, "POST", login, login);
        }
      }
      assertThat(tooMany).as("429 within 10 failed logins").isNotNull();
    }

    Set<String> documented = new TreeSet<>();
    operations()
        .forEach(
            (key, op) ->
                op.path("responses")
                    .propertyNames()
                    .forEach(
                        status -> {
                          if (!status.equals("default")) {
                            documented.add(key + " " + status);
                          }
                        }));
    documented.add("unlisted path NotFound");
    documented.add("unlisted method MethodNotAllowed");
    documented.add("unlisted path MetricsNotFound");
    documented.add("unlisted method MetricsMethodNotAllowed");
    assertThat(covered)
        .as("every documented status, produced and validated")
        .containsAll(documented);
  }

  private void driveTheApi(Client api, Map<String, String> passwords) throws Exception {
    String list = "/api/v4/users/{user_id}/sessions";
    String revoke = list + "/revoke";
    String revokeAll = list + "/revoke/all";
    String everyone = "/api/v4/users/sessions/revoke/all";
    String login = "/api/v4/users/login";
    String logout = "/api/v4/users/logout";
    String ping = "/api/v4/system/ping";

    api.call("GET", ping, null, 200);
    Answer status = api.call("GET", ping + "?get_server_status=true", ping, 200);
    assertThat(status.json().path("database_status").asString()).isEqualTo("OK");
    assertThat(status.header("database_status")).isEqualTo("OK");

    // Logins: each scheme of authentication then works.
    Answer user1 = api.login("user1", passwords.get("user1"));
    String token = user1.header("Token");
    String userId = user1.json().path("id").asString();
    assertThat(user1.headers.get("set-cookie")).hasSize(3);
    String cookie = cookies(user1);
    String csrf = cookieValue(user1, "MMCSRF");
    Answer second = api.login("user1@example.com", passwords.get("user1"), "phone");
    Answer admin = api.login("admin", passwords.get("admin"));
    String adminId = admin.json().path("id").asString();
    String adminBearer = "Bearer " + admin.header("Token");

    api.call("POST", login, null, 400, json("{\"login_id\":\"user1\",\"password\":\"\"}"));
    api.call(
        "POST",
        login,
        null,
        400,
        json("{\"login_id\":\"user1\",\"password\":\"x\",\"x\":1,\"x\":2}"));
    api.call("POST", login, null, 401, json("{\"login_id\":\"user1\",\"password\":\"wrong\"}"));
    api.call(
        "POST",
        login,
        null,
        415,
        new String[] {"Content-Type", "text/plain", "", "{\"login_id\":\"a\",\"password\":\"b\"}"});

    // The list, by each scheme.
    Answer mine =
        api.call(
            "GET", "/api/v4/users/me/sessions", list, 200, h("Authorization", "Bearer " + token));
    assertThat(mine.json().size()).isEqualTo(2);
    api.call(
        "GET",
        "/api/v4/users/" + userId + "/sessions",
        list,
        200,
        h("Authorization", "token " + token));
    api.call("GET", "/api/v4/users/me/sessions", list, 200, h("Cookie", cookie));
    api.call(
        "GET", "/api/v4/users/" + userId + "/sessions", list, 200, h("Authorization", adminBearer));
    api.call("GET", "/api/v4/users/abc/sessions", list, 400, h("Authorization", "Bearer " + token));
    api.call("GET", "/api/v4/users/me/sessions", list, 401);
    api.call(
        "GET", "/api/v4/users/me/sessions", list, 401, h("Authorization", "Bearer " + Ids.newId()));
    api.call(
        "GET",
        "/api/v4/users/" + adminId + "/sessions",
        list,
        403,
        h("Authorization", "Bearer " + token));
    api.call("GET", "/api/v4/users/a-b/sessions", list, 404, h("Authorization", "Bearer " + token));

    // Revoking one.
    String secondId =
        api.call(
                "GET",
                "/api/v4/users/me/sessions",
                list,
                200,
                h("Authorization", "Bearer " + second.header("Token")))
            .json()
            .get(0)
            .path("id")
            .asString();
    String adminSession =
        api.call("GET", "/api/v4/users/me/sessions", list, 200, h("Authorization", adminBearer))
            .json()
            .get(0)
            .path("id")
            .asString();
    String me = "/api/v4/users/me/sessions/revoke";
    api.call(
        "POST", me, revoke, 401, json("{\"session_id\":\"" + secondId + "\"}", "Cookie", cookie));
    api.call(
        "POST",
        me,
        revoke,
        400,
        json("{\"session_id\":\"" + Ids.newId() + "\"}", "Cookie", cookie, "X-CSRF-Token", csrf));
    api.call("POST", me, revoke, 400, json("{}", "Authorization", "Bearer " + token));
    api.call(
        "POST",
        "/api/v4/users/abc/sessions/revoke",
        revoke,
        400,
        json("{}", "Authorization", "Bearer " + token));
    api.call(
        "POST",
        "/api/v4/users/" + adminId + "/sessions/revoke",
        revoke,
        403,
        json("{\"session_id\":\"" + adminSession + "\"}", "Authorization", "Bearer " + token));
    api.call(
        "POST",
        "/api/v4/users/a-b/sessions/revoke",
        revoke,
        404,
        json("{}", "Authorization", "Bearer " + token));
    api.call(
        "POST",
        me,
        revoke,
        415,
        new String[] {"Authorization", "Bearer " + token, "Content-Type", "text/plain", "", "{}"});
    api.call(
        "POST",
        me,
        revoke,
        200,
        json(
            "{\"session_id\":\"" + secondId + "\"}",
            "Cookie",
            cookie,
            "X-Requested-With",
            "XMLHttpRequest"));

    // Revoking all of a user's.
    String all = "/api/v4/users/me/sessions/revoke/all";
    api.call("POST", all, revokeAll, 401, h("Cookie", cookie));
    api.call(
        "POST",
        "/api/v4/users/abc/sessions/revoke/all",
        revokeAll,
        400,
        h("Authorization", "Bearer " + token));
    api.call(
        "POST",
        "/api/v4/users/" + adminId + "/sessions/revoke/all",
        revokeAll,
        403,
        h("Authorization", "Bearer " + token));
    api.call(
        "POST",
        "/api/v4/users/a-b/sessions/revoke/all",
        revokeAll,
        404,
        h("Authorization", "Bearer " + token));
    api.call(
        "POST",
        "/api/v4/users/" + userId + "/sessions/revoke/all",
        revokeAll,
        200,
        h("Authorization", adminBearer));
    api.call("GET", "/api/v4/users/me/sessions", list, 401, h("Authorization", "Bearer " + token));

    driveOwnEndpoints(api, passwords, adminBearer);

    // Everyone's, and logging out.
    Answer again = api.login("user1", passwords.get("user1"));
    api.call("POST", everyone, null, 401);
    api.call("POST", everyone, null, 403, h("Authorization", "Bearer " + again.header("Token")));
    api.call("POST", logout, null, 401, h("Cookie", cookies(again)));
    api.call("POST", logout, null, 200, h("Authorization", "Bearer " + again.header("Token")));
    api.call("POST", logout, null, 200);
    api.call("POST", everyone, null, 200, h("Authorization", adminBearer));
    api.call("GET", "/api/v4/users/me/sessions", list, 401, h("Authorization", adminBearer));

    // A body over the limit, announced and refused before it is sent, on every operation.
    operations()
        .forEach(
            (key, op) -> {
              if (DESCRIPTION.path("paths").path(key.split(" ")[0]).has("servers")) {
                return; // the metrics port reads no body
              }
              String[] parts = key.split(" ");
              String path = parts[0].replace("{user_id}", "me");
              try {
                RawHttp.Response raw =
                    RawHttp.send(
                        api.port,
                        parts[1]
                            + " "
                            + path
                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n");
                Map<String, List<String>> headers = new LinkedHashMap<>();
                raw.headers().forEach((k, v) -> headers.put(k, List.of(v)));
                api.check(
                    new Answer(
                        parts[1],
                        raw.status(),
                        headers,
                        raw.body().getBytes(StandardCharsets.ISO_8859_1)),
                    parts[1],
                    path,
                    parts[0]);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  /** The server's own endpoints, and its description; listing every session where the store can (else 501). */
  private void driveOwnEndpoints(Client api, Map<String, String> passwords, String adminBearer)
      throws Exception {
    String login = "/api/v4/users/login";
    Answer user1 = api.login("user1", passwords.get("user1"));
    String bearer = "Bearer " + user1.header("Token");
    String cookie = cookies(user1);

    Answer me = api.call("GET", "/sr/v1/me", null, 200, h("Authorization", bearer));
    assertThat(me.json().path("may_manage_system").asBoolean()).isFalse();
    Answer byCookie = api.call("GET", "/sr/v1/me/", "/sr/v1/me", 200, h("Cookie", cookie));
    assertThat(byCookie.json().path("user").path("username").asString()).isEqualTo("user1");
    api.call("GET", "/sr/v1/me", null, 401);

    String others = "/sr/v1/users/me/sessions/revoke/others";
    api.call("POST", others, null, 401, h("Cookie", cookie));
    api.call("POST", others, null, 200, h("Authorization", bearer));
    api.call(
        "POST",
        others,
        null,
        200,
        h("Cookie", cookie, "X-CSRF-Token", cookieValue(user1, "MMCSRF")));

    for (String path : List.of("/sr/v1/sessions", "/sr/v1/sessions/count")) {
      api.call("GET", path, null, 401);
      api.call("GET", path, null, 403, h("Authorization", bearer));
      Answer a = api.send("GET", path, "Authorization", adminBearer);
      if (a.status == 501) {
        // This store cannot walk every session: the default response, as the description says.
        validateResponse(
            a, "GET " + path + " 501", "/paths/" + escape(path) + "/get/responses/default");
        assertThat(a.json().path("id").asString())
            .isEqualTo("api.sessions.listing_unsupported.app_error");
      } else {
        api.check(a, "GET", path, path);
      }
    }
    for (String bad : List.of("per_page=0", "per_page=201", "per_page=x")) {
      api.call(
          "GET", "/sr/v1/sessions?" + bad, "/sr/v1/sessions", 400, h("Authorization", adminBearer));
    }

    String find = "/sr/v1/users/sessions";
    Answer found =
        api.call(
            "GET",
            find + "?login_id=USER1%40example.com",
            find,
            200,
            h("Authorization", adminBearer));
    assertThat(found.json().path("user").path("username").asString()).isEqualTo("user1");
    api.call("GET", find + "?login_id=nobody", find, 404, h("Authorization", adminBearer));
    api.call("GET", find, find, 400, h("Authorization", adminBearer));
    api.call("GET", find + "?login_id=user1", find, 401);
    api.call("GET", find + "?login_id=user1", find, 403, h("Authorization", bearer));

    Answer description = api.call("GET", "/sr/v1/openapi.yaml", null, 200);
    assertThat(description.body)
        .as("the description the server serves is the file")
        .isEqualTo(DESCRIPTION_BYTES);
  }

  /** The page's files: each by GET and HEAD, then again with its ETag (304). */
  private void drivePage(Client api) throws Exception {
    for (String path : List.of("/", "/page/app.js", "/page/app.css", "/page/icon.svg")) {
      String etag = api.call("GET", path, null, 200).header("ETag");
      api.call("HEAD", path, null, 200);
      api.call("GET", path, null, 304, h("If-None-Match", etag));
      api.call("HEAD", path, null, 304, h("If-None-Match", etag));
    }
  }

  private void driveTheMetricsPort(Client metrics, String health) throws Exception {
    if (health.equals("200")) {
      Answer scrape = metrics.call("GET", "/metrics", null, 200);
      assertThat(new String(scrape.body, StandardCharsets.UTF_8))
          .contains("sessionregistry_operations_seconds_count");
    }
    metrics.call("GET", "/health", null, Integer.parseInt(health));
  }

  /** The answers to what the description does not list: another path (404), another method (405). */
  private void unlisted(Client api, Client metrics) throws Exception {
    for (String path :
        List.of(
            "/api/v4/users/nothing",
            "/api/v4/users/me",
            "/api/v4",
            "/sr/v1/nothing",
            "/sr/v1/",
            "/nothing",
            "/page/nothing",
            "/index.html")) {
      validate(api.send("GET", path), "unlisted path " + path, "NotFound", 404);
    }
    validate(metrics.send("GET", "/nothing"), "unlisted path /nothing", "MetricsNotFound", 404);
    DESCRIPTION
        .path("paths")
        .properties()
        .forEach(
            p -> {
              Client client = p.getValue().has("servers") ? metrics : api;
              String name = client == metrics ? "MetricsMethodNotAllowed" : "MethodNotAllowed";
              String path = p.getKey().replace("{user_id}", "me");
              Set<String> listed = new LinkedHashSet<>();
              p.getValue().propertyNames().stream()
                  .map(m -> m.toUpperCase(Locale.ROOT))
                  .filter(METHODS::contains)
                  .forEach(listed::add);
              for (String method : METHODS) {
                if (listed.contains(method)) {
                  continue;
                }
                try {
                  Answer a = client.send(method, path);
                  validate(a, "unlisted method " + method + " " + path, name, 405);
                  assertThat(Set.of(a.header("Allow").split(", ")))
                      .as(method + " " + path + ": Allow")
                      .isEqualTo(listed);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            });
  }

  /** Validates an answer to an unlisted path or method against a response of components. */
  private void validate(Answer a, String what, String response, int status) {
    assertThat(a.status).as(what).isEqualTo(status);
    validateResponse(a, what, "/components/responses/" + response);
    covered.add(what.substring(0, what.indexOf(' ', what.indexOf(' ') + 1)) + " " + response);
  }

  /** A server's port, and the server URL the description gives it (null: the path's own servers). */
  private final class Client {
    final int port;
    final @Nullable String server;

    Client(int port, @Nullable String server) {
      this.port = port;
      this.server = server;
    }

    /** A login that must succeed, validated. */
    Answer login(String loginId, String password, String... deviceId) throws Exception {
      String device = deviceId.length == 0 ? "" : ",\"device_id\":\"" + deviceId[0] + "\"";
      return call(
          "POST",
          "/api/v4/users/login",
          null,
          200,
          json(
              "{\"login_id\":\""
                  + loginId
                  + "\",\"password\":\""
                  + password
                  + "\""
                  + device
                  + "}"));
    }

    /** Sends, then checks the answer is {@code status} and that the description documents it exactly. */
    Answer call(
        String method, String path, @Nullable String template, int status, String... headersAndBody)
        throws Exception {
      Answer a = send(method, path, headersAndBody);
      assertThat(a.status)
          .as(method + " " + path + ": " + new String(a.body, StandardCharsets.UTF_8))
          .isEqualTo(status);
      return check(a, method, path, template != null ? template : path.split("\\?")[0]);
    }

    /** Headers as name, value pairs; a pair with an empty name is the body. */
    Answer send(String method, String path, String... headersAndBody) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
      String body = null;
      for (int i = 0; i < headersAndBody.length; i += 2) {
        if (headersAndBody[i].isEmpty()) {
          body = headersAndBody[i + 1];
        } else {
          b.header(headersAndBody[i], headersAndBody[i + 1]);
        }
      }
      b.method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
      java.net.http.HttpResponse<byte[]> r = http.send(b.build(), BodyHandlers.ofByteArray());
      Map<String, List<String>> headers = new LinkedHashMap<>();
      r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
      return new Answer(method, r.statusCode(), headers, r.body());
    }

    /** Validates the answer against the operation's response for its status (or its default). */
    Answer check(Answer a, String method, String path, String template) {
      String key = template + " " + method;
      JsonNode pathItem = DESCRIPTION.path("paths").path(template);
      assertThat(pathItem.isObject()).as(template + " is in the description").isTrue();
      assertThat(pathItem.has("servers"))
          .as(key + " on the server the description gives it")
          .isEqualTo(server == null);
      JsonNode op = pathItem.path(method.toLowerCase(Locale.ROOT));
      assertThat(op.isObject()).as(key + " is in the description").isTrue();
      String status = String.valueOf(a.status);
      JsonNode responses = op.path("responses");
      assertThat(responses.has(status))
          .as(key + " answered " + status + ", which the description does not document: " + a)
          .isTrue();
      validateResponse(
          a,
          key + " " + status,
          "/paths/"
              + escape(template)
              + "/"
              + method.toLowerCase(Locale.ROOT)
              + "/responses/"
              + status);
      covered.add(key + " " + status);
      return a;
    }
  }

  /** Status, headers and body of an answer against the response at {@code pointer} (a $ref is followed). */
  private void validateResponse(Answer a, String what, String pointer) {
    JsonNode response = DESCRIPTION.at(pointer);
    while (response.has("$ref")) {
      pointer = response.path("$ref").asString().substring(1);
      response = DESCRIPTION.at(pointer);
    }
    assertThat(response.isObject()).as(what + ": " + pointer).isTrue();
    for (Map.Entry<String, JsonNode> h : response.path("headers").properties()) {
      String headerPointer = pointer + "/headers/" + escape(h.getKey());
      JsonNode header = h.getValue();
      while (header.has("$ref")) {
        headerPointer = header.path("$ref").asString().substring(1);
        header = DESCRIPTION.at(headerPointer);
      }
      List<String> values = a.headers.getOrDefault(h.getKey().toLowerCase(Locale.ROOT), List.of());
      if (header.path("required").asBoolean(false)) {
        assertThat(values).as(what + ": header " + h.getKey() + " is required").isNotEmpty();
      }
      Schema schema = schema(headerPointer + "/schema");
      for (String value : values) {
        assertValid(schema, StringNode.valueOf(value), what + ": header " + h.getKey());
      }
    }
    JsonNode content = response.path("content");
    if (content.isMissingNode()) {
      assertThat(a.body).as(what + ": no body").isEmpty();
      return;
    }
    String type = a.header("Content-Type");
    assertThat(content.has(type))
        .as(
            what
                + ": Content-Type "
                + type
                + " is one the description gives exactly: "
                + content.propertyNames())
        .isTrue();
    if (a.method.equals("HEAD")) {
      assertThat(a.body).as(what + ": no body").isEmpty();
      return;
    }
    Schema schema = schema(pointer + "/content/" + escape(type) + "/schema");
    JsonNode body =
        type.equals("application/json")
            ? JSON.readTree(a.body)
            : StringNode.valueOf(new String(a.body, StandardCharsets.UTF_8));
    assertValid(schema, body, what + ": body " + body);
  }

  private static void assertValid(Schema schema, JsonNode instance, String what) {
    List<Error> errors = schema.validate(instance);
    assertThat(errors).as(what).isEmpty();
  }

  private Schema schema(String pointer) {
    return schemas.getSchema(SchemaLocation.of(DOC + "#" + fragment(pointer)));
  }

  /** An answer as it came back: header names in lower case. */
  private record Answer(String method, int status, Map<String, List<String>> headers, byte[] body) {
    @Nullable String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    JsonNode json() {
      return JSON.readTree(body);
    }

    @Override
    public String toString() {
      return method + " " + status + " " + headers + " " + new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Every operation: "path method" to the operation object. */
  private static Map<String, JsonNode> operations() {
    Map<String, JsonNode> ops = new LinkedHashMap<>();
    DESCRIPTION
        .path("paths")
        .properties()
        .forEach(
            p ->
                p.getValue()
                    .properties()
                    .forEach(
                        o -> {
                          if (METHODS.contains(o.getKey().toUpperCase(Locale.ROOT))
                              || o.getKey().equals("head")
                              || o.getKey().equals("trace")) {
                            ops.put(
                                p.getKey() + " " + o.getKey().toUpperCase(Locale.ROOT),
                                o.getValue());
                          }
                        }));
    return ops;
  }

  private static void refs(JsonNode node, List<String> unresolved) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null
          && ref.isString()
          && (!ref.asString().startsWith("#")
              || DESCRIPTION.at(ref.asString().substring(1)).isMissingNode())) {
        unresolved.add(ref.asString());
      }
    }
    for (Iterator<JsonNode> it = node.iterator(); it.hasNext(); ) {
      refs(it.next(), unresolved);
    }
  }

  private static JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) {
      node = DESCRIPTION.at(node.path("$ref").asString().substring(1));
    }
    return node;
  }

  /** A JSON Pointer token (RFC 6901). */
  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** A JSON Pointer as a URI fragment: what a fragment may not hold, percent-encoded. */
  private static String fragment(String pointer) {
    StringBuilder s = new StringBuilder();
    for (byte b : pointer.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/!$&'()*+,;=:@".indexOf(c) >= 0) {
        s.append(c);
      } else {
        s.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return s.toString();
  }

  /** The description for its IRI, the OpenAPI 3.1 schemas from their copy on the test class path; nothing fetched. */
  private static @Nullable String schemaText(String iri) {
    if (iri.equals(DOC)) {
      return DESCRIPTION.toString();
    }
    if (iri.startsWith("https://spec.openapis.org/oas/3.1/")) {
      try (InputStream in =
          ClassLoader.getSystemResourceAsStream(iri.substring("https://".length()))) {
        if (in == null) {
          throw new IllegalStateException("no copy of " + iri + " on the test class path");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return null;
  }

  private static byte[] read(String resource) {
    try (InputStream in = SessionServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not in the server's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String[] h(String... pairs) {
    return pairs;
  }

  /** A JSON body, after any headers. */
  private static String[] json(String body, String... headers) {
    String[] all = new String[headers.length + 4];
    System.arraycopy(headers, 0, all, 0, headers.length);
    all[headers.length] = "Content-Type";
    all[headers.length + 1] = "application/json";
    all[headers.length + 2] = "";
    all[headers.length + 3] = body;
    return all;
  }

  /** The session cookies of a login, as a browser sends them back. */
  private static String cookies(Answer login) {
    return String.join(
        "; ", login.headers.get("set-cookie").stream().map(c -> c.split(";", 2)[0]).toList());
  }

  private static String cookieValue(Answer login, String name) {
    return login.headers.get("set-cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1).split(";", 2)[0])
        .findFirst()
        .orElseThrow();
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
