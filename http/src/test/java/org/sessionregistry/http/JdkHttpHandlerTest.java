package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.Ids;
import org.sessionregistry.memory.InMemorySessionStore;

/** The JDK adapter on a real socket: the body limit on the wire, and the drain of a graceful stop. */
class JdkHttpHandlerTest {

  @Test
  void aDrainWaitsForTheRequestInFlightAndRefusesNewOnes() throws Exception {
    CountDownLatch verifying = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    String userId = Ids.newId();
    LoginVerifier slow = (login, password) -> {
      verifying.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.of(new LoginUser(userId, login, "", Set.of("system_user")));
    };
    MattermostSessionApi api = MattermostSessionApi.builder(
        SessionRegistry.builder().store(InMemorySessionStore.create()).build(), slow).build();
    JdkHttpHandler handler = new JdkHttpHandler(api);
    HttpServer server = JdkHttpHandler.start(handler, new InetSocketAddress("127.0.0.1", 0),
        Executors.newFixedThreadPool(4));
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI login = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v4/users/login");
      var inFlight = http.sendAsync(java.net.http.HttpRequest.newBuilder(login).header("Content-Type", "application/json")
          
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"login_id\":\"u\",\"password\":\"p\"}")).build(),
          BodyHandlers.ofString());
      assertThat(verifying.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
        try {
          return handler.drain(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(100);
      assertThat(drained).as("waits for the request in flight").isNotDone();
      var late = http.send(java.net.http.HttpRequest.newBuilder(login)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());
      assertThat(late.statusCode()).isEqualTo(503);
      assertThat(late.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(26));
      assertThat(late.body()).contains("api.context.server_stopping.app_error");

      release.countDown();
      assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    } finally {
      release.countDown();
      server.stop(0);
    }
  }

  @Test
  void anOversizedBodyIsRefusedOnTheWire() throws Exception {
    MattermostSessionApi api = MattermostSessionApi.builder(
        SessionRegistry.builder().store(InMemorySessionStore.create()).build(), (l, p) -> Optional.empty()).build();
    HttpServer server = JdkHttpHandler.start(new JdkHttpHandler(api), new InetSocketAddress("127.0.0.1", 0),
        Executors.newFixedThreadPool(2));
    try {
      var response = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v4/users/login"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x".repeat(1024 * 1024))).build(),
          BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    } finally {
      server.stop(0);
    }
  }

  /**
   * The JDK's server waits for the client's delayed ACK (about 40 ms) on every keep-alive response unless Nagle is
   * off: 20 requests on one connection take 800 ms with it on. The bound is generous; the test is about the wait.
   */
  @Test
  void startTurnsNagleOffSoKeepAliveResponsesDoNotWait() throws Exception {
    MattermostSessionApi api = MattermostSessionApi.builder(
        SessionRegistry.builder().store(InMemorySessionStore.create()).build(), (l, p) -> Optional.empty()).build();
    HttpServer server = JdkHttpHandler.start(new JdkHttpHandler(api), new InetSocketAddress("127.0.0.1", 0),
        Executors.newFixedThreadPool(2));
    try {
      assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // one kept-alive connection
      var request = java.net.http.HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v4/users/me/sessions")).build();
      for (int i = 0; i < 5; i++) {
        http.send(request, BodyHandlers.ofString()); // warm up
      }
      long start = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        var response = http.send(request, BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("20 kept-alive requests")
          .isLessThan(Duration.ofMillis(400));
    } finally {
      server.stop(0);
    }
  }
}
