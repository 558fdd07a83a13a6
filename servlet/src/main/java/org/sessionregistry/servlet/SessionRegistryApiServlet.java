package org.sessionregistry.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.sessionregistry.http.SessionRegistryApi;

/**
 * The server's own endpoints under {@code /sr/v1/} ({@link SessionRegistryApi}) as a servlet, for any Servlet 6
 * container. Map it at {@code /sr/v1/*}, beside {@link MattermostSessionServlet}; it reads the request's whole path
 * (context path excluded), so it answers the same wherever it is mapped.
 *
 * <pre>{@code
 * SessionRegistryApi own = SessionRegistryApi.builder(registry, users).build();
 * context.addServlet(new ServletHolder(new SessionRegistryApiServlet(own)), "/sr/v1/*");   // Jetty
 * }</pre>
 *
 * <p>Bodies over the API's limit are refused with 413 before they are read, as {@link MattermostSessionServlet} does.
 * Thread-safe.
 */
public final class SessionRegistryApiServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient SessionRegistryApi api;

  public SessionRegistryApiServlet(SessionRegistryApi api) {
    if (api == null) {
      throw new IllegalArgumentException("api must not be null");
    }
    this.api = api;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ServletExchange.serve(req, resp, api.maxBodyBytes(), api::bodyTooLarge, api::handle);
  }
}
