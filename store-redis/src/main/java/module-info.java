/**
 * The Redis store: {@code org.sessionregistry.redis.RedisSessionStore} on Jedis, standalone and Cluster, and the
 * pub/sub invalidation channel. Its Lua scripts are resources of this module.
 */
module org.sessionregistry.redis {
  requires transitive org.sessionregistry.core;
  requires transitive redis.clients.jedis;
  requires org.apache.commons.pool2;

  exports org.sessionregistry.redis;
}
