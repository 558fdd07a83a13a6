package org.sessionregistry.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sessionregistry.Ids;
import org.sessionregistry.http.AppError;
import org.sessionregistry.http.HttpResponse;

/**
 * {@code GET /sr/v1/openapi.yaml}: the server's OpenAPI description (docs/openapi.yaml, copied into the jar), as
 * {@code application/yaml}, with the headers every answer of the API port carries. Any other method gets the 405
 * AppError the endpoints give, with {@code Allow: GET}.
 */
final class DescriptionServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** Where it is served: an exact mapping, before the {@code /sr/v1/*} endpoints'. */
  static final String PATH = "/sr/v1/openapi.yaml";

  /** RFC 9512's media type for YAML. */
  static final String CONTENT_TYPE = "application/yaml";

  private final byte[] description = read();

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String requestId = Ids.newId();
    if (req.getMethod().equals("GET")) {
      write(
          resp,
          200,
          List.of(
              Map.entry("Content-Type", CONTENT_TYPE),
              Map.entry("X-Request-Id", requestId),
              Map.entry("Cache-Control", "no-store")),
          description);
    } else {
      HttpResponse refused =
          AppError.response(
              405, "api.context.405.app_error", "Method not allowed: use GET.", "", requestId);
      List<Map.Entry<String, String>> headers = new ArrayList<>(refused.headers());
      headers.add(Map.entry("Allow", "GET"));
      write(resp, 405, headers, refused.body());
    }
  }

  private static void write(
      HttpServletResponse resp, int status, List<Map.Entry<String, String>> headers, byte[] body)
      throws IOException {
    resp.setStatus(status);
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equals("Content-Type")) {
        resp.setContentType(h.getValue()); // exactly: no charset is set, so none is added
      } else {
        resp.setHeader(h.getKey(), h.getValue());
      }
    }
    resp.setContentLength(body.length);
    resp.getOutputStream().write(body);
  }

  private static byte[] read() {
    try (InputStream in = DescriptionServlet.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the server's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
