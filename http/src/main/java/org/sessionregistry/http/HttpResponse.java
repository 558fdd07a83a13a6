package org.sessionregistry.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An HTTP response, independent of any server framework: copy its status, headers and body to your framework's
 * response.
 *
 * @param status the status code
 * @param headers header names to values, in order; a name may repeat ({@code Set-Cookie})
 * @param body the body bytes
 */
public record HttpResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

  /** The first value of a header, exact name. */
  public String header(String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Never shows headers or body: they may carry a token. */
  @Override
  public String toString() {
    return "HttpResponse[" + status + "]";
  }
}
