package org.sessionregistry.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.Ids;

/** What only the in-memory store has: its bound, and its footprint. Its behaviour is the contract suite's. */
class InMemorySessionStoreTest {

  @Test
  void staysWithinItsMaximumSizeAndItsUserIndexFollows() {
    InMemorySessionStore store = InMemorySessionStore.builder().maximumSize(100).build();
    SessionRegistry registry = SessionRegistry.builder().store(store).build();
    List<String> users = new ArrayList<>();
    List<IssuedSession> issued = new ArrayList<>();
    for (int u = 0; u < 20; u++) {
      String user = Ids.newId();
      users.add(user);
      for (int i = 0; i < 10; i++) {
        issued.add(registry.create(user));
      }
    }
    store.purgeExpired(java.time.Instant.now(), 1); // runs Caffeine's pending maintenance

    long listed = users.stream().mapToLong(u -> registry.list(u).size()).sum();
    long authenticated = issued.stream().filter(i -> registry.authenticate(i.token()).isPresent()).count();
    assertThat(store.estimatedSize()).isLessThanOrEqualTo(100);
    assertThat(listed).as("the user index lists exactly the sessions held").isEqualTo(authenticated);
    assertThat(authenticated).isEqualTo(store.estimatedSize());
  }

  /** Revoke-all only closes the user; the revoked entries leave the cache with the next create, or at purge. */
  @Test
  void revokedEntriesLeaveTheCacheWithTheNextWrite() {
    InMemorySessionStore store = InMemorySessionStore.create();
    SessionRegistry registry = SessionRegistry.builder().store(store).build();
    String user = Ids.newId();
    List<IssuedSession> sessions = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sessions.add(registry.create(user));
    }
    store.purgeExpired(java.time.Instant.now(), 1);
    assertThat(store.estimatedSize()).isEqualTo(100);

    registry.revokeAll(user);
    assertThat(sessions).allSatisfy(s -> assertThat(registry.authenticate(s.token())).isEmpty());
    registry.create(Ids.newId());
    store.purgeExpired(java.time.Instant.now(), 1); // Caffeine's pending maintenance
    assertThat(store.estimatedSize()).as("the next create unlinked the revoked entries").isEqualTo(1);

    String other = Ids.newId();
    for (int i = 0; i < 10; i++) {
      registry.create(other);
    }
    registry.revokeAll(other);
    store.purgeExpired(java.time.Instant.now(), 1);
    assertThat(store.estimatedSize()).as("or purgeExpired did").isEqualTo(1);
  }

  @Test
  void refusesBadSettingsByName() {
    assertThatThrownBy(() -> InMemorySessionStore.builder().maximumSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maximumSize must be at least 1, was 0");
    assertThatThrownBy(() -> InMemorySessionStore.builder().clock(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("clock must not be null");
  }

  /**
   * Heap per session, measured over 100,000 sessions without props: one session for each of 25,000 users and
   * three more for each of 25,000 others (the per-user index costs most with one session per user). Target: 600.
   */
  @Test
  void holdsASessionInUnder600Bytes() throws Exception {
    int sessions = 100_000;
    InMemorySessionStore store = InMemorySessionStore.builder().maximumSize(1_000_000).build();
    SessionRegistry registry = SessionRegistry.builder().store(store).idleTimeout(Duration.ofHours(8)).build();
    long before = usedHeapAfterGc();
    int created = 0;
    while (created < sessions) {
      String user = Ids.newId();
      int n = created < sessions / 4 ? 1 : 3;
      for (int i = 0; i < n && created < sessions; i++, created++) {
        registry.create(user);
      }
    }
    long after = usedHeapAfterGc();
    double perSession = (after - before) / (double) sessions;
    System.out.printf("in-memory store: %.0f bytes per session over %,d sessions%n", perSession, sessions);

    assertThat(store.estimatedSize()).isEqualTo(sessions);
    assertThat(perSession).isLessThan(600);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
