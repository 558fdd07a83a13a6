/**
 * Implementation details of the Redis store, not exported: the record codec, the Lua scripts' runner, and what a
 * failed command means.
 */
@NullMarked
package org.sessionregistry.redis.internal;

import org.jspecify.annotations.NullMarked;
