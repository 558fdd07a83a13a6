package org.sessionregistry.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.RevocationReason;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionListener;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.spi.TokenHash;

/**
 * What only the in-memory store has: its bound, its retention queue, and its footprint. Its behaviour is the contract
 * suite's.
 */
class InMemorySessionStoreTest {
  private final TestClock clock = new TestClock();
  private final List<String> expired = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<String> revoked = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final SessionListener events =
      new SessionListener() {
        @Override
        public void sessionRevoked(Session session, RevocationReason reason) {
          (reason == RevocationReason.EXPIRED ? expired : revoked).add(session.id());
        }
      };

  private SessionRegistry registry(InMemorySessionStore store) {
    return SessionRegistry.builder()
        .store(store)
        .clock(clock)
        .idleTimeout(Duration.ofMinutes(1))
        .touchInterval(Duration.ZERO)
        .listener(events)
        .build();
  }

  /**
   * The index a walk seeks in is built at the first walk, while creates and revokes go on: every session created
   * before, during or after the build and still live is walked, and none revoked is.
   */
  @Test
  void theIndexBuiltAtTheFirstWalkMissesNoLiveSessionAndKeepsNoRevokedOne() throws Exception {
    for (int round = 0; round < 20; round++) {
      InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).build();
      SessionRegistry registry = registry(store);
      Map<String, String> live = new ConcurrentHashMap<>(); // session id to user id
      Set<String> ended = ConcurrentHashMap.newKeySet();
      java.util.concurrent.atomic.AtomicBoolean stop =
          new java.util.concurrent.atomic.AtomicBoolean();
      CountDownLatch busy = new CountDownLatch(2);
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread w =
            new Thread(
                () -> {
                  for (int i = 0; !stop.get() || i < 200; i++) {
                    String user = Ids.newId();
                    Session s = registry.create(user).session();
                    live.put(s.id(), user);
                    if (i % 3 == 0) {
                      registry.revoke(user, s.id());
                      live.remove(s.id());
                      ended.add(s.id());
                    }
                    if (i == 100) {
                      busy.countDown();
                    }
                  }
                });
        writers.add(w);
        w.start();
      }
      busy.await();
      registry.listAll("", 10); // the first walk: builds the index while both writers run
      stop.set(true);
      for (Thread w : writers) {
        w.join();
      }

