/**
 * The runnable server ({@code java -jar session-registry-server.jar}): an application, not a library; it exports
 * nothing. Opened to Jackson, which reads and writes the users file.
 */
module org.sessionregistry.server {
  requires org.sessionregistry.servlet;
  requires org.sessionregistry.jdbc;
  requires org.sessionregistry.redis;
  requires org.sessionregistry.micrometer;
  requires micrometer.registry.prometheus;
  requires jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires java.sql;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.ee11.servlet;
  requires org.eclipse.jetty.http2.server;
  requires org.eclipse.jetty.http2.common;

  opens org.sessionregistry.server to
      com.fasterxml.jackson.databind;
}
