package org.sessionregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.NewSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.http.ClientAddressResolver;
import org.sessionregistry.http.LoginUser;
import org.sessionregistry.http.MattermostSessionApi;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.testing.MutableClock;
import org.sessionregistry.testing.UnreachableStore;

/**
 * The servlet and the filter in a real container (Jetty's servlet handler, wired as an application would): the
 * endpoints over the wire, the body limit before {@code 100 Continue}, and the application's own endpoints behind the
 * filter, required and optional.
 */
class ServletBindingTest {
  private final String userId = Ids.newId();
  private final SessionRegistry registry =
      SessionRegistry.builder().store(InMemorySessionStore.create()).build();
  private final HttpClient http = HttpClient.newHttpClient();
  private Server server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  /** An application: the endpoints at /api/v4/*, its own pages at /app/* (required) and /public/* (optional). */
  private int start(SessionRegistry registry) throws Exception {
    MattermostSessionApi api =
        MattermostSessionApi.builder(
                registry,
                (login, password) ->
                    password.equals("right password")
                        ? Optional.of(new LoginUser(userId, login, "", Set.of("system_user")))
                        : Optional.empty())
            .build();
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new MattermostSessionServlet(api)), "/api/v4/*");
    context.addServlet(new ServletHolder(new WhoAmI()), "/app/*");
    context.addServlet(new ServletHolder(new WhoAmI()), "/public/*");
    context.addFilter(
        new FilterHolder(SessionRegistryFilter.requiring(registry)),
        "/app/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(
        new FilterHolder(SessionRegistryFilter.optional(registry)),
        "/public/*",
        EnumSet.of(DispatcherType.REQUEST));
    return serve(context);
  }

  /** Jetty on a free loopback port, serving the context. */
  private int serve(ServletContextHandler context) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    return connector.getLocalPort();
  }

  @Test
  void theEndpointsAnswerThroughTheServlet() throws Exception {
    int port = start(registry);
    HttpResponse<String> login =
        http.send(
            HttpRequest.newBuilder(uri(port, "/api/v4/users/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"login_id\":\"u\",\"password\":\"right password\"}"))
                .build(),
            BodyHandlers.ofString());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String token = login.headers().firstValue("Token").orElseThrow();
    assertThat(login.headers().allValues("Set-Cookie")).hasSize(3);

    HttpResponse<String> list =
        http.send(
            HttpRequest.newBuilder(uri(port, "/api/v4/users/me/sessions"))
                .header("Authorization", "Bearer " + token)
                .build(),
            BodyHandlers.ofString());
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(list.body()).contains("\"user_id\":\"" + userId + "\"").contains("\"token\":\"\"");

    HttpResponse<String> revokeAll =
        http.send(
            HttpRequest.newBuilder(uri(port, "/api/v4/users/me/sessions/revoke/all"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofString());
    assertThat(revokeAll.body()).isEqualTo("{\"status\":\"OK\"}");
    assertThat(registry.authenticate(token)).isEmpty();
  }

  @Test
  void anOversizedBodyIsRefusedBeforeOneHundredContinue() throws Exception {
    int port = start(registry);
    String response =
        raw(
            port,
            "POST /api/v4/users/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 10000000\r\nExpect: 100-continue\r\n\r\n");
    assertThat(response)
        .startsWith("HTTP/1.1 413")
        .doesNotContain("100 Continue")
        .contains("Content-Type: application/json")
        .contains("X-Request-Id: ")
        .contains("\"id\":\"api.context.request_body_too_large.app_error\"");
  }

  @Test
  void theFilterHandsTheApplicationItsSessionOrRefusesIt() throws Exception {
    int port = start(registry);
    IssuedSession issued =
        registry.create(
            NewSession.forUser(userId)
                .withRoles(Set.of("system_user", "team_lead"))
                .withProps(Map.of("csrf", "the-csrf")));

    HttpResponse<String> anonymous =
        http.send(HttpRequest.newBuilder(uri(port, "/app/page")).build(), BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(anonymous.body())
        .contains("\"id\":\"api.context.session_expired.app_error\"")
        .contains("\"status_code\":401");

    HttpResponse<String> bearer =
        http.send(
            HttpRequest.newBuilder(uri(port, "/app/page"))
                .header("Authorization", "BEARER " + issued.token())
                .build(),
            BodyHandlers.ofString());
    assertThat(bearer.body())
        .isEqualTo(
            "user=" + userId + " session=" + issued.session().id() + " lead=true admin=false");

    String cookie = "MMAUTHTOKEN=" + issued.token();
    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri(port, "/app/page")).header("Cookie", cookie).build(),
                    BodyHandlers.ofString())
                .statusCode())
        .as("a cookie authenticates a read")
        .isEqualTo(200);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri(port, "/app/page"))
                        .header("Cookie", cookie)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    BodyHandlers.ofString())
                .statusCode())
        .as("a cookie write without its CSRF proof")
        .isEqualTo(401);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri(port, "/app/page"))
                        .header("Cookie", cookie)
                        .header("X-CSRF-Token", "the-csrf")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    BodyHandlers.ofString())
                .statusCode())
        .as("with it")
        .isEqualTo(200);

    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri(port, "/public/page")).build(),
                    BodyHandlers.ofString())
                .body())
        .as("optional: anonymous passes")
        .isEqualTo("anonymous");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri(port, "/public/page"))
                        .header("Authorization", "Bearer " + issued.token())
                        .build(),
                    BodyHandlers.ofString())
                .body())
        .startsWith("user=" + userId);

    registry.revokeAll(userId);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri(port, "/app/page"))
                        .header("Authorization", "Bearer " + issued.token())
                        .build(),
                    BodyHandlers.ofString())
                .statusCode())
        .as("revoked")
        .isEqualTo(401);
  }

  /** A browser whose session activity extended gets its cookies again from the filter, with the new lifetime. */
  @Test
  void theFilterSendsTheCookiesAgainWhenActivityExtendsTheSession() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    SessionRegistry extending =
        SessionRegistry.builder()
            .store(InMemorySessionStore.builder().clock(clock).build())
            .clock(clock)
            .sessionLifetime(Duration.ofDays(30))
            .extendWithActivity(true)
            .build();
    int port = start(extending);
    IssuedSession issued =
        extending.create(NewSession.forUser(userId).withProps(Map.of("csrf", "the-csrf")));
    HttpRequest byCookie =
        HttpRequest.newBuilder(uri(port, "/app/page"))
            .header("Cookie", "MMAUTHTOKEN=" + issued.token())
            .build();

    HttpResponse<String> early = http.send(byCookie, BodyHandlers.ofString());
    assertThat(early.statusCode()).isEqualTo(200);
    assertThat(early.headers().allValues("Set-Cookie"))
        .as("no write due: nothing to refresh")
        .isEmpty();

    clock.advance(Duration.ofDays(1));
    HttpResponse<String> extended = http.send(byCookie, BodyHandlers.ofString());
    assertThat(extended.statusCode()).isEqualTo(200);
    long maxAge = Duration.ofDays(30).toSeconds();
    assertThat(extended.headers().allValues("Set-Cookie"))
        .containsExactlyInAnyOrder(
            "MMAUTHTOKEN="
                + issued.token()
                + "; Path=/; Max-Age="
                + maxAge
                + "; SameSite=Lax; HttpOnly",
            "MMUSERID=" + userId + "; Path=/; Max-Age=" + maxAge + "; SameSite=Lax",
            "MMCSRF=the-csrf; Path=/; Max-Age=" + maxAge + "; SameSite=Lax");

    clock.advance(Duration.ofDays(1));
    HttpResponse<String> bearer =
        http.send(
            HttpRequest.newBuilder(uri(port, "/app/page"))
                .header("Authorization", "Bearer " + issued.token())
                .build(),
            BodyHandlers.ofString());
    assertThat(bearer.statusCode()).isEqualTo(200);
    assertThat(bearer.headers().allValues("Set-Cookie"))
        .as("a bearer token never goes into a cookie")
        .isEmpty();
  }

  @Test
  void aStoreThatCannotBeAskedLetsNothingThrough() throws Exception {
    int port = start(SessionRegistry.builder().store(new UnreachableStore()).build());

    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(port, "/app/page"))
                .header("Authorization", "Bearer " + Ids.newId())
                .build(),
            BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body())
        .contains("\"id\":\"api.context.session_store_unavailable.app_error\"")
        .doesNotContain("Exception");
  }

  /**
   * One resolver for the servlet (through the API's builder) and the filter: both see the client the trusted proxy
   * (here the test itself, on 127.0.0.1) reports; without it, the filter's client is the TCP peer.
   */
  @Test
  void theServletAndTheFilterResolveTheClientWithTheSameResolver() throws Exception {
    ClientAddressResolver proxies = ClientAddressResolver.trustedProxies(List.of("127.0.0.1"));
    MattermostSessionApi api =
        MattermostSessionApi.builder(
                registry,
                (login, password) ->
                    Optional.of(new LoginUser(userId, login, "", Set.of("system_user"))))
            .clientAddress(proxies)
            .recordClientAddress(true)
            .build();
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new MattermostSessionServlet(api)), "/api/v4/*");
    context.addServlet(new ServletHolder(new ClientIs()), "/app/*");
    context.addServlet(new ServletHolder(new ClientIs()), "/direct/*");
    context.addFilter(
        new FilterHolder(SessionRegistryFilter.optional(registry).withClientAddress(proxies)),
        "/app/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(
        new FilterHolder(SessionRegistryFilter.optional(registry)),
        "/direct/*",
        EnumSet.of(DispatcherType.REQUEST));
    int port = serve(context);

    HttpResponse<String> login =
        http.send(
            HttpRequest.newBuilder(uri(port, "/api/v4/users/login"))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", "1.2.3.4, 198.51.100.7")
                .header("X-Forwarded-Proto", "https")
                .POST(
                    HttpRequest.BodyPublishers.ofString("{\"login_id\":\"u\",\"password\":\"p\"}"))
                .build(),
            BodyHandlers.ofString());
    assertThat(
            registry
                .authenticate(login.headers().firstValue("Token").orElseThrow())
                .orElseThrow()
                .props())
        .containsEntry("ip_address", "198.51.100.7");
    assertThat(login.headers().allValues("Set-Cookie"))
        .allSatisfy(c -> assertThat(c).endsWith("; Secure"));

    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri(port, "/app/page"))
                        .header("X-Forwarded-For", "1.2.3.4, 198.51.100.7")
                        .header("X-Forwarded-Proto", "https")
                        .build(),
                    BodyHandlers.ofString())
                .body())
        .isEqualTo("198.51.100.7 https=true");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri(port, "/direct/page"))
                        .header("X-Forwarded-For", "198.51.100.7")
                        .build(),
                    BodyHandlers.ofString())
                .body())
        .as("the default: the TCP peer")
        .isEqualTo("127.0.0.1 https=false");
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** An application's own endpoint: where the call comes from. */
  private static final class ClientIs extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      ClientAddressResolver.Client client = SessionRegistryFilter.client(req).orElseThrow();
      resp.setContentType("text/plain");
      resp.getWriter().write(client.address() + " https=" + client.https());
    }
  }

  /** An application's own endpoint: who is calling. */
  private static final class WhoAmI extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Optional<Session> session = SessionRegistryFilter.session(req);
      resp.setContentType("text/plain");
      resp.getWriter()
          .write(
              req.getUserPrincipal() == null
                  ? "anonymous"
                  : "user="
                      + req.getUserPrincipal().getName()
                      + " session="
                      + session.orElseThrow().id()
                      + " lead="
                      + req.isUserInRole("team_lead")
                      + " admin="
                      + req.isUserInRole("system_admin"));
    }
  }
}
