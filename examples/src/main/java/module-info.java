/**
 * An example store, built on what the published jars export and nothing else: the module reads only the core's API
 * and SPI, so a reach into the library's internals would not compile.
 */
module org.sessionregistry.examples {
  requires org.sessionregistry.core;

  exports org.sessionregistry.examples;
}
