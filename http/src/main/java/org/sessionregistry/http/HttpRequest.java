package org.sessionregistry.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP request, independent of any server framework: build one from your framework's request and hand it to
 * {@link MattermostSessionApi#handle}.
 *
 * @param method the method, e.g. {@code GET}
 * @param path the decoded path, without the query string, e.g. {@code /api/v4/users/me/sessions}
 * @param headers header names (any case) to their values
 * @param body the body, at most the API's body limit plus one byte (so it can tell an oversized body), or empty
 * @param remoteAddress the TCP peer's address (a proxy's, behind one: {@link ClientAddressResolver} finds the
 *     client), or empty when unknown
 * @param query the raw query string, without the {@code ?}, or empty (e.g. {@code get_server_status=true})
 */
public record HttpRequest(
    String method,
    String path,
    Map<String, List<String>> headers,
    byte[] body,
    String remoteAddress,
    String query) {

  /** A request whose client address is not known, without a query. */
  public HttpRequest(String method, String path, Map<String, List<String>> headers, byte[] body) {
    this(method, path, headers, body, "", "");
  }

  /** A request without a query. */
  public HttpRequest(
      String method,
      String path,
      Map<String, List<String>> headers,
      byte[] body,
      String remoteAddress) {
    this(method, path, headers, body, remoteAddress, "");
  }

  public HttpRequest {
    if (remoteAddress == null) {
      remoteAddress = "";
    }
    if (query == null) {
      query = "";
    }
    TreeMap<String, List<String>> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (name, values) ->
            caseInsensitive.merge(
                name,
                List.copyOf(values),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
    headers = caseInsensitive;
  }

  /** The first value of a header, any case of its name. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The first value of a query parameter, decoded, or null: {@code queryParameter("get_server_status")}. */
  public @Nullable String queryParameter(String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException malformed) {
        // Not a parameter anyone could mean: skipped.
      }
    }
    return null;
  }

  /** Never shows headers, body or query: they carry tokens and passwords. */
  @Override
  public String toString() {
    return "HttpRequest[" + method + " " + path + "]";
  }
}
