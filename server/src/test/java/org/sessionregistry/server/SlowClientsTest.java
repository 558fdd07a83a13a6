package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100 connections sending their headers a byte a second and 500 that send nothing do not slow anyone else: the edge
 * reads headers without a thread, so a normal request is answered as if they were not there. Bounds are generous: the
 * test is about blocking (the JDK's server took over 1 s for 38 of 40 requests, and up to 15 s), not speed.
 */
class SlowClientsTest {

  @Test
  void slowAndIdleConnectionsDoNotDelayANormalRequest(@TempDir Path data) throws Exception {
    Map<String, String> passwords =
        UsersFile.createWithDemoUsers(data.resolve("users.json"), Map.of("user1", "system_user"));
    List<Socket> sockets = new ArrayList<>();
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (SessionServer server =
        SessionServer.start(
            ServerConfig.parse(
                List.of("--port", "0", "--store", "memory", "--data", data.toString()), Map.of()),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      int port = server.port();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String token =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/api/v4/users/login"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"login_id\":\"user1\",\"password\":\""
                                  + passwords.get("user1")
                                  + "\"}"))
                      .build(),
                  BodyHandlers.ofString())
              .headers()
              .firstValue("Token")
              .orElseThrow();

      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream()
            .write(
                "GET /api/v4/users/me/sessions HTTP/1.1\r\nHost: x\r\nX-Slow: "
                    .getBytes(StandardCharsets.US_ASCII));
        slow.add(s);
      }
      for (int i = 0; i < 500; i++) {
        sockets.add(new Socket("127.0.0.1", port));
      }
      sockets.addAll(slow);
      trickle.scheduleAtFixedRate(
          () -> {
            for (Socket s : slow) {
              try {
                s.getOutputStream().write('a');
              } catch (IOException e) {
                // closed: nothing to trickle
              }
            }
          },
          0,
          1,
          TimeUnit.SECONDS);
      Thread.sleep(1_500);

      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        HttpClient fresh =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build(); // a new connection each time, as an attacker's victims
        long start = System.nanoTime();
        var r =
            fresh.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v4/users/me/sessions"))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                BodyHandlers.ofString());
        millis.add((System.nanoTime() - start) / 1_000_000);
        assertThat(r.statusCode()).isEqualTo(200);
      }
      Collections.sort(millis);
      System.out.println("100 slow + 500 idle connections: normal requests took " + millis + " ms");
      // A request queued behind a trickling client waits for its next byte (a second) or its header
      // timeout (10 s):
      // the bounds tell that from a busy machine's few milliseconds. Speed itself is
      // BENCHMARKS.md's.
      assertThat(millis.get(millis.size() / 2)).as("median, ms").isLessThan(500);
      assertThat(millis.get(millis.size() - 1)).as("slowest, ms").isLessThan(5_000);
      trickle.shutdownNow();
      for (Socket s : sockets) {
        s.close(); // before the server stops: it would wait for them
      }
    } finally {
      trickle.shutdownNow();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
