/**
 * The runnable server ({@code java -jar session-registry-server.jar}): an application, not a library; it exports
 * nothing. Opened to Jackson, which reads and writes the users file.
 */
module org.sessionregistry.server {
  requires org.sessionregistry.http;
  requires org.sessionregistry.jdbc;
  requires org.sessionregistry.redis;
  requires com.fasterxml.jackson.databind;

  opens org.sessionregistry.server to com.fasterxml.jackson.databind;
}
