package org.sessionregistry.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.sessionregistry.http.AppError;
import org.sessionregistry.http.HttpResponse;

/**
 * The "active sessions" page: {@code /} and its script, style and icon under {@code /page/}, from the jar. A fixed set
 * of files read once at start, never a path looked up on disk or on the class path per request.
 *
 * <p>Every answer carries a strict {@code Content-Security-Policy} (scripts, styles, images and requests from this
 * origin only, no inline script or style, no framing, no form posted elsewhere), {@code X-Content-Type-Options:
 * nosniff}, {@code Referrer-Policy: no-referrer}, an exact content type, and {@code Cache-Control: no-cache} with an
 * {@code ETag}: a browser revalidates each file (a 304 when unchanged), so a new jar's page is never mixed with an old
 * script. {@code GET} and {@code HEAD} only (405 AppError otherwise). Thread-safe.
 */
final class WebPage extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** The page's Content-Security-Policy: nothing inline, nothing from elsewhere. */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  /** The URL path of each file the page is made of, and its content type. */
  private static final Map<String, String[]> FILES =
      Map.of(
          "/", new String[] {"index.html", "text/html; charset=utf-8"},
          "/page/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
          "/page/app.css", new String[] {"app.css", "text/css; charset=utf-8"},
          "/page/icon.svg", new String[] {"icon.svg", "image/svg+xml"});

  private final transient Map<String, File> files;

  private record File(byte[] bytes, String contentType, String etag) {}

  WebPage() {
    this.files = load();
  }

  /** The URL patterns to map this servlet at: the root alone, and the page's own files. */
  static List<String> mappings() {
    return List.of("", "/page/*");
  }

  private static Map<String, File> load() {
    Map<String, File> loaded = new java.util.HashMap<>();
    for (Map.Entry<String, String[]> e : FILES.entrySet()) {
      String name = "web/" + e.getValue()[0];
      try (InputStream in = WebPage.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("the page's file " + name + " is missing from the jar");
        }
        byte[] bytes = in.readAllBytes();
        loaded.put(e.getKey(), new File(bytes, e.getValue()[1], etag(bytes)));
      } catch (IOException x) {
        throw new UncheckedIOException("the page's file " + name + " cannot be read", x);
      }
    }
    return Map.copyOf(loaded);
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(hash, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    File file = files.get(path.isEmpty() ? "/" : path);
    // The same headers on every answer, errors included: a browser never renders one without them.
    resp.setHeader("Content-Security-Policy", CSP);
    resp.setHeader("X-Content-Type-Options", "nosniff");
    resp.setHeader("Referrer-Policy", "no-referrer");
    resp.setHeader("X-Frame-Options", "DENY");
    if (file == null) {
      write(resp, AppError.forStatus(404, ""));
      return;
    }
    String method = req.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      resp.setHeader("Allow", "GET, HEAD");
      write(resp, AppError.forStatus(405, ""));
      return;
    }
    resp.setHeader("Cache-Control", "no-cache");
    resp.setHeader("ETag", file.etag);
    String ifNoneMatch = req.getHeader("If-None-Match");
    if (ifNoneMatch != null && matches(ifNoneMatch, file.etag)) {
      resp.setStatus(304);
      return;
    }
    resp.setStatus(200);
    resp.setContentType(file.contentType);
    resp.setContentLength(file.bytes.length);
    if (method.equals("GET")) {
      resp.getOutputStream().write(file.bytes);
    }
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.strip();
      if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  private static void write(HttpServletResponse resp, HttpResponse answer) throws IOException {
    resp.setStatus(answer.status());
    for (Map.Entry<String, String> h : answer.headers()) {
      resp.setHeader(h.getKey(), h.getValue());
    }
    resp.setContentLength(answer.body().length);
    resp.getOutputStream().write(answer.body());
  }
}
