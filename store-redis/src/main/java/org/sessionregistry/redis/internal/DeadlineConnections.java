package org.sessionregistry.redis.internal;

import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.spi.PoolStatus;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * Connection providers that hold every command to the {@link Deadline} of its call: a connection is waited for at
 * most the time left, and its socket timeout is set to what is left once it is had.
 */
public final class DeadlineConnections {
  private DeadlineConnections() {}

  /**
   * Pooled connections to one Redis. A new connection connects and does its handshake within the time left too.
   *
   * @param config the client settings with the given connect and socket timeout (ms)
   * @param timeout the deadline of a call that did not set one
   */
  public static Standalone standalone(
      HostAndPort where,
      IntFunction<JedisClientConfig> config,
      GenericObjectPoolConfig<Connection> pool,
      Duration timeout) {
    return new Standalone(where, config, pool, timeout.toMillis());
  }

  /**
   * Pooled connections to each node of a Cluster. A new connection's handshake is bounded by the configured socket
   * timeout (Jedis builds the node pools); every command after it by the time left.
   */
  public static ClusterConnectionProvider cluster(
      Set<HostAndPort> nodes,
      JedisClientConfig config,
      GenericObjectPoolConfig<Connection> pool,
      Duration timeout) {
    return new Cluster(nodes, config, pool, timeout.toMillis());
  }

  /** Drops the idle connections of a provider built here (after Redis restarted, they are all dead). */
  public static void dropIdle(ConnectionProvider provider) {
    if (provider instanceof Standalone s) {
      s.getPool().clear();
    } else if (provider instanceof Cluster c) {
      c.getNodes().values().forEach(ConnectionPool::clear);
    }
  }

  /**
   * The pools of a provider built here, summed over a Cluster's nodes, read without a round trip (commons-pool's
   * counters); null for any other provider.
   */
  public static @Nullable PoolStatus poolStatus(ConnectionProvider provider) {
    if (provider instanceof Standalone s) {
      return status(List.of((ConnectionPool) s.getPool()));
    } else if (provider instanceof Cluster c) {
      return status(c.getNodes().values());
    }
    return null;
  }

  private static PoolStatus status(Collection<ConnectionPool> pools) {
    int active = 0;
    int idle = 0;
    int waiters = 0;
    for (ConnectionPool pool : pools) {
      active += pool.getNumActive();
      idle += pool.getNumIdle();
      waiters += pool.getNumWaiters();
    }
    return new PoolStatus(active, idle, waiters);
  }

  /** The connection with its socket timeout set to the time left, or closed and refused when none is left. */
  private static Connection bounded(Connection c, long timeoutMillis) {
    long left = Deadline.remainingMillis(timeoutMillis);
    if (left <= 0) {
      c.close();
      // Jedis's Cluster executor gives up at once on this one; on a connection failure it would
      // retry, and first
      // refresh its slot map from nodes that may be hung too.
      throw new JedisClusterOperationException(
          "timed out: the call's time ran out before its command was sent");
    }
    c.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    return c;
  }

  /** One Redis. */
  public static final class Standalone extends PooledConnectionProvider {
    private final long timeoutMillis;

    private Standalone(
        HostAndPort where,
        IntFunction<JedisClientConfig> config,
        GenericObjectPoolConfig<Connection> pool,
        long timeoutMillis) {
      super(
          new ConnectionFactory(
              new DeadlineSockets(where, config, timeoutMillis), config.apply((int) timeoutMillis)),
          pool);
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Connection getConnection() {
      long left = Deadline.remainingMillis(timeoutMillis);
      if (left <= 0) {
        throw new JedisConnectionException(
            "timed out: the call's time ran out before a connection was free");
      }
      ConnectionPool pool = (ConnectionPool) getPool();
      Connection c;
      try {
        c = pool.borrowObject(Duration.ofMillis(left));
      } catch (NoSuchElementException e) {
        throw new JedisException(
            "Could not get a resource from the pool within " + left + " ms", e);
      } catch (JedisException e) {
        throw e;
      } catch (Exception e) {
        throw new JedisConnectionException("could not connect: " + e.getMessage(), e);
      }
      c.setHandlingPool(pool);
      return bounded(c, timeoutMillis);
    }

    @Override
    public Connection getConnection(CommandArguments args) {
      return getConnection();
    }
  }

  /**
   * The nodes of a Cluster. Jedis builds the node pools, so a new connection's handshake (and a slot-map refresh) has
   * the configured socket timeout, which the store sets to half its timeout: an attempt (the first, a redirection, a
   * retry) starts only with at least half the time left, so that it ends within the deadline.
   */
  private static final class Cluster extends ClusterConnectionProvider {
    private final long timeoutMillis;

    Cluster(
        Set<HostAndPort> nodes,
        JedisClientConfig config,
        GenericObjectPoolConfig<Connection> pool,
        long timeoutMillis) {
      super(nodes, config, pool);
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Connection getConnection(HostAndPort node) {
      enoughTimeLeft();
      return bounded(super.getConnection(node), timeoutMillis);
    }

    @Override
    public Connection getConnection(CommandArguments args) {
      enoughTimeLeft();
      return bounded(super.getConnection(args), timeoutMillis);
    }

    @Override
    public Connection getConnection() {
      enoughTimeLeft();
      return bounded(super.getConnection(), timeoutMillis);
    }

    @Override
    public Connection getConnectionFromSlot(int slot) {
      enoughTimeLeft();
      return bounded(super.getConnectionFromSlot(slot), timeoutMillis);
    }

    /** A slot-map refresh asks nodes that may be hung: only with at least half the call's time left. */
    @Override
    public void renewSlotCache() {
      if (halfLeft()) {
        super.renewSlotCache();
      }
    }

    @Override
    public void renewSlotCache(Connection c) {
      if (halfLeft()) {
        super.renewSlotCache(c);
      }
    }

    private boolean halfLeft() {
      return Deadline.remainingMillis(timeoutMillis) >= timeoutMillis / 2;
    }

    private void enoughTimeLeft() {
      if (!halfLeft()) {
        throw new JedisClusterOperationException(
            "timed out: less than half the call's time is left for another" + " attempt");
      }
    }
  }

  /** Connects within the time left, and leaves the socket the rest of it for the handshake. */
  private record DeadlineSockets(
      HostAndPort where, IntFunction<JedisClientConfig> config, long timeoutMillis)
      implements JedisSocketFactory {
    @Override
    public Socket createSocket() {
      long left = Deadline.remainingMillis(timeoutMillis);
      if (left <= 0) {
        throw new JedisConnectionException("timed out: the call's time ran out before connecting");
      }
      Socket socket =
          new DefaultJedisSocketFactory(
                  where, config.apply((int) Math.min(Integer.MAX_VALUE, left)))
              .createSocket();
      try {
        long rest = Deadline.remainingMillis(timeoutMillis);
        if (rest <= 0) {
          throw new JedisConnectionException("timed out: the call's time ran out while connecting");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, rest));
        return socket;
      } catch (SocketException | RuntimeException e) {
        try {
          socket.close();
        } catch (java.io.IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e instanceof JedisException je ? je : new JedisConnectionException(e);
      }
    }

    @Override
    public String toString() {
      return where.toString();
    }
  }
}
