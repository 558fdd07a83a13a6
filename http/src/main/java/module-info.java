/**
 * Mattermost API v4's session endpoints, framework-neutral ({@code org.sessionregistry.http.MattermostSessionApi}),
 * and an adapter for the JDK's built-in HTTP server. No store, no driver and no logging backend.
 */
module org.sessionregistry.http {
  requires transitive org.sessionregistry.core;
  requires transitive jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;

  exports org.sessionregistry.http;
}
