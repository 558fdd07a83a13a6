package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.testing.Eventually;
import redis.clients.jedis.Jedis;

/** Redis failing under the store: typed errors, never "valid", and recovery without a restart of the store. */
class RedisFailureTest {

  @Test
  void redisDownIsATypedErrorAndTheClientReconnectsWhenItIsBack() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisSessionStore store =
            RedisSessionStore.builder()
                .standalone("127.0.0.1", server.port())
                .timeout(Duration.ofMillis(500))
                .build()) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      String user = Ids.newId();
      IssuedSession issued = registry.create(user);

      server.stop();

      for (Runnable call :
          List.<Runnable>of(
              () -> registry.authenticate(issued.token()),
              () -> registry.list(user),
              () -> registry.create(user),
              () -> registry.revokeAll(user))) {
        assertThatThrownBy(call::run)
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageStartingWith(
                "Redis session store (redis://127.0.0.1:"
                    + server.port()
                    + ", namespace sr)"
                    + " is unavailable, could not ")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain(issued.token()));
      }

      server.restart();

      // The restarted Redis kept nothing (no persistence here): the old token is unknown, never
      // valid again.
      assertThat(Eventually.answer(() -> registry.authenticate(issued.token()))).isEmpty();
      IssuedSession fresh = registry.create(user);
      assertThat(registry.authenticate(fresh.token())).isPresent();
      registry.revokeAll(user);
      assertThat(registry.authenticate(fresh.token())).isEmpty();
    }
  }

  /**
   * Redis is frozen (SIGSTOP) until the call has failed, rather than paused for a fixed time (CLIENT PAUSE): on a busy
   * machine a pause could end before the call reached Redis, and the call would be answered. The command sent on the
   * frozen connection is answered late, after the resume; the next calls must not read that answer.
   */
  @Test
  void aRedisThatDoesNotAnswerInTimeIsATypedError() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisSessionStore store =
            RedisSessionStore.builder()
                .standalone("127.0.0.1", server.port())
                .timeout(Duration.ofMillis(300))
                .build()) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      IssuedSession issued = registry.create(Ids.newId());

      server.pause();
      try {
        assertThatThrownBy(() -> registry.authenticate(issued.token()))
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageContaining("is unavailable, could not authenticate a token");
      } finally {
        server.resume();
      }

      assertThat(Eventually.answer(() -> registry.authenticate(issued.token()))).isPresent();
    }
  }

  /**
   * A hung Redis (SIGSTOP: connections open, nothing answers) costs each call its timeout once, however many calls
   * are in flight: with more callers than pooled connections, a call that first waited for a connection used to wait
   * the whole timeout again for its answer (2x), and new connections a handshake on top. A deadline: the timeout (2 s)
   * and half of it for a busy machine, where waiting twice takes 4 s or more.
   */
  @Test
  void aHungRedisCostsEveryCallItsTimeoutOnce() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisSessionStore store =
            RedisSessionStore.builder()
                .standalone("127.0.0.1", server.port())
                .timeout(Duration.ofSeconds(2))
                .maxConnections(8)
                .build()) {
      assertEveryCallBoundedOnce(server, store, 2_000 + 1_000);
    }
  }

  /**
   * On a Cluster, Jedis builds the node pools: a call whose connection failed returns it on its own thread, and the
   * pool may open a replacement there for a waiting caller, within the handshake timeout (half the store's). Such a
   * call takes up to 1.5 times its timeout (3 s), never twice or more (4 s): the 1 s between is a busy machine's.
   */
  @Test
  void aHungClusterCostsEveryCallAtMostOneAndAHalfTimeouts() throws Exception {
    try (OwnedRedis cluster = OwnedRedis.cluster(3);
        RedisSessionStore store =
            RedisSessionStore.builder()
                .cluster(java.util.Set.copyOf(cluster.nodes()))
                .timeout(Duration.ofSeconds(2))
                .maxConnections(8)
                .build();
        RedisSessionStore waiting =
            RedisSessionStore.builder()
                .cluster(java.util.Set.copyOf(cluster.nodes()))
                .waitForReplicas(1, Duration.ofMillis(100))
                .timeout(Duration.ofMillis(500))
                .build()) {
      // The WAITs reach the masters (which have no replica here): every kind of revocation says so.
      SessionRegistry durable = SessionRegistry.builder().store(waiting).build();
      String user = Ids.newId();
      IssuedSession issued = durable.create(user);
      for (Runnable revocation :
          List.<Runnable>of(
              () -> durable.revoke(user, issued.session().id()),
              () -> durable.revokeAll(user),
              () -> durable.revokeAllExcept(user, Ids.newId()),
              () -> {
                durable.create(Ids.newId()); // something for revoke-everyone to find
                durable.revokeEveryone();
              })) {
        assertThatThrownBy(revocation::run)
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageContaining(
                "only 0 of the 1 replicas required acknowledged it within 100 ms");
      }
      assertThat(durable.authenticate(issued.token())).isEmpty();
      assertEveryCallBoundedOnce(cluster, store, 2_000 * 2);
    }
  }

  private static void assertEveryCallBoundedOnce(
      OwnedRedis server, RedisSessionStore store, long boundMillis) throws Exception {
    SessionRegistry registry = SessionRegistry.builder().store(store).build();
    List<IssuedSession> issued = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      issued.add(registry.create(Ids.newId()));
    }
    server.pause();
    java.util.concurrent.ExecutorService callers =
        java.util.concurrent.Executors.newFixedThreadPool(32);
    try {
      List<java.util.concurrent.Future<Long>> calls = new java.util.ArrayList<>();
      for (int i = 0; i < 32; i++) {
        IssuedSession s = issued.get(i % issued.size());
        int kind = i % 4;
        calls.add(
            callers.submit(
                () -> {
                  long start = System.nanoTime();
                  assertThatThrownBy(
                          () -> {
                            switch (kind) {
                              case 0 -> registry.authenticate(s.token());
                              case 1 -> registry.revoke(s.session().userId(), Ids.newId());
                              case 2 -> registry.list(s.session().userId());
                              default -> registry.create(Ids.newId());
                            }
                          })
                      .isInstanceOf(SessionStoreUnavailableException.class);
                  return (System.nanoTime() - start) / 1_000_000;
                }));
      }
      long slowest = 0;
      for (java.util.concurrent.Future<Long> call : calls) {
        slowest = Math.max(slowest, call.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertThat(slowest).as("the slowest of 32 calls on a hung Redis, ms").isLessThan(boundMillis);
    } finally {
      callers.shutdownNow();
      server.resume();
    }
    assertThat(Eventually.answer(() -> registry.authenticate(issued.get(0).token()))).isPresent();
  }

  /**
   * With waitForReplicas, a revocation returns once the replica has it (read there at once, it is gone), and fails,
   * typed, when the replica cannot acknowledge: without it, the revoke would answer "done" for a revocation a
   * failover could undo.
   */
  @Test
  void revocationsWaitForTheReplicasWhenAsked() throws Exception {
    try (OwnedRedis servers = OwnedRedis.withReplica();
        RedisSessionStore store =
            RedisSessionStore.builder()
                .standalone("127.0.0.1", servers.port())
                .waitForReplicas(1, Duration.ofMillis(300))
                .timeout(Duration.ofSeconds(1))
                .build();
        Jedis replica = new Jedis("127.0.0.1", servers.nodes().get(1).getPort())) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      for (int i = 0; i < 50; i++) {
        String user = Ids.newId();
        IssuedSession one = registry.create(user);
        IssuedSession two = registry.create(user);
        IssuedSession three = registry.create(user);
        assertThat(registry.revoke(user, one.session().id())).isTrue();
        assertThat(replica.zcard(store.key(user)))
            .as("round %d: on the replica when revoke returns", i)
            .isEqualTo(
                2 * 3); // two sessions of three members (header and two parts, the user id in
        // them) are left
        registry.revokeAllExcept(user, three.session().id());
        assertThat(replica.zcard(store.key(user))).isEqualTo(3);
        registry.revokeAll(user);
        assertThat(replica.exists(store.key(user))).as("round %d", i).isFalse();
      }
      String user = Ids.newId();
      registry.create(user);
      registry.create(Ids.newId());
      registry.revokeEveryone();
      assertThat(replica.exists(store.key(user))).isFalse();

      IssuedSession kept = registry.create(user);
      servers.pause(1);
      try {
        assertThatThrownBy(() -> registry.revokeAll(user))
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageContaining(
                "only 0 of the 1 replicas required acknowledged it within 300 ms");
      } finally {
        servers.resume(1);
      }
      assertThat(registry.authenticate(kept.token()))
          .as("revoked on the master all the same")
          .isEmpty();
    }
  }

  @Test
  void badSettingsAreRefusedByName() {
    assertThatThrownBy(() -> RedisSessionStore.builder().namespace("a{b}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must be 1 to 64 characters without braces, was \"a{b}\"");
    assertThatThrownBy(() -> RedisSessionStore.builder().standalone("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 1 to 65535, was 0");
    assertThatThrownBy(() -> RedisSessionStore.builder().cluster(java.util.Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodes must name at least one cluster node");
    assertThatThrownBy(
            () -> RedisSessionStore.builder().waitForReplicas(-1, Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replicas must be 0 to 100, was -1");
    assertThatThrownBy(
            () ->
                RedisSessionStore.builder()
                    .standalone("127.0.0.1", 6379)
                    .waitForReplicas(1, Duration.ofSeconds(2))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "waitForReplicas' timeout (PT2S) must be shorter than the store's timeout (PT2S)");
    assertThatThrownBy(() -> RedisSessionStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("give one of client(...), standalone(...) or cluster(...)");
  }
}
