package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;

/** The JDK adapter on a real socket: the body limit on the wire, and the drain of a graceful stop. */
class JdkHttpHandlerTest {

  @Test
  void aDrainWaitsForTheRequestInFlightAndRefusesNewOnes() throws Exception {
    CountDownLatch verifying = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    String userId = Ids.newId();
    LoginVerifier slow =
        (login, password) -> {
          verifying.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Optional.of(new LoginUser(userId, login, "", Set.of("system_user")));
        };
    MattermostSessionApi api =
        MattermostSessionApi.builder(
                SessionRegistry.builder().store(InMemorySessionStore.create()).build(), slow)
            .build();
    JdkHttpHandler handler = new JdkHttpHandler(api);
    HttpServer server =
        JdkHttpHandler.start(
            handler, new InetSocketAddress("127.0.0.1", 0), Executors.newFixedThreadPool(4));
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI login =
          URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v4/users/login");
      var inFlight =
          http.sendAsync(
              java.net.http.HttpRequest.newBuilder(login)
                  .header("Content-Type", "application/json")
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          "{\"login_id\":\"u\",\"password\":\"p\"}"))
                  .build(),
              BodyHandlers.ofString());
      assertThat(verifying.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Boolean> drained =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return handler.drain(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(100);
      assertThat(drained).as("waits for the request in flight").isNotDone();
      var late =
          http.send(
              java.net.http.HttpRequest.newBuilder(login)
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              BodyHandlers.ofString());
      assertThat(late.statusCode()).isEqualTo(503);
      assertThat(late.headers().firstValue("X-Request-Id"))
          .hasValueSatisfying(id -> assertThat(id).hasSize(26));
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
    MattermostSessionApi api =
        MattermostSessionApi.builder(
                SessionRegistry.builder().store(InMemorySessionStore.create()).build(),
                (l, p) -> Optional.empty())
            .build();
    HttpServer server =
        JdkHttpHandler.start(
            new JdkHttpHandler(api),
            new InetSocketAddress("127.0.0.1", 0),
            Executors.newFixedThreadPool(2));
    try {
      var response =
          HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + server.getAddress().getPort()
                                  + "/api/v4/users/login"))
                      .POST(
                          java.net.http.HttpRequest.BodyPublishers.ofString(
                              "x".repeat(1024 * 1024)))
                      .build(),
                  BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    } finally {
      server.stop(0);
    }
  }

  /**
   * The JDK's server waits for the client's delayed ACK (40 ms at least, on Linux) on every response of a kept-alive
   * connection unless Nagle is off; the first exchange of a new connection never waits for it (the client acknowledges
   * at once while the connection is young). So the test measures both, one after the other, in the same run: with
   * Nagle on, the kept-alive median is the fresh one plus 40 ms; with it off, it is no slower than the fresh one
   * (no handshake). A busy machine slows both alike; the 20 ms it may add between the two medians tells the stall from
   * noise. How fast responses are is BENCHMARKS.md's business.
   */
  @Test
  void startTurnsNagleOffSoKeepAliveResponsesDoNotWait() throws Exception {
    MattermostSessionApi api =
        MattermostSessionApi.builder(
                SessionRegistry.builder().store(InMemorySessionStore.create()).build(),
                (l, p) -> Optional.empty())
            .build();
    HttpServer server =
        JdkHttpHandler.start(
            new JdkHttpHandler(api),
            new InetSocketAddress("127.0.0.1", 0),
            Executors.newFixedThreadPool(2));
    try (Socket keptAlive = new Socket("127.0.0.1", server.getAddress().getPort())) {
      assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
      keptAlive.setTcpNoDelay(true);
      for (int i = 0; i < 5; i++) {
        exchange(keptAlive); // warm up: past the connection's first, quickly acknowledged, segments
      }
      List<Long> kept = new ArrayList<>();
      List<Long> fresh = new ArrayList<>();
      for (int i = 0; i < 21; i++) {
        kept.add(exchange(keptAlive));
        try (Socket newOne = new Socket("127.0.0.1", server.getAddress().getPort())) {
          newOne.setTcpNoDelay(true);
          fresh.add(exchange(newOne));
        }
      }
      Collections.sort(kept);
      Collections.sort(fresh);
      System.out.println(
          "medians: kept-alive "
              + kept.get(10) / 1_000
              + " us, fresh "
              + fresh.get(10) / 1_000
              + " us");
      assertThat(Duration.ofNanos(kept.get(10)))
          .as(
              "median of kept-alive exchanges (fresh connections' median %s ms;"
                  + " kept %s us, fresh %s us)",
              fresh.get(10) / 1_000_000, micros(kept), micros(fresh))
          .isLessThan(Duration.ofNanos(fresh.get(10)).plusMillis(20));
    } finally {
      server.stop(0);
    }
  }

  /** One GET answered 401 in JSON on the connection, read to the end of its body; its nanoseconds. */
  private static long exchange(Socket socket) throws IOException {
    long start = System.nanoTime();
    socket
        .getOutputStream()
        .write(
            "GET /api/v4/users/me/sessions HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("closed after " + head);
      }
      head.append((char) c);
    }
    int length = -1;
    for (String line : head.toString().split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    assertThat(length).as(head.toString()).isPositive();
    in.readNBytes(length);
    long took = System.nanoTime() - start;
    assertThat(head.toString())
        .startsWith("HTTP/1.1 401")
        .containsIgnoringCase("Content-Type: application/json");
    return took;
  }

  private static List<Long> micros(List<Long> nanos) {
    return nanos.stream().map(n -> n / 1_000).toList();
  }
}
