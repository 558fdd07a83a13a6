/**
 * The Redis store: {@link org.sessionregistry.redis.RedisSessionStore}, standalone or Cluster.
 */
@NullMarked
package org.sessionregistry.redis;

import org.jspecify.annotations.NullMarked;
