package org.sessionregistry.server;

import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The runnable server's HTTP edge: embedded Jetty 12.1 serving one servlet, set up to be exposed.
 *
 * <ul>
 *   <li>HTTP/1.1 and h2c (cleartext HTTP/2, by prior knowledge or upgrade) on one port;
 *   <li>strict parsing: methods are case-sensitive, no bare-LF line ends, URIs without ambiguity ({@code %2F} in a
 *       segment, {@code %2e%2e}, empty segments are refused with 400, never decoded into a path);
 *   <li>bounded: request line and headers in {@code maxHeaderBytes} (414 and 431 beyond), headers within the header
 *       timeout, a body of at most {@code maxBodyBytes} (413), read without a thread within the body timeout (408),
 *       an idle connection closed after the idle timeout, at most {@code maxConnections} connections (the
 *       server stops accepting at the limit), at most {@code maxRequests} requests served at once, each on a thread,
 *       and {@code maxQueued} more waiting up to {@code queueTimeout} without a thread, then 503;
 *   <li>every error, Jetty's own included, an AppError ({@link AppErrorHandler});
 *   <li>the active-sessions page at {@code /} ({@link WebPage}), the servlets' routes everywhere else;
 *   <li>a graceful stop: requests in flight finish (up to the drain time), new ones get 503.
 * </ul>
 */
final class HttpEdge implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HttpEdge.class.getName());

  /** Threads for Jetty's acceptor, selectors and scheduler, beside those serving requests. */
  private static final int JETTY_THREADS = 16;

  /** The edge's settings; see {@link ServerConfig} for their flags and defaults. */
  record Settings(
      String host,
      int port,
      Duration idleTimeout,
      Duration headerTimeout,
      Duration bodyTimeout,
      int maxHeaderBytes,
      int maxBodyBytes,
      int maxRequests,
      int maxQueued,
      Duration queueTimeout,
      int maxConnections,
      boolean h2c,
      Duration drain) {}

  private final Server server;
  private final ServerConnector connector;

  private HttpEdge(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /** @throws Exception what Jetty throws when it cannot start, a busy port among them ({@link java.io.IOException}) */
  static HttpEdge start(Settings s, HttpServlet servlet) throws Exception {
    return start(s, java.util.Map.of("/*", servlet));
  }

  /**
   * Serves each servlet at its mapping ({@code /*}, {@code /sr/v1/*}, ...): the servlet container's rules pick the
   * longest matching one.
   */
  static HttpEdge start(Settings s, java.util.Map<String, HttpServlet> servlets) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(s.maxRequests() + JETTY_THREADS, 8, 60_000);
    threads.setName("session-registry-http");
    Server server = new Server(threads);
    server.setStopTimeout(s.drain().toMillis());
    server.setErrorHandler(new AppErrorHandler());

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(s.maxHeaderBytes());
    http.setSendServerVersion(false);
    http.setHttpCompliance(HttpCompliance.STRICT);
    http.setUriCompliance(UriCompliance.DEFAULT);
    http.setIdleTimeout(s.idleTimeout().toMillis());
    // No ForwardedRequestCustomizer, deliberately: it would believe Forwarded headers from any
    // peer. getRemoteAddr()
    // stays the TCP peer, and the API's ClientAddressResolver reads the headers from
    // --trusted-proxies only.
    ConnectionFactory[] factories =
        s.h2c()
            ? new ConnectionFactory[] {
              new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http)
            }
            : new ConnectionFactory[] {new HttpConnectionFactory(http)};
    ServerConnector connector = new ServerConnector(server, 1, 1, factories);
    connector.setHost(s.host());
    connector.setPort(s.port());
    connector.setIdleTimeout(s.idleTimeout().toMillis());
    connector.setAcceptQueueSize(512);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(s.maxConnections(), server));
    server.addBean(new HeaderTimeout(connector, s.headerTimeout()));

    ServletContextHandler context = new ServletContextHandler("/");
    servlets.forEach(
        (mapping, servlet) ->
            context.addServlet(
                new ServletHolder(servlet.getClass().getSimpleName() + mapping, servlet), mapping));
    // The active-sessions page at / (exactly) and its files under /page/; everything else is the
    // API's.
    ServletHolder page = new ServletHolder("page", new WebPage());
    for (String mapping : WebPage.mappings()) {
      context.addServlet(page, mapping);
    }
    context.setErrorHandler(new AppErrorHandler());
    // Jetty's bounded job queue would drop connections without an answer: the queue that is bounded
    // is QoS's, of
    // requests waiting for a slot, and beyond it they get a 503. Logins waiting for a password
    // check keep their slot
    // (and thread): ServerConfig holds them to 3/4 of maxRequests, so the rest always serve other
    // requests.
    QoSHandler qos = new QoSHandler(context);
    qos.setMaxRequestCount(s.maxRequests());
    qos.setMaxSuspendedRequestCount(s.maxQueued());
    qos.setMaxSuspend(s.queueTimeout());
    // Bodies are read before a request takes one of the slots: a slow one holds a connection, not a
    // thread.
    server.setHandler(
        new GracefulHandler(
            new TransferEncodingCheck(new BodyDeadline(qos, s.maxBodyBytes(), s.bodyTimeout()))));
    server.start();
    return new HttpEdge(server, connector);
  }

  /** The port it listens on (the one chosen with port 0). */
  int port() {
    return connector.getLocalPort();
  }

  /**
   * Stops accepting, lets requests in flight finish (up to the drain time), then stops. Connections still open then
   * (a client still sending, a request still running) are closed, and the stop is logged as not graceful.
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // Jetty stops everything first, then reports what did not finish within the drain time.
      LOG.log(
          System.Logger.Level.WARNING,
          "the HTTP server stopped with connections still open after the drain" + " time: " + e);
    }
  }
}
