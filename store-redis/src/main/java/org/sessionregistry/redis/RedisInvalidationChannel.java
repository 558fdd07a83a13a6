package org.sessionregistry.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.internal.channel.ChannelListeners;
import org.sessionregistry.internal.channel.PublishQueue;
import org.sessionregistry.redis.internal.Deadline;
import org.sessionregistry.redis.internal.DeadlineConnections;
import org.sessionregistry.redis.internal.Tls;
import org.sessionregistry.spi.ChannelStatus;
import org.sessionregistry.spi.Invalidation;
import org.sessionregistry.spi.InvalidationChannel;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * Front-cache invalidations over Redis pub/sub, usable with any store. Delivery takes milliseconds. One connection
 * subscribes (to any node of a Cluster: pub/sub messages reach every node); it pings every second, so a connection that
 * died silently is noticed within a few seconds. Listeners are told {@code disconnected()} whenever the subscription
 * is down, and {@code connected()} once it is back, so caches are flushed and bypassed meanwhile.
 *
 * <p>Publishing happens on a thread of the channel's ({@link PublishQueue}): a revoke behind a front cache costs its
 * caller one round trip, the store's, and never waits on a slow or hung channel Redis. A publish that fails on a connection Redis closed (it restarted: the pooled connections are all
 * dead) is retried once on a fresh connection; if that fails too, or Redis does not answer within the timeout, this
 * node takes its channel for down: its listeners are told {@code disconnected()} and the subscription is dropped, so
 * its caches are bypassed until it is subscribed again. A publish never takes longer than the timeout. A message
 * lost still leaves the other nodes trusting what they cached until their own subscription notices Redis is gone
 * (three pings) or their maximum staleness passes, whichever comes first.
 *
 * <pre>{@code
 * InvalidationChannel channel = RedisInvalidationChannel.builder().redis("127.0.0.1", 6379).build();
 * }</pre>
 */
public final class RedisInvalidationChannel implements InvalidationChannel {
  private static final System.Logger LOG =
      System.getLogger(RedisInvalidationChannel.class.getName());

  /** Messages waiting to go out before a revoke sends its own (Redis slower than the revokes). */
  private static final int PUBLISH_QUEUE = 10_000;

  private final HostAndPort subscribeTo;
  private final JedisClientConfig config;
  private final UnifiedJedis publisher;
  private final @Nullable ConnectionProvider ownPublisherConnections;
  private final boolean ownsPublisher;
  private final Duration timeout;
  private final String channelName;
  private final Duration pingInterval;
  private final ChannelListeners listeners = new ChannelListeners();
  private final Thread subscriber;
  private final ScheduledExecutorService pinger;
  private volatile @Nullable Subscriber current;
  private final PublishQueue publishing;
  private volatile boolean closed;

