package org.sessionregistry.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a {@link MattermostSessionApi} on the JDK's built-in {@code com.sun.net.httpserver.HttpServer}, for
 * embedding without any dependency: {@link #start} sets the server up as it should be. Reads at most the API's body
 * limit plus one byte, so an oversized body is refused without being read whole.
 *
 * <p><b>Not an edge to expose.</b> Put it behind a reverse proxy, or use the servlet binding on a real container
 * (the runnable server runs on Jetty). What the JDK's server cannot defend against, whatever this class does:
 * <ul>
 *   <li>slow clients: it reads request headers on its worker threads, so as many slow connections as there are workers
 *       stall every request until {@code sun.net.httpserver.maxReqTime} drops them;
 *   <li>its own errors: malformed requests (a bad URI, a bad {@code Content-Length}, chunking it cannot parse) are
 *       answered by the JDK before this handler, as {@code text/html}, or not at all;
 *   <li>{@code Expect: 100-continue}: it sends {@code 100 Continue} before the handler can refuse an oversized body;
 *   <li>no connection limit, no HTTP/2.
 * </ul>
 * Its method names are passed on as sent, and the API refuses {@code post} for {@code POST}. The request's
 * {@code remoteAddress} is the TCP peer: behind a proxy, give the API's builder {@code clientAddress(...)}.
 *
 * <p>The module reads {@code jdk.httpserver} only when the application does: a modular application that uses this class
 * declares {@code requires jdk.httpserver} (on the class path, the JDK's modules are all there).
 */
public final class JdkHttpHandler implements HttpHandler {
  private final MattermostSessionApi api;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  /**
   * A started server answering through the handler on {@code address}, on the given executor (a pool: the JDK's default
   * runs every request on its one dispatcher thread). Before the JDK's server classes load, it turns Nagle's algorithm off
   * ({@code sun.net.httpserver.nodelay}; with it on, every keep-alive response waits about 40 ms for the client's
   * delayed ACK) and bounds how long a request and a response may take (30 s), unless those properties are set
   * already. The JDK reads them once per JVM, when its first server is created: create every server of the JVM with
   * this method (a {@code JdkHttpHandler} on a server of your own gets none of it).
   *
   * @throws IOException if the address cannot be bound
   */
  public static HttpServer start(
      JdkHttpHandler handler, InetSocketAddress address, Executor executor) throws IOException {
    setIfAbsent("sun.net.httpserver.nodelay", "true");
    setIfAbsent("sun.net.httpserver.maxReqTime", "30");
    setIfAbsent("sun.net.httpserver.maxRspTime", "30");
    HttpServer server = HttpServer.create(address, 0);
    server.setExecutor(executor);
    server.createContext("/", handler);
    server.start();
    return server;
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  public JdkHttpHandler(MattermostSessionApi api) {
    if (api == null) {
      throw new IllegalArgumentException("api must not be null");
    }
    this.api = api;
  }

  /**
   * For a graceful stop: refuses new requests (503, connection closed) and waits until those in flight are answered,
   * at most {@code timeout}. Then stop the server with {@code server.stop(0)}.
   *
   * @return whether every request in flight was answered in time
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    draining = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    // Requests the server has accepted but not yet handed to this handler get a moment to arrive
    // (and a 503).
    Thread.sleep(Math.min(50, timeout.toMillis()));
    while (inFlight.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    inFlight.incrementAndGet();
    try {
      if (draining) {
        refuse(exchange);
      } else {
        serve(exchange);
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private static void refuse(HttpExchange exchange) throws IOException {
    try (exchange) {
      HttpResponse stopping =
          AppError.response(
              503, "api.context.server_stopping.app_error", "The server is stopping.");
      stopping.headers().forEach(h -> exchange.getResponseHeaders().add(h.getKey(), h.getValue()));
      exchange.getResponseHeaders().add("Connection", "close");
      exchange.sendResponseHeaders(503, stopping.body().length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(stopping.body());
      }
    }
  }

  /**
   * How much of an oversized body is read and dropped before the 413 goes out: a socket closed with unread input is
   * reset, and the client would lose the answer. Past this, the connection is closed as it is.
   */
  private static final long OVERSIZED_DRAIN_BYTES = 8L << 20;

  private static void discard(InputStream in, long limit) throws IOException {
    byte[] buffer = new byte[8192];
    long left = limit;
    int read;
    while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
      left -= read;
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(api.maxBodyBytes() + 1);
        if (body.length > api.maxBodyBytes()) {
          discard(in, OVERSIZED_DRAIN_BYTES);
        }
      }
      HttpRequest request =
          new HttpRequest(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders(),
              body,
              exchange.getRemoteAddress().getAddress().getHostAddress(),
              exchange.getRequestURI().getRawQuery());
      HttpResponse response = api.handle(request);
      for (Map.Entry<String, String> h : response.headers()) {
        exchange.getResponseHeaders().add(h.getKey(), h.getValue());
      }
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }
}
