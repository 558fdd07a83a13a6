package org.sessionregistry.spi;

/**
 * A store's pool of connections as it is now, read without a round trip: for metrics (see
 * {@link SessionStore#poolStatus()}). Over several nodes (a Redis Cluster), the sums of their pools.
 *
 * @param active connections lent out to calls in flight
 * @param idle connections open and waiting in the pool
 * @param waiters calls waiting for a connection (the pool is exhausted while there are any)
 */
public record PoolStatus(int active, int idle, int waiters) {}
