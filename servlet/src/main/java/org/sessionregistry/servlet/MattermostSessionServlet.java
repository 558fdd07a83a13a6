package org.sessionregistry.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.sessionregistry.http.MattermostSessionApi;

/**
 * Mattermost API v4's session endpoints ({@link MattermostSessionApi}) as a servlet, for any Servlet 6 container. Map it
 * at {@code /*} (or {@code /api/v4/*}): it answers every method itself, as sent ({@code post} is not {@code POST}).
 *
 * <pre>{@code
 * MattermostSessionApi api = MattermostSessionApi.builder(registry, loginVerifier).build();
 * context.addServlet(new ServletHolder(new MattermostSessionServlet(api)), "/api/v4/*");   // Jetty
 * Tomcat.addServlet(context, "sessions", new MattermostSessionServlet(api));               // Tomcat
 * context.addServletMappingDecoded("/api/v4/*", "sessions");
 * }</pre>
 *
 * <p>A body longer than the API's limit is refused with 413 before it is read: a client that sent
 * {@code Expect: 100-continue} gets the 413 instead of {@code 100 Continue}. Otherwise at most the limit plus one byte
 * is read. The container's own answers (a request it cannot parse) are the container's: on Jetty the runnable server
 * rewrites them into AppErrors. The client's address (the login limits, {@code ip_address}) and HTTPS (the cookies'
 * {@code Secure}) are the API's {@link org.sessionregistry.http.ClientAddressResolver}, from
 * {@code MattermostSessionApi.Builder.clientAddress}: the servlet hands on the TCP peer ({@code getRemoteAddr()}) and
 * the headers; give a {@link SessionRegistryFilter} the same resolver. Thread-safe.
 */
public final class MattermostSessionServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient MattermostSessionApi api;

  public MattermostSessionServlet(MattermostSessionApi api) {
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
