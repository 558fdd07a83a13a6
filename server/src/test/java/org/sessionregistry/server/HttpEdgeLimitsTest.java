package org.sessionregistry.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's bounds, each on a real socket with a servlet that holds requests as long as the test says: the header
 * timeout against a client trickling its headers, the limits on requests served and waiting (then 503), the limit on
 * connections (then no more are accepted), and the graceful stop.
 */
class HttpEdgeLimitsTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private HttpEdge edge;

  @AfterEach
  void stop() {
    release.countDown();
    if (edge != null) {
      edge.close();
    }
    pool.shutdownNow();
  }

  private int start(Duration headerTimeout, int maxRequests, int maxQueued, int maxConnections)
      throws Exception {
    edge =
        HttpEdge.start(
            new HttpEdge.Settings(
                "127.0.0.1",
                0,
                Duration.ofSeconds(30),
                headerTimeout,
                Duration.ofSeconds(1),
                8192,
                65536,
                maxRequests,
                maxQueued,
                Duration.ofMillis(200),
                maxConnections,
                true,
                Duration.ofSeconds(5)),
            new Holding());
    return edge.port();
  }

  /**
   * A deadline, with a margin for a busy machine: the connection is closed not before the header timeout (1 s; a busy
   * machine only closes it later) and within the timeout, one sweep (a quarter of it) and 3 s. Nothing else can close
   * it while the test trickles: the idle timeout (30 s) restarts with every byte, and the trickle stops at 10 s.
   */
  @Test
  void aClientTricklingItsHeadersIsClosedAtTheHeaderTimeout() throws Exception {
    Duration headerTimeout = Duration.ofSeconds(1);
    int port = start(headerTimeout, 8, 8, 100);
    try (Socket keptAlive = new Socket("127.0.0.1", port)) {
      // A whole request first: the kept-alive connection then waits, which is the idle timeout's
      // business alone.
      keptAlive
          .getOutputStream()
          .write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readHead(keptAlive)).startsWith("HTTP/1.1 200");

      Socket slow = new Socket("127.0.0.1", port);
      long started = System.nanoTime(); // its header clock starts with the connection
      OutputStream out = slow.getOutputStream();
      out.write("GET /fast HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
      boolean closed = false;
      while (!closed && System.nanoTime() - started < Duration.ofSeconds(10).toNanos()) {
        try {
          out.write('a');
          out.flush();
        } catch (IOException e) {
          closed = true;
          break;
        }
        Thread.sleep(100); // far faster than the idle timeout: only the header timeout can end it
        closed = isClosed(slow);
      }
      Duration held = Duration.ofNanos(System.nanoTime() - started);
      assertThat(closed).as("closed while trickling").isTrue();
      assertThat(held)
          .as("not before the header timeout")
          .isGreaterThanOrEqualTo(headerTimeout.minusMillis(100))
          .as("and within a sweep of it, with a margin")
          .isLessThan(headerTimeout.multipliedBy(5).dividedBy(4).plusSeconds(3));
      assertThat(isClosed(keptAlive)).as("the idle kept-alive connection is left alone").isFalse();
      slow.close();
    }
  }

  /**
   * Regression (review): a body sent a byte at a time held a thread and one of the requests served at once for as long
   * as the client liked. It holds neither now, and is refused at the body timeout.
   */
  @Test
  void aClientTricklingItsBodyHoldsNoRequestSlotAndIsRefusedAtTheBodyTimeout() throws Exception {
    int port = start(Duration.ofSeconds(10), 1, 0, 100); // one request served at once, none waiting
    try (Socket slow = new Socket("127.0.0.1", port)) {
      OutputStream out = slow.getOutputStream();
      out.write(
          ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long started = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        out.write('x');
        out.flush();
        Thread.sleep(100);
      }
      RawHttp.Response other =
          RawHttp.send(port, "GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(other.statusLine())
          .as("served while the slow body trickles")
          .startsWith("HTTP/1.1 200");
      String answer = readHead(slow);
      Duration held = Duration.ofNanos(System.nanoTime() - started);
      assertThat(answer).as("refused at the body timeout").startsWith("HTTP/1.1 408");
      assertThat(answer).contains("Content-Type: application/json");
      // A deadline: not before the body timeout (1 s), and within it plus 3 s for a busy machine.
      // Without the body
      // timeout the connection would wait for the idle timeout (30 s); readHead gives up after 5 s
      // without a byte.
      assertThat(held)
          .isGreaterThanOrEqualTo(Duration.ofMillis(900))
          .isLessThan(Duration.ofSeconds(1 + 3));
    }
  }

  @Test
  void aBodyArrivesWholeAtTheServlet() throws Exception {
    int port = start(Duration.ofSeconds(10), 4, 4, 100);
    RawHttp.Response sized =
        RawHttp.send(
            port,
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");
    assertThat(sized.body()).isEqualTo("hello");
    RawHttp.Response chunked =
        RawHttp.send(
            port,
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n");
    assertThat(chunked.body()).isEqualTo("hello");
    RawHttp.Response tooLong =
        RawHttp.send(
            port,
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n"
                + "FFFF\r\n"
                + "a".repeat(0xFFFF)
                + "\r\n"
                + "10\r\n"
                + "b".repeat(16)
                + "\r\n0\r\n\r\n");
    assertThat(tooLong.status()).as("a chunked body past the limit").isEqualTo(413);
  }

  @Test
  void requestsBeyondTheServedAndWaitingOnesGet503AppErrors() throws Exception {
    int port = start(Duration.ofSeconds(10), 1, 1, 100);
    Future<String> served =
        pool.submit(
            () ->
                RawHttp.send(
                        port, "GET /hold HTTP/1.1\r\nHost: x\r\nConnection: close" + "\r\n\r\n")
                    .statusLine());
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    Future<RawHttp.Response> waiting =
        pool.submit(
            () ->
                RawHttp.send(
                    port, "GET /fast HTTP/1.1\r\nHost: x\r\n" + "Connection: close\r\n\r\n"));
    Thread.sleep(50);
    RawHttp.Response refused =
        RawHttp.send(port, "GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(refused.status()).as("one served, one waiting: a third is refused").isEqualTo(503);
    assertThat(refused.headers().get("content-type")).isEqualTo("application/json");
    assertThat(refused.body()).contains("\"id\":\"api.context.server_busy.app_error\"");
    assertThat(waiting.get(5, TimeUnit.SECONDS).status())
        .as("the one waiting past the queue timeout")
        .isEqualTo(503);
    release.countDown();
    assertThat(served.get(5, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
  }

  @Test
  void atTheConnectionLimitNoMoreAreAccepted() throws Exception {
    int port = start(Duration.ofSeconds(10), 8, 8, 4);
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        held.add(new Socket("127.0.0.1", port));
      }
      Thread.sleep(200);
      CompletableFuture<String> fifth =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return RawHttp.send(
                          port, "GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                      .statusLine();
                } catch (IOException e) {
                  return e.toString();
                }
              },
              pool);
      Thread.sleep(500);
      assertThat(fifth).as("not served while four connections are open").isNotDone();
      held.remove(0).close();
      assertThat(fifth.get(5, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aStopLetsTheRequestInFlightFinishAndAcceptsNoNewOne() throws Exception {
    int port = start(Duration.ofSeconds(10), 8, 8, 100);
    Future<String> inFlight =
        pool.submit(
            () ->
                RawHttp.send(
                        port, "GET /hold HTTP/1.1\r\nHost: x\r\n" + "Connection: close\r\n\r\n")
                    .statusLine());
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(edge::close, pool);
    Thread.sleep(300);
    assertThat(stopping).as("waiting for the request in flight").isNotDone();
    boolean refused;
    try (Socket late = new Socket("127.0.0.1", port)) {
      late.getOutputStream()
          .write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String head = readHead(late);
      refused = head.isEmpty() || head.startsWith("HTTP/1.1 503");
    } catch (IOException e) {
      refused = true;
    }
    assertThat(refused).as("a new request during the stop").isTrue();
    release.countDown();
    assertThat(inFlight.get(5, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
    stopping.get(5, TimeUnit.SECONDS);
    edge = null;
  }

  /** Whether the peer closed: a read returns end of stream (or fails) instead of timing out. */
  private static boolean isClosed(Socket s) throws IOException {
    s.setSoTimeout(1);
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static String readHead(Socket s) throws IOException {
    s.setSoTimeout(5_000);
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.toString().endsWith("\r\n\r\n")) {
        break;
      }
    }
    // Consume the body we send (2 bytes), so that the connection is idle afterwards.
    if (head.toString().contains("Content-Length: 2")) {
      in.readNBytes(2);
    }
    return head.toString();
  }

  /** /hold waits for the test's release; /echo answers the body it read; anything else answers at once. */
  private final class Holding extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (req.getRequestURI().equals("/echo")) {
        byte[] body = req.getInputStream().readAllBytes();
        resp.setContentType("text/plain");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
        return;
      }
      if (req.getRequestURI().equals("/hold")) {
        entered.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      resp.setContentType("text/plain");
      resp.setContentLength(2);
      resp.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
    }
  }
}
