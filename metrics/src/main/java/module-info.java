/**
 * Micrometer metrics for Session Registry: {@link org.sessionregistry.micrometer.SessionRegistryMetrics} (the
 * registry's operations), {@link org.sessionregistry.micrometer.FrontCacheMetrics} and
 * {@link org.sessionregistry.micrometer.ChannelMetrics}.
 */
module org.sessionregistry.micrometer {
  requires transitive org.sessionregistry.core;
  requires transitive micrometer.core;
  requires static org.jspecify;

  exports org.sessionregistry.micrometer;
}
