package org.sessionregistry.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sessionregistry.http.HttpRequest;
import org.sessionregistry.http.HttpResponse;

/** Copies a servlet request into the framework-neutral one, and a neutral response out. */
final class ServletExchange {
  private static final byte[] NO_BODY = new byte[0];

  private ServletExchange() {}

  /**
   * The request, its path decoded and relative to the web application (the servlet path and the path info: the same
   * whether the servlet is mapped at {@code /*}, {@code /} or {@code /api/v4/*}), with the body given.
   */
  static HttpRequest request(HttpServletRequest req, byte[] body) {
    String pathInfo = req.getPathInfo();
    String path = req.getServletPath() + (pathInfo == null ? "" : pathInfo);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headers.put(name, Collections.list(req.getHeaders(name)));
    }
    String query = req.getQueryString();
    return new HttpRequest(
        req.getMethod(), path, headers, body, req.getRemoteAddr(), query == null ? "" : query);
  }

  static HttpRequest withoutBody(HttpServletRequest req) {
    return request(req, NO_BODY);
  }

  /** Writes the response: status, headers in order ({@code Set-Cookie} may repeat), the body with its length. */
  static void write(HttpResponse response, HttpServletResponse resp) throws IOException {
    resp.setStatus(response.status());
    for (Map.Entry<String, String> h : response.headers()) {
      if (h.getKey().equalsIgnoreCase("Content-Type")) {
        resp.setContentType(h.getValue()); // exactly as given: no charset is set, so none is added
      } else {
        resp.addHeader(h.getKey(), h.getValue());
      }
    }
    byte[] body = response.body();
    resp.setContentLength(body.length);
    if (body.length > 0) {
      try (OutputStream out = resp.getOutputStream()) {
        out.write(body);
      }
    }
  }

  /**
   * At most {@code limit} bytes of the body; one more than the limit tells the caller it was over. Most requests have
   * none: one byte is read first, so that they cost no buffer.
   */
  static byte[] readBody(HttpServletRequest req, int limit) throws IOException {
    if (req.getContentLengthLong() == 0) {
      return NO_BODY;
    }
    InputStream in = req.getInputStream();
    int first = in.read();
    if (first < 0) {
      return NO_BODY;
    }
    long declared = req.getContentLengthLong();
    ByteArrayOutputStream body =
        new ByteArrayOutputStream(declared > 0 ? (int) Math.min(declared, limit) : 256);
    body.write(first);
    body.write(in.readNBytes(limit - 1));
    return body.toByteArray();
  }

  /**
   * Serves a request through a framework-neutral handler: a body longer than the limit is refused before it is read
   * (a client that sent {@code Expect: 100-continue} gets the refusal instead of {@code 100 Continue}); otherwise at
   * most the limit plus one byte is read.
   */
  static void serve(
      HttpServletRequest req,
      HttpServletResponse resp,
      int maxBodyBytes,
      java.util.function.Supplier<HttpResponse> tooLarge,
      java.util.function.Function<HttpRequest, HttpResponse> handler)
      throws IOException {
    if (req.getContentLengthLong() > maxBodyBytes) {
      // Before the body is touched: the container sends 100 Continue only when the body is first
      // read.
      resp.setHeader("Connection", "close");
      write(tooLarge.get(), resp);
      return;
    }
    byte[] body = readBody(req, maxBodyBytes + 1);
    HttpResponse response = handler.apply(request(req, body));
    if (body.length > maxBodyBytes) {
      resp.setHeader("Connection", "close"); // the rest of the body is not read
    }
    write(response, resp);
  }
}
