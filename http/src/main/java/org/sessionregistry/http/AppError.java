package org.sessionregistry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sessionregistry.Ids;

/**
 * Mattermost's error answer ({@code AppError}): a JSON body with {@code id}, {@code message}, {@code detailed_error},
 * {@code request_id} and {@code status_code} (the official JavaScript client takes the status from the body), sent
 * with {@code Content-Type: application/json} exactly, {@code X-Request-Id} and {@code Cache-Control: no-store}.
 *
 * <p>{@link #forStatus} gives the answer for failures a server meets before any endpoint runs (a malformed request,
 * headers too large, a busy server), so that an edge answers them the way the endpoints answer theirs. Messages are
 * fixed texts: never an exception's, never a value the client sent. Thread-safe.
 */
public final class AppError {
  /** The only content type the official JavaScript client parses as JSON: no charset. */
  public static final String CONTENT_TYPE = "application/json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DETAIL = 120;

  private AppError() {}

  /** An answer with a new request id. */
  public static HttpResponse response(int status, String id, String message) {
    return response(status, id, message, "", Ids.newId());
  }

  /** An answer with the given details and request id. */
  public static HttpResponse response(
      int status, String id, String message, String detailedError, String requestId) {
    return new HttpResponse(
        status, headers(requestId), body(status, id, message, detailedError, requestId));
  }

  /**
   * The answer to a request refused by the transport with this status (400, 413, 414, 431, 501, 503, 505, ...).
   * {@code detail} goes to {@code detailed_error} when it is a short printable text without class names (a parser's
   * reason such as "Ambiguous URI path separator"), and is dropped otherwise.
   */
  public static HttpResponse forStatus(int status, String detail) {
    String[] idAndMessage = transport(status);
    return response(status, idAndMessage[0], idAndMessage[1], safe(detail), Ids.newId());
  }

  /** The headers every error answer carries. */
  public static List<Map.Entry<String, String>> headers(String requestId) {
    return List.of(
        Map.entry("Content-Type", CONTENT_TYPE),
        Map.entry("X-Request-Id", requestId),
        Map.entry("Cache-Control", "no-store"));
  }

  /** The JSON body, keys in Mattermost's order. */
  public static byte[] body(
      int status, String id, String message, String detailedError, String requestId) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("id", id);
    e.put("message", message);
    e.put("detailed_error", detailedError);
    e.put("request_id", requestId);
    e.put("status_code", status);
    try {
      return JSON.writeValueAsBytes(e);
    } catch (JsonProcessingException x) {
      throw new IllegalStateException("cannot write an AppError", x);
    }
  }

  private static String[] transport(int status) {
    return switch (status) {
      case 400 ->
          new String[] {
            "api.context.bad_request.app_error", "The request could not be understood."
          };
      case 404 -> new String[] {"api.context.404.app_error", "Sorry, we could not find the page."};
      case 405 -> new String[] {"api.context.405.app_error", "Method not allowed."};
      case 408 ->
          new String[] {
            "api.context.request_timeout.app_error", "The request took too long to arrive."
          };
      case 411 ->
          new String[] {
            "api.context.length_required.app_error", "The request must say its length."
          };
      case 413 ->
          new String[] {
            "api.context.request_body_too_large.app_error", "The request body is too large."
          };
      case 414 ->
          new String[] {"api.context.uri_too_long.app_error", "The request URL is too long."};
      case 415 ->
          new String[] {
            "api.context.unsupported_media_type.app_error",
            "The request body has an unsupported type."
          };
      case 417 ->
          new String[] {
            "api.context.expectation_failed.app_error", "The expectation cannot be met."
          };
      case 429 ->
          new String[] {
            "api.context.too_many_requests.app_error", "Too many requests. Please try again later."
          };
      case 431 ->
          new String[] {
            "api.context.request_headers_too_large.app_error", "The request headers are too large."
          };
      case 501 ->
          new String[] {
            "api.context.not_implemented.app_error", "The server does not support this request."
          };
      case 503 ->
          new String[] {
            "api.context.server_busy.app_error",
            "The server is busy or stopping. Please try again later."
          };
      case 505 ->
          new String[] {
            "api.context.http_version_not_supported.app_error",
            "This HTTP version is not supported."
          };
      default ->
          status >= 500
              ? new String[] {"api.context.internal_error.app_error", "An internal error occurred."}
              : new String[] {
                "api.context.bad_request.app_error", "The request could not be understood."
              };
    };
  }

  private static String safe(String detail) {
    if (detail == null
        || detail.length() > MAX_DETAIL
        || detail.contains("Exception")
        || detail.contains("java.")) {
      return "";
    }
    for (int i = 0; i < detail.length(); i++) {
      char c = detail.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return "";
      }
    }
    return detail;
  }
}
