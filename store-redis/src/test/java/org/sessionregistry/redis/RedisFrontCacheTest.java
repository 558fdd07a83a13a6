package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.cache.FrontCache;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/** Two nodes with their own front caches over one Redis store, told of each other's revocations by pub/sub. */
class RedisFrontCacheTest {
  /**
   * The channel's timeout in the tests of a failing channel. A caller that waited for the channel would wait all of it
   * (its Redis is frozen or gone), so returning within it proves it did not, with most of it as a busy machine's
   * margin; "taken for down within it" gets {@link #MARGIN} on top.
   */
  private static final Duration CHANNEL_TIMEOUT = Duration.ofSeconds(2);

  private static final Duration MARGIN = Duration.ofSeconds(5);

  /**
   * A deadline, not a speed: the other node is told by pub/sub or by its pings (every 100 ms) within milliseconds on an
   * idle machine, and a busy one may take seconds; a node never told refuses the session only at the cache's maximum
   * staleness (30 s or a minute here), long after this.
   */
  private static final Duration TOLD = Duration.ofSeconds(10);

  @Test
  void aRevokeAllOnOneNodeIsRefusedOnTheOtherLongBeforeTheStalenessBound() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", server.port());
        RedisInvalidationChannel channelA = channel(server);
        RedisInvalidationChannel channelB = channel(server)) {
      SessionRegistry a = node(client, channelA);
      SessionRegistry b = node(client, channelB);
      awaitConnected(channelA, channelB);
      String user = Ids.newId();
      List<IssuedSession> sessions = List.of(a.create(user), a.create(user));
      sessions.forEach(s -> assertThat(b.authenticate(s.token())).isPresent());

      a.revokeAll(user);
      long revokedAt = System.nanoTime();
      while (b.authenticate(sessions.get(0).token()).isPresent()) {
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt))
            .as("pub/sub delivery")
            .isLessThan(TOLD);
        Thread.sleep(1);
      }
      assertThat(b.authenticate(sessions.get(1).token())).isEmpty();
    }
  }

  /** Revoking everyone on one node: the other's cache is flushed by the channel, not at the staleness bound. */
  @Test
  void aRevokeOfEveryoneOnOneNodeIsRefusedOnTheOtherLongBeforeTheStalenessBound() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", server.port());
        RedisInvalidationChannel channelA = channel(server);
        RedisInvalidationChannel channelB = channel(server)) {
      SessionRegistry a = node(client, channelA);
      SessionRegistry b = node(client, channelB);
      awaitConnected(channelA, channelB);
      List<IssuedSession> sessions = List.of(a.create(Ids.newId()), a.create(Ids.newId()));
      sessions.forEach(s -> assertThat(b.authenticate(s.token())).isPresent());

      a.revokeEveryone();
      long revokedAt = System.nanoTime();
      assertThat(a.authenticate(sessions.get(0).token())).as("at once on A").isEmpty();
      while (b.authenticate(sessions.get(0).token()).isPresent()) {
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt))
            .as("pub/sub delivery")
            .isLessThan(TOLD);
        Thread.sleep(1);
      }
      assertThat(b.authenticate(sessions.get(1).token())).isEmpty();
    }
  }

  /**
   * The subscription is killed while sessions are cached, and a revocation is published while it is down: B never
   * accepts a revoked session, because it stopped trusting its cache when the subscription died.
   */
  @Test
  void killingThePubSubConnectionLeavesNoStaleSessionAccepted() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", server.port());
        RedisInvalidationChannel channelA = channel(server);
        RedisInvalidationChannel channelB = channel(server);
        Jedis admin = new Jedis("127.0.0.1", server.port())) {
      SessionRegistry a = node(client, channelA);
      SessionRegistry b = node(client, channelB);
      for (int round = 0; round < 20; round++) {
        awaitConnected(channelA, channelB);
        String user = Ids.newId();
        IssuedSession issued = a.create(user);
        assertThat(b.authenticate(issued.token())).isPresent();

        admin.clientKill(
            new redis.clients.jedis.params.ClientKillParams()
                .type(redis.clients.jedis.args.ClientType.PUBSUB));
        a.revokeAll(user);
        // Whatever B heard: once its subscription noticed the kill (or the message arrived), the
        // token is dead.
        long deadline = System.nanoTime() + TOLD.toNanos();
        while (b.authenticate(issued.token()).isPresent()) {
          assertThat(System.nanoTime())
              .as("round %d: refused on B, not at the staleness bound", round)
              .isLessThan(deadline);
          Thread.sleep(1);
        }
        for (int i = 0; i < 20; i++) {
          assertThat(b.authenticate(issued.token())).as("round %d: stays refused", round).isEmpty();
        }
      }
      awaitConnected(channelB);
      String user = Ids.newId();
      IssuedSession after = a.create(user);
      assertThat(b.authenticate(after.token())).as("reconnected and caching again").isPresent();
    }
  }

  /**
   * The channel's Redis stops answering without closing anything (CLIENT PAUSE): the subscription is open but silent,
   * so no message and no disconnect can tell B of a revocation made meanwhile. B must stop trusting its cache after
   * three unanswered pings, long before the cache's own staleness bound (a minute here). The channel's Redis stays
   * frozen (SIGSTOP) until B has, so no end of a pause can answer the pings on a busy machine's late schedule.
   */
  @Test
  void aSilentSubscriptionIsTakenForDeadAfterThreeUnansweredPings() throws Exception {
    try (OwnedRedis storeServer = OwnedRedis.standalone();
        OwnedRedis channelServer = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", storeServer.port());
        RedisInvalidationChannel channelB = channel(channelServer)) {
      SessionRegistry b =
          SessionRegistry.builder()
              .store(
                  FrontCache.builder()
                      .channel(channelB)
                      .maximumStaleness(Duration.ofMinutes(1))
                      .build()
                      .over(RedisSessionStore.builder().client(client, "test").build()))
              .build();
      SessionRegistry direct =
          SessionRegistry.builder()
              .store(RedisSessionStore.builder().client(client, "test").build())
              .build();
      awaitConnected(channelB);
      String user = Ids.newId();
      IssuedSession issued = direct.create(user);
      assertThat(b.authenticate(issued.token())).as("cached on B").isPresent();

      channelServer.pause();
      try {
        long pausedAt = System.nanoTime();
        direct.revokeAll(user); // on the store only: nothing is published
        while (b.authenticate(issued.token()).isPresent()) {
          assertThat(Duration.ofNanos(System.nanoTime() - pausedAt))
              .as("refused on B, not at the staleness bound")
              .isLessThan(TOLD);
          Thread.sleep(5);
        }
        assertThat(channelB.isConnected()).as("the silent subscription was dropped").isFalse();
      } finally {
        channelServer.resume();
      }
      awaitConnected(channelB);
      assertThat(b.authenticate(issued.token())).isEmpty();
    }
  }

  /**
   * The channel's Redis restarts; both subscriptions come back, but A's pooled publisher connections are all dead.
   * A's revoke must still reach B: the publish is retried on a fresh connection. Before, it was logged and lost, and
   * B accepted the revoked token for its whole maximum staleness (a minute here).
   */
  @Test
  void aRevokeAfterTheChannelsRedisRestartedReachesTheOtherNode() throws Exception {
    try (OwnedRedis storeServer = OwnedRedis.standalone();
        OwnedRedis channelServer = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", storeServer.port());
        RedisInvalidationChannel channelA = channel(channelServer);
        RedisInvalidationChannel channelB = channel(channelServer)) {
      SessionRegistry a = node(client, channelA, Duration.ofMinutes(1));
      SessionRegistry b = node(client, channelB, Duration.ofMinutes(1));
      awaitConnected(channelA, channelB);
      // A pooled publisher connection on A (the channel's sender thread uses one), left idle when
      // Redis restarts.
      List<IssuedSession> warm = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        warm.add(a.create(Ids.newId()));
      }
      warm.parallelStream().forEach(s -> a.revokeAll(s.session().userId()));

      channelServer.stop();
      channelServer.restart();
      Thread.sleep(300); // both subscriptions notice and come back
      awaitConnected(channelA, channelB);
      for (int round = 0; round < 4; round++) {
        String user = Ids.newId();
        IssuedSession issued = a.create(user);
        assertThat(b.authenticate(issued.token())).as("cached on B").isPresent();
        a.revoke(user, issued.session().id());
        long revokedAt = System.nanoTime();
        while (b.authenticate(issued.token()).isPresent()) {
          assertThat(Duration.ofNanos(System.nanoTime() - revokedAt))
              .as("round %d: refused on B, not at the" + " staleness bound", round)
              .isLessThan(TOLD);
          Thread.sleep(1);
        }
      }
    }
  }

  /**
   * A node that cannot publish (its publisher's Redis is gone, the subscription's is not) takes its channel for down:
   * its listeners hear disconnected(), and it subscribes again.
   */
  @Test
  void aNodeThatCannotPublishTakesItsChannelForDown() throws Exception {
    try (OwnedRedis channelServer = OwnedRedis.standalone();
        OwnedRedis publisherServer = OwnedRedis.standalone();
        RedisClient deadPublisher = RedisClient.create("127.0.0.1", publisherServer.port());
        RedisInvalidationChannel channel =
            RedisInvalidationChannel.builder()
                .redis("127.0.0.1", channelServer.port())
                .publisher(deadPublisher)
                .timeout(CHANNEL_TIMEOUT)
                .pingInterval(Duration.ofMillis(100))
                .build()) {
      java.util.concurrent.atomic.AtomicInteger downs =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger ups =
          new java.util.concurrent.atomic.AtomicInteger();
      channel.subscribe(
          new org.sessionregistry.spi.InvalidationChannel.Listener() {
            @Override
            public void invalidate(org.sessionregistry.spi.Invalidation invalidation) {}

            @Override
            public void connected() {
              ups.incrementAndGet();
            }

            @Override
            public void disconnected() {
              downs.incrementAndGet();
            }
          });
      awaitConnected(channel);
      publisherServer.stop();
      long start = System.nanoTime();
      channel.publish(org.sessionregistry.spi.Invalidation.user(Ids.newId()));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("queued: the caller does not wait for the timeout")
          .isLessThan(CHANNEL_TIMEOUT);
      while (downs.get() == 0) {
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("taken for down after a failed publish, retry" + " included, within the timeout")
            .isLessThan(CHANNEL_TIMEOUT.plus(MARGIN));
        Thread.sleep(1);
      }
      assertThat(downs).as("taken for down once").hasValue(1);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (ups.get() < 2) {
        assertThat(System.nanoTime()).as("subscribed again").isLessThan(deadline);
        Thread.sleep(5);
      }
    }
  }

  /**
   * A revoke on a node whose channel's Redis hangs returns without waiting for it, and takes effect here; the node
   * takes its channel for down within the channel's timeout.
   */
  @Test
  void aRevokeNeverWaitsOnAHungChannel() throws Exception {
    try (OwnedRedis storeServer = OwnedRedis.standalone();
        OwnedRedis channelServer = OwnedRedis.standalone();
        RedisClient client = RedisClient.create("127.0.0.1", storeServer.port());
        RedisInvalidationChannel channelA =
            RedisInvalidationChannel.builder()
                .redis("127.0.0.1", channelServer.port())
                .timeout(CHANNEL_TIMEOUT)
                .build()) {
      SessionRegistry a = node(client, channelA, Duration.ofMinutes(1));
      awaitConnected(channelA);
      String user = Ids.newId();
      IssuedSession issued = a.create(user);
      assertThat(a.authenticate(issued.token())).isPresent();
      a.revokeAll(Ids.newId()); // a pooled publisher connection

      channelServer.pause();
      try {
        long start = System.nanoTime();
        a.revokeAll(user);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("the publish is queued: the revoke does not wait" + " for the channel's timeout")
            .isLessThan(CHANNEL_TIMEOUT);
        assertThat(a.authenticate(issued.token())).isEmpty();
        while (channelA.isConnected()) {
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .as("taken for down within the channel's timeout")
              .isLessThan(CHANNEL_TIMEOUT.plus(MARGIN));
          Thread.sleep(1);
        }
      } finally {
        channelServer.resume();
      }
    }
  }

  private static RedisInvalidationChannel channel(OwnedRedis server) {
    return RedisInvalidationChannel.builder()
        .redis("127.0.0.1", server.port())
        .pingInterval(Duration.ofMillis(100))
        .build();
  }

  private static SessionRegistry node(RedisClient client, RedisInvalidationChannel channel) {
    return node(client, channel, Duration.ofSeconds(30));
  }

  private static SessionRegistry node(
      RedisClient client, RedisInvalidationChannel channel, Duration staleness) {
    return SessionRegistry.builder()
        .store(
            FrontCache.builder()
                .channel(channel)
                .maximumStaleness(staleness)
                .build()
                .over(RedisSessionStore.builder().client(client, "test").build()))
        .build();
  }

  private static void awaitConnected(RedisInvalidationChannel... channels)
      throws InterruptedException {
    for (RedisInvalidationChannel c : channels) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!c.isConnected()) {
        assertThat(System.nanoTime()).as("subscribed within 10 s").isLessThan(deadline);
        Thread.sleep(5);
      }
    }
  }
}
