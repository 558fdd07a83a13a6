package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sessionregistry.BadCursorException;
import org.sessionregistry.Ids;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionPage;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.testing.MutableClock;

/**
 * What the Redis walk adds to the contract's: the count is cached (a walk per {@code countCacheTime}, never per call),
 * and on a Cluster a walk's cursors move from master to master, covering all of them.
 */
class RedisWalkTest {

  @Test
  void theCountIsAWalkKeptForTheCacheTime() {
    String namespace = SharedRedis.freshNamespace();
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (RedisSessionStore store =
        RedisSessionStore.builder()
            .client(SharedRedis.client(), "the tests' Redis")
            .namespace(namespace)
            .clock(clock)
            .countCacheTime(Duration.ofSeconds(60))
            .build()) {
      SessionRegistry registry = SessionRegistry.builder().store(store).clock(clock).build();
      for (int i = 0; i < 5; i++) {
        registry.create(Ids.newId());
      }
      SessionCount first = registry.count();
      assertThat(first.count()).isEqualTo(5);
      assertThat(first.exact()).isFalse();

      registry.create(Ids.newId());
      clock.advance(Duration.ofSeconds(59));
      assertThat(registry.count()).as("within the cache time: the same count").isEqualTo(first);

      clock.advance(Duration.ofSeconds(1));
      SessionCount second = registry.count();
      assertThat(second.count()).as("past it: walked again").isEqualTo(6);
      assertThat(second.countedAt()).isEqualTo(clock.instant());
    } finally {
      SharedRedis.deleteNamespace(SharedRedis.client(), namespace);
    }
  }

  @Test
  void aWalkOnAClusterCoversEveryMaster() throws Exception {
    var client = SharedCluster.client();
    try (RedisSessionStore store =
        RedisSessionStore.builder().client(client, "the test's Redis Cluster").build()) {
      SessionRegistry registry = SessionRegistry.builder().store(store).build();
      Set<String> created = new HashSet<>();
      for (int i = 0; i < 60; i++) {
        created.add(registry.create(Ids.newId()).session().id());
      }
      Set<String> seen = new HashSet<>();
      Set<String> slots = new HashSet<>();
      String cursor = "";
      do {
        SessionPage page = registry.listAll(cursor, 5);
        page.sessions().forEach(s -> seen.add(s.id()));
        cursor = page.nextCursor();
        if (!cursor.isEmpty()) {
          slots.add(cursor.substring(0, cursor.indexOf('-')));
        }
      } while (!cursor.isEmpty());
      assertThat(seen).containsAll(created);
      assertThat(slots).as("the masters a walk went through, by their lowest slot").hasSize(3);
      for (String bad : List.of("16384-0", "0-18446744073709551616", "-1", "0-", "1-2-3")) {
        assertThatThrownBy(() -> registry.listAll(bad, 5)).isInstanceOf(BadCursorException.class);
      }
    }
  }
}
