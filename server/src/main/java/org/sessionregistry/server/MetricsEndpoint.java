package org.sessionregistry.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.spi.ChannelStatus;
import org.sessionregistry.spi.InvalidationChannel;

/**
 * The metrics port ({@code --metrics-port}): {@code GET /metrics}, the Prometheus text; {@code GET /health}, 200
 * {@code {"status":"UP",...}} or 503 {@code {"status":"DOWN",...}} with each part (the store, the channel when there
 * is one), its state and since when. A health check probes the store once ({@code SELECT 1}, {@code PING}), which
 * counts as no registry operation. Apart from the API's
 * port, so that it can stay on loopback or an internal network. One thread: scrapes and probes are few.
 */
final class MetricsEndpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final PrometheusMeterRegistry meters;
  private final SessionRegistry registry;
  private final @Nullable InvalidationChannel channel;

  /** The store's state as the last health check found it, and since when. */
  private boolean storeUp = true;

  private Instant storeSince = Instant.now();

  private MetricsEndpoint(
      HttpServer server,
      PrometheusMeterRegistry meters,
      SessionRegistry registry,
      @Nullable InvalidationChannel channel) {
    this.server = server;
    this.meters = meters;
    this.registry = registry;
    this.channel = channel;
  }

  static MetricsEndpoint start(
      String host,
      int port,
      PrometheusMeterRegistry meters,
      SessionRegistry registry,
      @Nullable InvalidationChannel channel)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    MetricsEndpoint endpoint = new MetricsEndpoint(server, meters, registry, channel);
    server.createContext("/", endpoint::handle);
    server.start();
    return endpoint;
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/metrics") && !path.equals("/health")) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found: GET /metrics or /health\n");
      } else if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().add("Allow", "GET");
        send(exchange, 405, "text/plain; charset=utf-8", "GET only\n");
      } else if (path.equals("/metrics")) {
        send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape());
      } else {
        Map<String, Object> health = health();
        send(
            exchange,
            health.get("status").equals("UP") ? 200 : 503,
            "application/json",
            JSON.writeValueAsString(health));
      }
    }
  }

  /** Each part's state and since when; the whole is up when every part is. */
  synchronized Map<String, Object> health() {
    boolean up;
    try {
      registry.checkStore(); // a probe, not a registry operation: no metric moves
      up = true;
    } catch (RuntimeException e) {
      up = false;
    }
    if (up != storeUp) {
      storeUp = up;
      storeSince = Instant.now();
    }
    Map<String, Object> parts = new LinkedHashMap<>();
    parts.put("store", part(storeUp, storeSince));
    boolean all = storeUp;
    if (channel != null) {
      ChannelStatus status = channel.status();
      if (status != null) {
        parts.put("channel", part(status.connected(), status.since()));
        all &= status.connected();
      }
    }
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", all ? "UP" : "DOWN");
    health.putAll(parts);
    return health;
  }

  private static Map<String, Object> part(boolean up, Instant since) {
    Map<String, Object> part = new LinkedHashMap<>();
    part.put("status", up ? "UP" : "DOWN");
    part.put("since", since.toString());
    return part;
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
