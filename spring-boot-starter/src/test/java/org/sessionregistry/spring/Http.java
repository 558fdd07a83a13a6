package org.sessionregistry.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Real HTTP to an application on loopback. */
final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
  private static final Pattern CSRF = Pattern.compile("\"csrf\":\"([^\"]+)\"");

  private Http() {}

  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return CLIENT.send(
          request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpRequest.Builder to(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
  }

  static HttpResponse<String> login(int port, String user, String password) {
    return send(
        to(port, "/login")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}")));
  }

  static String token(HttpResponse<String> login) {
    Matcher m = TOKEN.matcher(login.body());
    if (login.statusCode() != 200 || !m.find()) {
      throw new AssertionError("login failed: " + login.statusCode() + " " + login.body());
    }
    return m.group(1);
  }

  static String csrf(HttpResponse<String> login) {
    Matcher m = CSRF.matcher(login.body());
    if (!m.find()) {
      throw new AssertionError("no csrf in the login's answer");
    }
    return m.group(1);
  }

  static HttpResponse<String> get(int port, String path, String token) {
    return send(to(port, path).header("Authorization", "Bearer " + token).GET());
  }

  static HttpResponse<String> post(int port, String path, String token) {
    return send(
        to(port, path)
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** A {@code POST} without body carrying {@code cookie}, and these header names and values, in pairs. */
  static HttpResponse<String> cookiePost(int port, String path, String cookie, String... headers) {
    HttpRequest.Builder request = to(port, path).header("Cookie", cookie);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.POST(HttpRequest.BodyPublishers.noBody()));
  }
}
