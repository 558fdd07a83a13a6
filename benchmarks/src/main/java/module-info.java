/**
 * The JMH benchmarks: compiled as a module so that they, too, use nothing but what the library's modules export. The
 * shaded {@code benchmarks.jar} runs on the class path (JMH's own jar is not a module).
 */
module org.sessionregistry.benchmarks {
  requires org.sessionregistry.jdbc;
  requires org.sessionregistry.redis;
  requires org.sessionregistry.micrometer;
  requires micrometer.registry.prometheus;
  requires com.fasterxml.jackson.databind;
  requires jmh.core;
  requires com.h2database; // its version, for the report
  requires com.zaxxer.hikari; // an application's pool, as Spring Boot configures it
  // The peers (PeersBenchmark): Spring Session's repositories and what they run on.
  requires spring.session.core;
  requires spring.session.jdbc;
  requires spring.session.data.redis;
  requires spring.data.redis;
  requires spring.jdbc;
  requires spring.tx;
  requires spring.beans;
  requires spring.core;
}
