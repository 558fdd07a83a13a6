package org.sessionregistry.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request's body before anything else sees the request, without a thread, within a deadline and a size:
 * the servlet behind reads bodies blocking, so a client sending its body a byte every few seconds would hold a thread
 * and one of the requests served at once for as long as it liked (an idle timeout restarts with every byte). Here it
 * holds a connection only, and only until the deadline (then 408, and the connection closes).
 *
 * <p>A body announced longer than the limit is refused (413) before any of it is read, so {@code Expect: 100-continue}
 * gets the 413, not {@code 100 Continue}; a body found longer while it arrives (chunked) is refused too. A request
 * without a body passes straight on.
 */
final class BodyDeadline extends Handler.Wrapper {
  private final long maxBytes;
  private final long deadlineMillis;

  BodyDeadline(Handler handler, int maxBytes, Duration deadline) {
    super(handler);
    this.maxBytes = maxBytes;
    this.deadlineMillis = deadline.toMillis();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long length = request.getLength();
    if (length > maxBytes) {
      refuse(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
      return true;
    }
    if (length == 0 || (length < 0 && !chunked(request))) {
      return super.handle(request, response, callback);
    }
    new Loader(request, response, callback).start();
    return true;
  }

  private static boolean chunked(Request request) {
    List<String> codings = request.getHeaders().getCSV(HttpHeader.TRANSFER_ENCODING, false);
    return codings.contains(HttpHeaderValue.CHUNKED.asString());
  }

  private static void refuse(Request request, Response response, Callback callback, int status) {
    response
        .getHeaders()
        .put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()); // the rest is not read
    Response.writeError(request, response, callback, status);
  }

  /** Reads the body as it comes (each demand's callback reads on), then hands the request on with it. */
  private final class Loader implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final AtomicBoolean settled = new AtomicBoolean();
    private Scheduler.Task timeout;

    Loader(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }

    void start() {
      timeout =
          request
              .getComponents()
              .getScheduler()
              .schedule(this::expire, deadlineMillis, TimeUnit.MILLISECONDS);
      run();
    }

    @Override
    public void run() {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          if (settled.compareAndSet(false, true)) {
            timeout.cancel();
            Response.writeError(request, response, callback, chunk.getFailure());
          }
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        int n = bytes.remaining();
        if (body.size() + (long) n > maxBytes) {
          chunk.release();
          if (settled.compareAndSet(false, true)) {
            timeout.cancel();
            refuse(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
          }
          return;
        }
        byte[] copy = new byte[n];
        bytes.get(copy);
        body.write(copy, 0, n);
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          if (settled.compareAndSet(false, true)) {
            timeout.cancel();
            // The servlet reads blocking: hand over to a thread of the pool, not the one that read
            // the last bytes.
            request.getContext().execute(this::handOn);
          }
          return;
        }
      }
    }

    private void handOn() {
      Request withBody = new Buffered(request, body.toByteArray());
      try {
        if (!BodyDeadline.super.handle(withBody, response, callback)) {
          Response.writeError(withBody, response, callback, HttpStatus.NOT_FOUND_404);
        }
      } catch (Throwable x) {
        Response.writeError(withBody, response, callback, x);
      }
    }

    private void expire() {
      if (settled.compareAndSet(false, true)) {
        refuse(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408);
      }
    }
  }

  /** The request with its body read already: one chunk, the last. */
  private static final class Buffered extends Request.Wrapper {
    private Content.Chunk rest;

    Buffered(Request request, byte[] body) {
      super(request);
      this.rest = Content.Chunk.from(ByteBuffer.wrap(body), true);
    }

    @Override
    public synchronized Content.Chunk read() {
      Content.Chunk chunk = rest;
      rest = Content.Chunk.EOF;
      return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
      demandCallback.run(); // everything is here
    }
  }
}
