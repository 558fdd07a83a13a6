package org.sessionregistry.server;

import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.sessionregistry.http.AppError;
import org.sessionregistry.http.HttpResponse;

/**
 * Jetty's own answers as Mattermost AppErrors: a request Jetty refuses before any servlet runs (a request line or
 * header it cannot parse, headers or a URI too long, an ambiguous or badly encoded path, a bad chunk, an HTTP version
 * it does not speak), a busy or stopping server, and anything a servlet fails with. Every one gets
 * {@code Content-Type: application/json} exactly, {@code X-Request-Id}, and a fixed message; the parser's reason goes
 * to {@code detailed_error} for 4xx, and nothing of an exception ever goes out.
 */
final class AppErrorHandler extends ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    String reason = "";
    if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http) {
      status = http.getCode();
      response.setStatus(status);
      reason = http.getReason();
    } else if (status < 500 && request.getAttribute(ERROR_MESSAGE) instanceof String message) {
      reason = message;
    }
    if (status < 400) {
      status = 500;
      response.setStatus(status);
    }
    HttpResponse error = AppError.forStatus(status, status < 500 ? reason : "");
    for (Map.Entry<String, String> h : error.headers()) {
      response.getHeaders().put(h.getKey(), h.getValue());
    }
    if (HttpStatus.hasNoBody(status) || request.getMethod().equals("HEAD")) {
      callback.succeeded();
    } else {
      response.write(true, ByteBuffer.wrap(error.body()), callback);
    }
    return true;
  }
}
