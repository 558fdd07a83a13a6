package org.sessionregistry.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a {@link MattermostSessionApi} on the JDK's built-in {@code com.sun.net.httpserver.HttpServer}:
 * {@code server.createContext("/api/v4/", new JdkHttpHandler(api))}. Reads at most the API's body limit plus one byte,
 * so an oversized body is refused without being read whole.
 *
 * <p>Give the server an executor ({@code server.setExecutor(...)}): without one, every request runs on its single
 * dispatcher thread. And bound how long a client may take to send a request: the JDK waits forever by default, so a few
 * slow clients can hold every worker; set {@code sun.net.httpserver.maxReqTime} (seconds) before creating the server,
 * as the runnable server does.
 */
public final class JdkHttpHandler implements HttpHandler {
  private final MattermostSessionApi api;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

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
    // Requests the server has accepted but not yet handed to this handler get a moment to arrive (and a 503).
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
      String requestId = org.sessionregistry.Ids.newId();
      byte[] body = ("{\"id\":\"api.context.server_stopping.app_error\",\"message\":\"The server is stopping.\","
          + "\"detailed_error\":\"\",\"request_id\":\"" + requestId + "\",\"status_code\":503}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("X-Request-Id", requestId);
      exchange.getResponseHeaders().add("Connection", "close");
      exchange.sendResponseHeaders(503, body.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(body);
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
      HttpRequest request = new HttpRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders(), body);
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
