package org.sessionregistry.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.sessionregistry.Ids;
import org.sessionregistry.http.AppError;

/**
 * The floor of the HTTP load benchmark ({@code java -jar session-registry-server.jar http-floor}): the server's own
 * edge, with the same settings and flags, answering every request with a fixed JSON body and the headers the endpoints
 * send, and doing nothing else. What the server costs above it is the endpoints' and the store's.
 */
final class HttpFloor extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final byte[] BODY = "[]".getBytes(StandardCharsets.UTF_8);

  static HttpEdge start(ServerConfig config) throws SessionServer.StartupException {
    try {
      return HttpEdge.start(SessionServer.settings(config), new HttpFloor());
    } catch (Exception e) {
      throw new SessionServer.StartupException(
          "cannot start the HTTP floor on "
              + config.host
              + ":"
              + config.port
              + ": "
              + e.getMessage());
    }
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setStatus(200);
    resp.setContentType(AppError.CONTENT_TYPE);
    resp.setHeader("X-Request-Id", Ids.newId());
    resp.setHeader("Cache-Control", "no-store");
    resp.setContentLength(BODY.length);
    resp.getOutputStream().write(BODY);
  }
}
