/**
 * Session Registry's core: the API ({@code org.sessionregistry}), the SPI for store and invalidation-channel authors
 * ({@code org.sessionregistry.spi}), the front cache ({@code org.sessionregistry.cache}) and the in-memory store
 * ({@code org.sessionregistry.memory}). {@code org.sessionregistry.internal} (argument checks, the id codec) is exported
 * to no one; {@code org.sessionregistry.internal.channel} (what the library's own invalidation channels share) only to
 * the library's store modules.
 */
module org.sessionregistry.core {
  requires com.github.benmanes.caffeine;
  requires static transitive org.jspecify;

  exports org.sessionregistry;
  exports org.sessionregistry.spi;
  exports org.sessionregistry.cache;
  exports org.sessionregistry.memory;
  exports org.sessionregistry.internal.channel to
      org.sessionregistry.jdbc,
      org.sessionregistry.redis;
}