      Set<String> walked = new java.util.HashSet<>();
      String cursor = "";
      do {
        var page = registry.listAll(cursor, 500);
        page.sessions().forEach(s -> walked.add(s.id()));
        cursor = page.nextCursor();
      } while (!cursor.isEmpty());
      assertThat(walked).as("round " + round).containsAll(live.keySet());
      assertThat(walked).as("round " + round).doesNotContainAnyElementsOf(ended);
      assertThat(registry.count().count()).isEqualTo(live.size());
    }
  }

  /** Expiry is found in the retention queue, never by a scan; a touch files the session again instead. */
  @Test
  void purgeFindsExpiredSessionsAndLeavesTouchedOnes() {
    InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).build();
    SessionRegistry registry = registry(store);
    String user = Ids.newId();
    IssuedSession a = registry.create(user);
    IssuedSession b = registry.create(user);
    IssuedSession c = registry.create(user);
    clock.advance(Duration.ofSeconds(40));
    registry.touch(registry.authenticate(b.token()).orElseThrow());
    clock.advance(Duration.ofSeconds(30)); // a and c idle for 70 s, b for 30

    while (registry.purgeExpired(1000) > 0) {
      continue;
    }
    assertThat(expired).containsExactlyInAnyOrder(a.session().id(), c.session().id());
    assertThat(store.estimatedSize()).isEqualTo(1);
    assertThat(store.queued()).as("the touched session was filed again").isEqualTo(1);
    assertThat(registry.authenticate(b.token())).isPresent();

    clock.advance(Duration.ofSeconds(30)); // b's retain-until: still valid
    assertThat(registry.purgeExpired(1000)).isZero();
    clock.advance(
        Duration.ofMillis(1025)); // its bucket of 1,024 ms has ended: about a second late at most
    assertThat(registry.purgeExpired(1000)).isEqualTo(1);
    assertThat(expired)
        .containsExactlyInAnyOrder(a.session().id(), c.session().id(), b.session().id());
    assertThat(store.estimatedSize()).isZero();
    assertThat(store.queued()).isZero();
    assertThat(store.findByUser(user)).isEmpty();
  }

  /** Memory stays bounded by time even when nobody purges: each create drops a few expired sessions on its way. */
  @Test
  void createsLetExpiredSessionsGoWhenNobodyPurges() {
    InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).build();
    SessionRegistry registry = registry(store);
    for (int i = 0; i < 100; i++) {
      registry.create(Ids.newId());
    }
    clock.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 25; i++) {
      registry.create(Ids.newId());
    }
    assertThat(store.estimatedSize()).isEqualTo(25);
    assertThat(store.queued()).isEqualTo(25);
    assertThat(expired).as("reported at the next purge").isEmpty();
    assertThat(registry.purgeExpired(1000)).isEqualTo(100);
    assertThat(expired).hasSize(100).doesNotHaveDuplicates();
  }

  /** Full, the store evicts the session nearest its retain-until, unreported; a touched session counts as fresh. */
  @Test
  void aFullStoreEvictsTheSessionsNearestTheirRetainUntil() {
    InMemorySessionStore store =
        InMemorySessionStore.builder().clock(clock).maximumSize(10).build();
    SessionRegistry registry = registry(store);
    List<IssuedSession> sessions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sessions.add(registry.create(Ids.newId()));
      clock.advance(Duration.ofSeconds(2)); // a bucket each
    }
    registry.touch(registry.authenticate(sessions.get(0).token()).orElseThrow());

    IssuedSession eleventh = registry.create(Ids.newId());
    IssuedSession twelfth = registry.create(Ids.newId());

    assertThat(store.estimatedSize()).isEqualTo(10);
    assertThat(store.queued()).isEqualTo(10);
    assertThat(registry.authenticate(sessions.get(1).token())).as("the idlest").isEmpty();
    assertThat(registry.authenticate(sessions.get(2).token())).as("the next idlest").isEmpty();
    assertThat(registry.authenticate(sessions.get(0).token())).as("touched").isPresent();
    assertThat(sessions.subList(3, 10))
        .allSatisfy(s -> assertThat(registry.authenticate(s.token())).isPresent());
    assertThat(registry.authenticate(eleventh.token())).isPresent();
    assertThat(registry.authenticate(twelfth.token())).isPresent();
    assertThat(store.findByUser(sessions.get(1).session().userId())).isEmpty();
    assertThat(expired).isEmpty();
    assertThat(revoked).as("eviction is not a revocation").isEmpty();
  }

  /** Evicting expired sessions first: a full store reports them as expired rather than logging out a live user. */
  @Test
  void aFullStoreEvictsExpiredSessionsAsExpired() {
    InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).maximumSize(3).build();
    SessionRegistry registry = registry(store);
    IssuedSession old = registry.create(Ids.newId());
    clock.advance(Duration.ofSeconds(50));
    IssuedSession b = registry.create(Ids.newId());
    IssuedSession c = registry.create(Ids.newId());
    clock.advance(
        Duration.ofSeconds(
            30)); // old is past its retain-until (whose bucket is not due before 61.024 s)
    IssuedSession d = registry.create(Ids.newId());

    assertThat(store.estimatedSize()).isEqualTo(3);
    assertThat(registry.purgeExpired(10)).isEqualTo(1);
    assertThat(expired).containsExactly(old.session().id());
    assertThat(List.of(b, c, d))
        .allSatisfy(s -> assertThat(registry.authenticate(s.token())).isPresent());
  }

  /** Straight through the SPI, with instants of the test's choosing. */
  private Session insert(
      InMemorySessionStore store,
      String user,
      Instant retainUntil,
      SessionLimit limit,
      TokenHash hash) {
    Instant now = clock.instant();
    Session s =
        new Session(
            hash.sessionId(), user, now, now.plus(Duration.ofDays(1)), now, "", Set.of(), Map.of());
    store.insert(s, hash, retainUntil, limit, false);
    return s;
  }

  @Test
  @org.junit.jupiter.api.Timeout(10)
  void aPurgeAtTheEndOfTimeEnds() {
    InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).build();
    Session forever =
        insert(
            store, Ids.newId(), Instant.MAX, SessionLimit.unlimited(), TokenHash.of(Ids.newId()));
    assertThat(store.purgeExpired(Instant.MAX, 10))
        .isEmpty(); // its bucket ends at the end of time, and is due
    assertThat(store.findByUser(forever.userId())).containsExactly(forever);
  }

  /** The create itself is never what makes room, even when it is the session nearest its retain-until. */
  @Test
  void aFullStoreNeverEvictsTheSessionBeingCreated() {
    InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).maximumSize(2).build();
    Instant later = clock.instant().plus(Duration.ofHours(1));
    insert(store, Ids.newId(), later, SessionLimit.unlimited(), TokenHash.of(Ids.newId()));
    insert(store, Ids.newId(), later, SessionLimit.unlimited(), TokenHash.of(Ids.newId()));
    TokenHash soonest = TokenHash.of(Ids.newId());
    insert(store, Ids.newId(), clock.instant().plusSeconds(10), SessionLimit.unlimited(), soonest);

    assertThat(store.findByToken(soonest)).isPresent();
    assertThat(store.estimatedSize()).isEqualTo(2);
  }

  /** A create refused for its token hash ends nobody, even when the user's limit would have made room. */
  @Test
  void aDuplicateTokenHashUnderALimitEndsNobody() {
    InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).build();
    TokenHash taken = TokenHash.of(Ids.newId());
    insert(store, Ids.newId(), clock.instant().plusSeconds(60), SessionLimit.unlimited(), taken);
    String user = Ids.newId();
    SessionLimit one = new SessionLimit(1, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE);
    Session existing =
        insert(store, user, clock.instant().plusSeconds(60), one, TokenHash.of(Ids.newId()));

    Instant now = clock.instant();
    Session clash =
        new Session(Ids.newId(), user, now, now.plusSeconds(60), now, "", Set.of(), Map.of());
    assertThatThrownBy(() -> store.insert(clash, taken, now.plusSeconds(60), one, false))
        .isInstanceOf(SessionStoreException.class)
        .hasMessageContaining("token hash");
    assertThat(store.findByUser(user)).containsExactly(existing);
  }

  @Test
  void deletedAndRevokedSessionsLeaveTheRetentionQueue() {
    InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).build();
    SessionRegistry registry = registry(store);
    List<IssuedSession> singles = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      singles.add(registry.create(Ids.newId()));
    }
    String many = Ids.newId();
    for (int i = 0; i < 20; i++) {
      registry.create(many);
    }
    for (IssuedSession s : singles.subList(0, 10)) {
      registry.logout(s.session());
    }
    registry.revokeAll(many);
    registry.create(Ids.newId()); // unlinks the revoke-all's entries

    assertThat(store.estimatedSize()).isEqualTo(21);
    assertThat(store.queued()).isEqualTo(21);
    store.deleteEveryone();
    assertThat(store.estimatedSize()).isZero();
    assertThat(store.queued()).isZero();
  }

  /**
   * Creates, touches, deletes, revoke-alls, purges and evictions from four threads while time runs: afterwards the
   * token map, the user index and the retention queue hold the same sessions, and nothing removed came back.
   */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void concurrentWritesKeepTheMapTheUserIndexAndTheQueueInStep() throws Exception {
    InMemorySessionStore store =
        InMemorySessionStore.builder().clock(clock).maximumSize(300).build();
    SessionRegistry registry = registry(store);
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 6; i++) { // few users: their creates, revokes and revoke-alls meet
      users.add(Ids.newId());
    }
    Map<String, IssuedSession> issued = new ConcurrentHashMap<>();
    Set<String> removed = ConcurrentHashMap.newKeySet();
    long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                List<IssuedSession> mine = new ArrayList<>();
                try {
                  start.await();
                  while (System.nanoTime() < end) {
                    int op = random.nextInt(100);
                    String user = users.get(random.nextInt(users.size()));
                    if (op < 50 || mine.isEmpty()) {
                      IssuedSession s = registry.create(user);
                      issued.put(s.session().id(), s);
                      mine.add(s);
                    } else if (op < 70) {
                      registry
                          .authenticate(mine.get(random.nextInt(mine.size())).token())
                          .ifPresent(registry::touch);
                    } else if (op < 85) {
                      IssuedSession s = mine.remove(random.nextInt(mine.size()));
                      removed.add(s.session().id()); // before: a reader may see it gone at once
                      registry.revoke(s.session().userId(), s.session().id());
                    } else if (op < 92) {
                      registry.list(user).forEach(s -> removed.add(s.id()));
                      registry.revokeAll(user);
                    } else if (op < 97) {
                      clock.advance(Duration.ofMillis(random.nextInt(1500)));
                    } else {
                      registry.purgeExpired(50);
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
    store.purgeExpired(Instant.MIN, 1); // unlinks what revoke-alls left, expires nothing

    long listed = users.stream().mapToLong(u -> store.findByUser(u).size()).sum();
    assertThat(store.estimatedSize()).isEqualTo(listed).isLessThanOrEqualTo(300);
    assertThat(store.queued()).isEqualTo(listed);
    for (IssuedSession s : issued.values()) {
      boolean found = store.findByToken(TokenHash.of(s.token())).isPresent();
      boolean inIndex =
          store.findByUser(s.session().userId()).stream()
              .anyMatch(x -> x.id().equals(s.session().id()));
      assertThat(found).as("by token and by user agree").isEqualTo(inIndex);
      if (removed.contains(s.session().id())) {
        assertThat(found).as("a removed session stays removed").isFalse();
      }
    }
    assertThat(expired).doesNotHaveDuplicates();

    // Every session still held is in the queue: once all are past their time, purging leaves
    // nothing behind.
    clock.advance(Duration.ofMinutes(2));
    while (registry.purgeExpired(1000) > 0) {
      continue;
    }
    assertThat(store.estimatedSize()).isZero();
    assertThat(store.queued()).isZero();
    assertThat(users).allSatisfy(u -> assertThat(store.findByUser(u)).isEmpty());
    assertThat(expired).doesNotHaveDuplicates();
  }

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
    store.purgeExpired(java.time.Instant.now(), 1);

    long listed = users.stream().mapToLong(u -> registry.list(u).size()).sum();
    long authenticated =
        issued.stream().filter(i -> registry.authenticate(i.token()).isPresent()).count();
    assertThat(store.estimatedSize()).isLessThanOrEqualTo(100);
    assertThat(listed)
        .as("the user index lists exactly the sessions held")
        .isEqualTo(authenticated);
    assertThat(authenticated).isEqualTo(store.estimatedSize());
  }

  /** Revoke-all only closes the user; the revoked entries leave the map with the next create, or at purge. */
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
    store.purgeExpired(java.time.Instant.now(), 1);
    assertThat(store.estimatedSize())
        .as("the next create unlinked the revoked entries")
        .isEqualTo(1);

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
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumSize must be at least 1, was 0");
    assertThatThrownBy(() -> InMemorySessionStore.builder().clock(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clock must not be null");
  }

  /**
   * Heap per session, measured over 100,000 sessions without props: one session for each of 25,000 users and
   * three more for each of 25,000 others (the per-user index costs most with one session per user). Target: 600.
   */
  @Test
  void holdsASessionInUnder600Bytes() throws Exception {
    int sessions = 100_000;
    InMemorySessionStore store = InMemorySessionStore.builder().maximumSize(1_000_000).build();
    SessionRegistry registry =
        SessionRegistry.builder().store(store).idleTimeout(Duration.ofHours(8)).build();
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
    System.out.printf(
        "in-memory store: %.0f bytes per session over %,d sessions%n", perSession, sessions);

    assertThat(store.estimatedSize()).isEqualTo(sessions);
    assertThat(perSession).isLessThan(600);
  }

  /** A clock the test moves; shared by the threads of the stress test. */
  private static final class TestClock extends Clock {
    private final AtomicLong millis =
        new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
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
