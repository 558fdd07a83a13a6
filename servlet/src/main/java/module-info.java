/**
 * The Mattermost session endpoints for any Jakarta Servlet 6 container
 * ({@code org.sessionregistry.servlet.MattermostSessionServlet}), and a filter that authenticates an application's own
 * endpoints by the same rules ({@code org.sessionregistry.servlet.SessionRegistryFilter}). The container provides the
 * Servlet API.
 */
module org.sessionregistry.servlet {
  requires transitive org.sessionregistry.http;
  requires transitive jakarta.servlet;

  exports org.sessionregistry.servlet;
}
