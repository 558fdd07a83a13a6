package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.Ids;
import org.sessionregistry.testing.Eventually;
import redis.clients.jedis.Jedis;

/** Redis failing under the store: typed errors, never "valid", and recovery without a restart of the store. */
class RedisFailureTest {

  @Test
  void redisDownIsATypedErrorAndTheClientReconnectsWhenItIsBack() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisSessionStore store = RedisSessionStore.builder().standalone("127.0.0.1", server.port())
            .timeout(Duration.ofMillis(500)).build()) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      String user = Ids.newId();
      IssuedSession issued = registry.create(user);

      server.stop();

      for (Runnable call : List.<Runnable>of(
          () -> registry.authenticate(issued.token()),
          () -> registry.list(user),
          () -> registry.create(user),
          () -> registry.revokeAll(user))) {
        assertThatThrownBy(call::run)
            .isInstanceOf(SessionStoreUnavailableException.class)
            .hasMessageStartingWith("Redis session store (redis://127.0.0.1:" + server.port() + ", namespace sr)"
                + " is unavailable, could not ")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain(issued.token()));
      }

      server.restart();

      // The restarted Redis kept nothing (no persistence here): the old token is unknown, never valid again.
      assertThat(Eventually.answer(() -> registry.authenticate(issued.token()))).isEmpty();
      IssuedSession fresh = registry.create(user);
      assertThat(registry.authenticate(fresh.token())).isPresent();
      registry.revokeAll(user);
      assertThat(registry.authenticate(fresh.token())).isEmpty();
    }
  }

  @Test
  void aRedisThatDoesNotAnswerInTimeIsATypedError() throws Exception {
    try (OwnedRedis server = OwnedRedis.standalone();
        RedisSessionStore store = RedisSessionStore.builder().standalone("127.0.0.1", server.port())
            .timeout(Duration.ofMillis(300)).build();
        Jedis admin = new Jedis("127.0.0.1", server.port())) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      IssuedSession issued = registry.create(Ids.newId());

      admin.clientPause(1500);
      assertThatThrownBy(() -> registry.authenticate(issued.token()))
          .isInstanceOf(SessionStoreUnavailableException.class)
          .hasMessageContaining("is unavailable, could not authenticate a token");

      assertThat(Eventually.answer(() -> registry.authenticate(issued.token()))).isPresent();
    }
  }

  @Test
  void badSettingsAreRefusedByName() {
    assertThatThrownBy(() -> RedisSessionStore.builder().namespace("a{b}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must be 1 to 64 characters without braces, was \"a{b}\"");
    assertThatThrownBy(() -> RedisSessionStore.builder().standalone("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("port must be 1 to 65535, was 0");
    assertThatThrownBy(() -> RedisSessionStore.builder().cluster(java.util.Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("nodes must name at least one cluster node");
    assertThatThrownBy(() -> RedisSessionStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("give one of client(...), standalone(...) or cluster(...)");
  }

}
