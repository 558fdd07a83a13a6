package org.sessionregistry.server;

import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses a body in any transfer coding but {@code chunked} (RFC 9112 6.1: 501). Jetty takes off the chunked framing
 * of {@code gzip, chunked} and would hand the servlet the still-compressed bytes as if they were the body.
 */
final class TransferEncodingCheck extends Handler.Wrapper {

  TransferEncodingCheck(Handler handler) {
    super(handler);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    List<String> codings = request.getHeaders().getCSV(HttpHeader.TRANSFER_ENCODING, false);
    if (!codings.isEmpty()
        && !(codings.size() == 1 && codings.get(0).equalsIgnoreCase("chunked"))) {
      Response.writeError(request, response, callback, HttpStatus.NOT_IMPLEMENTED_501);
      return true;
    }
    return super.handle(request, response, callback);
  }
}