  private RedisInvalidationChannel(Builder b) {
    this.subscribeTo = b.hostAndPort;
    this.config = b.config((int) b.timeout.toMillis());
    this.timeout = b.timeout;
    if (b.publisher != null) {
      this.publisher = b.publisher;
      this.ownPublisherConnections = null;
    } else {
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(8);
      pool.setMaxIdle(8);
      pool.setMaxWait(b.timeout);
      this.ownPublisherConnections =
          DeadlineConnections.standalone(subscribeTo, b::config, pool, b.timeout);
      this.publisher = RedisClient.builder().connectionProvider(ownPublisherConnections).build();
    }
    this.ownsPublisher = b.publisher == null;
    this.channelName = b.namespace + ":invalidations";
    this.pingInterval = b.pingInterval;
    // One PUBLISH each (a pipeline would share one deadline and one retry among messages that fail
    // apart).
    this.publishing =
        new PublishQueue(
            "session-registry-invalidations-publish",
            batch -> batch.forEach(this::send),
            PUBLISH_QUEUE,
            timeout);
    this.subscriber = new Thread(this::subscribeLoop, "session-registry-invalidations");
    this.subscriber.setDaemon(true);
    this.pinger =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "session-registry-invalidations-ping");
              t.setDaemon(true);
              return t;
            });
    subscriber.start();
    long every = pingInterval.toMillis();
    pinger.scheduleWithFixedDelay(this::ping, every, every, TimeUnit.MILLISECONDS);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Queued: a revoke does not wait for Redis to take its message (see {@link PublishQueue}). */
  @Override
  public void publish(Invalidation invalidation) {
    publishing.publish(invalidation);
  }

  private void send(Invalidation invalidation) {
    String text = invalidation.toText();
    JedisException failure =
        Deadline.within(
            timeout,
            () -> {
              try {
                publisher.publish(channelName, text);
                return null;
              } catch (JedisException first) {
                if (notWorthRetrying(first) || Deadline.remainingMillis(0) <= 0) {
                  return first;
                }
                // Closed under us: Redis restarted, and every idle pooled connection is as dead as
                // this one was.
                if (ownPublisherConnections != null) {
                  DeadlineConnections.dropIdle(ownPublisherConnections);
                }
                try {
                  publisher.publish(channelName, text);
                  return null;
                } catch (JedisException second) {
                  second.addSuppressed(first);
                  return second;
                }
              }
            });
    if (failure != null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "could not publish "
              + text
              + " on "
              + channelName
              + ": "
              + failure.getMessage()
              + "; this node bypasses its caches until it is subscribed again, other nodes"
              + " until theirs notice Redis is gone or within their maximum staleness");
      takeForDown();
    }
  }

  /** This node cannot publish: its caches must not be trusted, and the subscription must prove itself again. */
  private void takeForDown() {
    listeners.disconnected();
    Subscriber s = current;
    if (s != null) {
      s.drop(); // the loop subscribes again, and says connected() once it is
    }
  }

  /** Redis did not answer in time (asking again would wait again), or answered with an error. */
  private static boolean notWorthRetrying(JedisException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException) {
        return true;
      }
    }
    return !(e instanceof JedisConnectionException);
  }

  @Override
  public Subscription subscribe(Listener listener) {
    return listeners.add(listener);
  }

  /** Whether the subscription is up. */
  public boolean isConnected() {
    return listeners.isConnected();
  }

  /** Heard: a message, a pong or a subscription confirmed; published: sent to Redis, whether it took them or not. */
  @Override
  public ChannelStatus status() {
    return listeners.status(publishing.sent(), publishing.pending());
  }

  @Override
  public void close() {
    publishing.close(); // what is queued goes out first
    closed = true;
    pinger.shutdownNow();
    Subscriber s = current;
    if (s != null) {
      s.drop();
    }
    subscriber.interrupt();
    if (ownsPublisher) {
      publisher.close();
    }
  }

  private void subscribeLoop() {
    long backoff = 50;
    while (!closed) {
      try (Jedis jedis = new Jedis(subscribeTo, config)) {
        Subscriber s = new Subscriber(jedis);
        current = s;
        jedis.subscribe(s, channelName);
      } catch (JedisException e) {
        if (!closed) {
          LOG.log(
              System.Logger.Level.DEBUG,
              "invalidation subscription to " + subscribeTo + " lost: " + e.getMessage());
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "invalidation subscription failed", e);
      }
      if (listeners.isConnected()) {
        listeners.disconnected();
        backoff = 50;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(backoff * 2, 1000);
    }
  }

  private void ping() {
    Subscriber s = current;
    if (s == null || !listeners.isConnected()) {
      return;
    }
    if (System.nanoTime() - s.lastAnswer > 3 * pingInterval.toNanos()) {
      s.drop(); // silent for three pings: take it for dead, so that caches stop trusting it
      return;
    }
    try {
      s.ping();
    } catch (RuntimeException e) {
      s.drop();
    }
  }

  private final class Subscriber extends JedisPubSub {
    private final Jedis jedis;
    volatile long lastAnswer = System.nanoTime();

    Subscriber(Jedis jedis) {
      this.jedis = jedis;
    }

    void drop() {
      try {
        jedis.disconnect();
      } catch (RuntimeException ignored) {
        // It is being dropped.
      }
    }

    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      lastAnswer = System.nanoTime();
      listeners.heard();
      listeners.connected();
    }

    @Override
    public void onMessage(String channel, String message) {
      lastAnswer = System.nanoTime();
      try {
        Invalidation invalidation = Invalidation.fromText(message);
        listeners.deliver(invalidation);
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.WARNING, "ignored a malformed message on " + channel);
      }
    }

    @Override
    public void onPong(String pattern) {
      lastAnswer = System.nanoTime();
      listeners.heard();
    }
  }

  /** Settings of a {@link RedisInvalidationChannel}. */
  public static final class Builder {
    private @Nullable HostAndPort hostAndPort;
    private @Nullable UnifiedJedis publisher;
    private String namespace = "sr";
    private Duration timeout = Duration.ofSeconds(2);
    private Duration pingInterval = Duration.ofSeconds(1);
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable SSLContext tls;

    private Builder() {}

    /** The Redis (or any node of the Cluster) to subscribe to, and to publish on unless {@link #publisher} says. */
    public Builder redis(String host, int port) {
      if (host == null || port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "redis needs a host and a port 1 to 65535, was " + host + ":" + port);
      }
      this.hostAndPort = new HostAndPort(host, port);
      return this;
    }

    /** Publishes with the application's client (a {@code RedisClusterClient}, say); never closed by the channel. */
    public Builder publisher(UnifiedJedis publisher) {
      if (publisher == null) {
        throw new IllegalArgumentException("publisher must not be null");
      }
      this.publisher = publisher;
      return this;
    }

    /** The channel is {@code <namespace>:invalidations}. Default {@code sr}. */
    public Builder namespace(String namespace) {
      if (namespace == null || namespace.isEmpty() || namespace.length() > 64) {
        throw new IllegalArgumentException(
            "namespace must be 1 to 64 characters, was " + namespace);
      }
      this.namespace = namespace;
      return this;
    }

    /**
     * How long connecting, subscribing and one publish may take, a publish's retry included. Default 2 seconds; at
     * least 10 ms.
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 10 || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("timeout must be 10 ms to 24 days, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** How often the subscription is checked; it is taken for dead after three silent intervals. Default 1 s. */
    public Builder pingInterval(Duration pingInterval) {
      if (pingInterval == null || pingInterval.toMillis() < 10) {
        throw new IllegalArgumentException(
            "pingInterval must be at least 10 ms, was " + pingInterval);
      }
      this.pingInterval = pingInterval;
      return this;
    }

    public Builder credentials(String user, String password) {
      if (user == null || password == null) {
        throw new IllegalArgumentException("user and password must not be null");
      }
      this.user = user;
      this.password = password;
      return this;
    }

    /** TLS, trusting what {@code context} trusts, the server's host name checked against its certificate. */
    public Builder tls(SSLContext context) {
      if (context == null) {
        throw new IllegalArgumentException("context must not be null");
      }
      this.tls = context;
      return this;
    }

    /** @throws IllegalStateException if no Redis was given */
    public RedisInvalidationChannel build() {
      if (hostAndPort == null) {
        throw new IllegalStateException("give redis(host, port)");
      }
      return new RedisInvalidationChannel(this);
    }

    private JedisClientConfig config(int timeoutMillis) {
      DefaultJedisClientConfig.Builder b =
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis(timeoutMillis)
              .socketTimeoutMillis(timeoutMillis)
              .clientName("session-registry-invalidations")
              .autoNegotiateProtocol(false); // the subscriber is a plain Jedis: RESP2
      if (user != null) {
        b.user(user).password(password);
      }
      return Tls.apply(b, tls).build();
    }
  }
}
