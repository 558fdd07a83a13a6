package org.sessionregistry.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Bytes on a socket, as an attacker or a broken client sends them, and the answer as it comes back. */
final class RawHttp {
  private RawHttp() {}

  /** A response: its status line, headers (lower-case names, first value), and body. */
  record Response(
      String statusLine, int status, Map<String, String> headers, String body, String raw) {}

  /** Sends the bytes and reads until the server closes the connection (or 5 s pass without a byte). */
  static Response send(int port, byte[] request) throws IOException {
    return send(new Socket("127.0.0.1", port), request);
  }

  /** As {@link #send(int, byte[])}, from a local address of ours: on Linux, any of 127.0.0.0/8 reaches 127.0.0.1. */
  static Response sendFrom(InetAddress from, int port, String request) throws IOException {
    return send(
        new Socket(InetAddress.getByName("127.0.0.1"), port, from, 0),
        request.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Response send(Socket socket, byte[] request) throws IOException {
    try (Socket s = socket) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] all;
      try {
        all = in.readAllBytes();
      } catch (java.net.SocketTimeoutException e) {
        throw new IOException("the server neither answered nor closed within 5 s", e);
      }
      return parse(new String(all, StandardCharsets.ISO_8859_1));
    }
  }

  static Response send(int port, String request) throws IOException {
    return send(port, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  static Response parse(String raw) {
    int end = raw.indexOf("\r\n\r\n");
    if (end < 0) {
      return new Response("", 0, Map.of(), "", raw);
    }
    String[] lines = raw.substring(0, end).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.putIfAbsent(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    String[] status = lines[0].split(" ", 3);
    return new Response(
        lines[0], Integer.parseInt(status[1]), headers, raw.substring(end + 4), raw);
  }
}
