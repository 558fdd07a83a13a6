/**
 * Mattermost API v4's session endpoints, framework-neutral ({@code org.sessionregistry.http.MattermostSessionApi}),
 * and an adapter for the JDK's built-in HTTP server. No store, no driver and no logging backend.
 *
 * <p>{@code jdk.httpserver} is optional: only {@code org.sessionregistry.http.JdkHttpHandler} uses it, so a modular
 * application that serves the API on it {@code requires jdk.httpserver} itself, and one that uses the servlet binding
 * never reads it.
 */
module org.sessionregistry.http {
  requires transitive org.sessionregistry.core;
  requires static jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;

  exports org.sessionregistry.http;
}
