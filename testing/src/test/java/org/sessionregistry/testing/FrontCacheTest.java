package org.sessionregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.cache.InProcessInvalidationChannel;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.Invalidation;
import org.sessionregistry.spi.InvalidationChannel;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/** Several nodes, each with its own front cache, over one shared store. */
class FrontCacheTest {
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final InMemorySessionStore shared = InMemorySessionStore.builder().clock(clock).build();
  private final CountingStore counting = new CountingStore(shared);
  private final InProcessInvalidationChannel channel = InProcessInvalidationChannel.create();

  private SessionRegistry node(SessionStore store, InvalidationChannel channel) {
    return SessionRegistry.builder()
        .clock(clock)
        .store(
            FrontCache.builder()
                .maximumStaleness(Duration.ofSeconds(30))
                .channel(channel)
                .clock(clock)
                .ticker(this.clock::nanoTime)
                .build()
                .over(store))
        .build();
  }

  @Test
  void aCacheHitCostsNoStoreRoundTrip() {
    SessionRegistry a = node(counting, channel);
    IssuedSession issued = a.create(Ids.newId());
    counting.finds.set(0);

    for (int i = 0; i < 10; i++) {
      assertThat(a.authenticate(issued.token())).isPresent();
    }
    assertThat(counting.finds).as("the creation filled the cache").hasValue(0);
  }

  @Test
  void aRevokeAllOnOneNodeIsRefusedOnTheOthersWhenItReturns() {
    SessionRegistry a = node(shared, channel);
    SessionRegistry b = node(shared, channel);
    String user = Ids.newId();
    List<IssuedSession> sessions = List.of(a.create(user), a.create(user));
    for (IssuedSession s : sessions) {
      assertThat(b.authenticate(s.token())).as("cached on B").isPresent();
    }

    a.revokeAll(user);
    for (IssuedSession s : sessions) {
      assertThat(b.authenticate(s.token())).isEmpty();
      assertThat(a.authenticate(s.token())).isEmpty();
    }
  }

  @Test
  void aRevokeOfEveryoneOnOneNodeIsRefusedOnTheOthersWhenItReturns() {
    SessionRegistry a = node(shared, channel);
    SessionRegistry b = node(shared, channel);
    List<IssuedSession> sessions = List.of(a.create(Ids.newId()), a.create(Ids.newId()));
    sessions.forEach(s -> assertThat(b.authenticate(s.token())).as("cached on B").isPresent());

    a.revokeEveryone();
    for (IssuedSession s : sessions) {
      assertThat(b.authenticate(s.token())).isEmpty();
      assertThat(a.authenticate(s.token())).isEmpty();
    }
    IssuedSession after = a.create(Ids.newId());
    assertThat(b.authenticate(after.token())).as("a session made after it").isPresent();
  }

  /**
   * B's cached copy of a session is older than the extension A wrote with the user's activity: past the copy's expiry
   * B reads the session again, and neither refuses nor removes it. The ticker stands still, so the staleness bound
   * never retires the copy: only the expiry check can.
   */
  @Test
  void aCopyPastItsExpiryIsReadAgainAndTheExtensionHonoured() {
    AtomicLong ticks = new AtomicLong();
    SessionRegistry a = extendingNode(ticks);
    SessionRegistry b = extendingNode(ticks);
    String user = Ids.newId();
    IssuedSession issued = a.create(user);
    clock.advance(Duration.ofDays(20));
    assertThat(b.authenticate(issued.token()))
        .as("cached on B, with the expiry of its creation")
        .isPresent();
    Session extended = a.touch(a.authenticate(issued.token()).orElseThrow()).orElseThrow();
    assertThat(extended.expiresAt()).isAfter(issued.session().expiresAt());

    clock.set(issued.session().expiresAt().plusMillis(1));
    assertThat(b.authenticate(issued.token()))
        .as("read again on B")
        .map(Session::expiresAt)
        .contains(extended.expiresAt());
    assertThat(a.authenticate(issued.token())).isPresent();
    assertThat(b.list(user)).hasSize(1);
  }

  private SessionRegistry extendingNode(AtomicLong ticks) {
    return SessionRegistry.builder()
        .clock(clock)
        .extendWithActivity(true)
        .store(
            FrontCache.builder()
                .maximumStaleness(Duration.ofSeconds(30))
                .channel(channel)
                .clock(clock)
                .ticker(ticks::get)
                .build()
                .over(shared))
        .build();
  }

  /** The race Mattermost loses: B read the session before A's revoke, and fills its cache after it. */
  @Test
  void aLoadInFlightDuringARevokeIsNeverServedAfterIt() throws Exception {
    PausingStore pausing = new PausingStore(shared);
    SessionRegistry a = node(shared, channel);
    SessionRegistry b = node(pausing, channel);
    String user = Ids.newId();
    IssuedSession issued = a.create(user);

    pausing.pauseNextRead();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Optional<Session>> inFlight = pool.submit(() -> b.authenticate(issued.token()));
      pausing.readDone.await(10, TimeUnit.SECONDS); // B has read the live session from the store
      a.revokeAll(user);
      pausing.resume.countDown(); // ... and now fills its cache with it
      assertThat(inFlight.get(10, TimeUnit.SECONDS))
          .as("the request in flight itself began before")
          .isPresent();
    } finally {
      pool.shutdownNow();
    }
    assertThat(b.authenticate(issued.token())).as("never again after the revoke").isEmpty();
    assertThat(b.list(user)).isEmpty();
  }

  /** Many rounds of loads in flight on B while A revokes: once A's revoke-all returns, B accepts none. */
  @Test
  void racingLoadsAndRevokesLeaveNoSurvivor() throws Exception {
    SessionRegistry a = node(shared, channel);
    SessionRegistry b = node(shared, channel);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; round < 300; round++) {
        String user = Ids.newId();
        List<IssuedSession> sessions = List.of(a.create(user), a.create(user), a.create(user));
        AtomicBoolean revoked = new AtomicBoolean();
        AtomicInteger survivors = new AtomicInteger();
        CyclicBarrier go = new CyclicBarrier(3);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          tasks.add(
              pool.submit(
                  () -> {
                    go.await();
                    for (int i = 0; i < 50; i++) {
                      boolean after = revoked.get();
                      for (IssuedSession s : sessions) {
                        if (b.authenticate(s.token()).isPresent() && after) {
                          survivors.incrementAndGet();
                        }
                      }
                    }
                    return null;
                  }));
        }
        tasks.add(
            pool.submit(
                () -> {
                  go.await();
                  a.revokeAll(user);
                  revoked.set(true);
                  return null;
                }));
        for (Future<?> f : tasks) {
          f.get(30, TimeUnit.SECONDS);
        }
        assertThat(survivors)
            .as("round %d: accepted on B after A's revoke-all returned", round)
            .hasValue(0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A lost message costs at most the maximum staleness. */
  @Test
  void withoutAnyMessageACachedSessionIsTrustedNoLongerThanTheMaximumStaleness() {
    InvalidationChannel deaf = new ControlledChannel(true);
    SessionRegistry a = node(shared, channel);
    SessionRegistry b = node(shared, deaf);
    String user = Ids.newId();
    IssuedSession issued = a.create(user);
    assertThat(b.authenticate(issued.token())).isPresent();

    a.revokeAll(user);
    clock.advance(Duration.ofSeconds(30).minusMillis(1));
    assertThat(b.authenticate(issued.token())).as("still cached, within the bound").isPresent();
    clock.advance(Duration.ofMillis(1));
    assertThat(b.authenticate(issued.token())).isEmpty();
  }

  /**
   * The bound is kept by the ticker, not the wall clock: stepped back 20 s after B cached a session (NTP, a VM
   * resumed), B's wall clock would make it look freshly read for 20 s more. Aged by the wall clock, this failed.
   */
  @Test
  void aWallClockSteppedBackDoesNotStretchTheMaximumStaleness() {
    SessionRegistry a = node(shared, channel);
    SessionRegistry b = node(shared, new ControlledChannel(true));
    String user = Ids.newId();
    IssuedSession issued = a.create(user);
    assertThat(b.authenticate(issued.token())).isPresent();

    a.revokeAll(user); // B never hears of it
    clock.step(Duration.ofSeconds(-20));
    clock.advance(Duration.ofSeconds(30));
    assertThat(b.authenticate(issued.token()))
        .as("30 s have passed, whatever the wall clock says")
        .isEmpty();
  }

  /**
   * What reaches the channel (and, on JDBC, a table) names users and sessions by digests: neither the ids nor a
   * token passed by mistake as a session id (an in-memory token has an id's shape). A revoke that found nothing
   * publishes nothing at all.
   */
  @Test
  void whatIsPublishedNamesIdsByDigestAndARevokeOfNothingPublishesNothing() {
    ControlledChannel recording = new ControlledChannel(true);
    SessionRegistry a = node(shared, recording);
    String user = Ids.newId();
    IssuedSession issued = a.create(user);
    IssuedSession other = a.create(user);
    assertThat(a.revoke(user, issued.token())).as("no session has the token as its id").isFalse();
    assertThat(a.revoke(user, Ids.newId())).isFalse();
    assertThat(recording.published).as("revokes that found nothing").isEmpty();

    assertThat(a.revoke(user, other.session().id())).isTrue();
    a.revokeAll(user);
    assertThat(recording.published)
        .containsExactly(
            Invalidation.session(other.session().id()).toText(), Invalidation.user(user).toText());
    assertThat(String.join(" ", recording.published))
        .doesNotContain(other.session().id())
        .doesNotContain(user)
        .doesNotContain(issued.token());
    assertThat(a.authenticate(issued.token())).isEmpty();
  }

  /**
   * One logged-in user cannot switch off everyone's caching: revokes of made-up ids publish nothing, and a user's many
   * revokes of its own sessions collapse into one tombstone for that user. Another user's cached session is still
   * served from the cache on both nodes, with no store read.
   */
  @Test
  void aFloodOfRevokesByOneUserLeavesOtherUsersCached() {
    ControlledChannel recording = new ControlledChannel(true);
    InProcessInvalidationChannel both = InProcessInvalidationChannel.create();
    CountingStore countedA = new CountingStore(shared);
    CountingStore countedB = new CountingStore(shared);
    SessionRegistry a =
        SessionRegistry.builder()
            .clock(clock)
            .store(
                FrontCache.builder()
                    .channel(both)
                    .clock(clock)
                    .ticker(clock::nanoTime)
                    .build()
                    .over(countedA))
            .build();
    SessionRegistry b =
        SessionRegistry.builder()
            .clock(clock)
            .store(
                FrontCache.builder()
                    .channel(both)
                    .clock(clock)
                    .ticker(clock::nanoTime)
                    .build()
                    .over(countedB))
            .build();
    SessionRegistry counting = node(shared, recording);
    String victim = Ids.newId();
    IssuedSession kept = a.create(victim);
    assertThat(a.authenticate(kept.token())).isPresent();
    assertThat(b.authenticate(kept.token())).isPresent();

    String attacker = Ids.newId();
    for (int i = 0; i < 20_000; i++) {
      a.revoke(attacker, Ids.newId());
      counting.revoke(attacker, Ids.newId());
    }
    assertThat(recording.published).as("published for revokes of nothing").isEmpty();
    List<IssuedSession> own = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      own.add(a.create(attacker));
    }
    for (IssuedSession s : own) {
      counting.revoke(attacker, s.session().id());
    }
    assertThat(recording.published.stream().filter(t -> t.startsWith("s:")).count())
        .as("session tombstones of one user")
        .isEqualTo(16);
    assertThat(recording.published)
        .hasSize(200)
        .last()
        .isEqualTo(Invalidation.user(attacker).toText());

    countedA.finds.set(0);
    countedB.finds.set(0);
    assertThat(a.authenticate(kept.token())).isPresent();
    assertThat(b.authenticate(kept.token())).isPresent();
    assertThat(countedA.finds.get() + countedB.finds.get())
        .as("store reads for the other user")
        .isZero();
  }

  @Test
  void whileTheChannelIsDownTheCacheIsFlushedAndBypassed() {
    ControlledChannel flaky = new ControlledChannel(true);
    SessionRegistry b = node(counting, flaky);
    IssuedSession issued = b.create(Ids.newId());
    counting.finds.set(0);
    assertThat(b.authenticate(issued.token())).isPresent();
    assertThat(counting.finds).hasValue(0);

    flaky.listener.get().disconnected();
    shared.deleteAllOfUser(issued.session().userId(), null); // a revoke whose message is lost
    assertThat(b.authenticate(issued.token())).as("nothing cached is trusted").isEmpty();
    IssuedSession fresh = b.create(Ids.newId());
    counting.finds.set(0);
    b.authenticate(fresh.token());
    b.authenticate(fresh.token());
    assertThat(counting.finds).as("bypassed: every call reads the store").hasValue(2);

    flaky.listener.get().connected();
    counting.finds.set(0);
    b.authenticate(fresh.token());
    b.authenticate(fresh.token());
    assertThat(counting.finds).as("cached again once connected").hasValue(1);
  }

  /** A store that pauses one read after it has read, until released. */
  private static final class PausingStore extends CountingStore {
    final CountDownLatch readDone = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    private final AtomicBoolean pause = new AtomicBoolean();

    PausingStore(SessionStore delegate) {
      super(delegate);
    }

    void pauseNextRead() {
      pause.set(true);
    }

    @Override
    public Optional<Session> findByToken(TokenHash tokenHash) {
      Optional<Session> found = super.findByToken(tokenHash);
      if (pause.compareAndSet(true, false)) {
        readDone.countDown();
        try {
          resume.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return found;
    }
  }

  /** A channel the test connects and disconnects; it delivers nothing. */
  private static final class ControlledChannel implements InvalidationChannel {
    final AtomicReference<Listener> listener = new AtomicReference<>();
    private final boolean connectAtOnce;

    ControlledChannel(boolean connectAtOnce) {
      this.connectAtOnce = connectAtOnce;
    }

    final List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void publish(Invalidation invalidation) {
      published.add(invalidation.toText());
    }

    @Override
    public Subscription subscribe(Listener l) {
      listener.set(l);
      if (connectAtOnce) {
        l.connected();
      }
      return () -> {};
    }
  }

  /** Counts the reads by token that reach the store. */
  private static class CountingStore extends ForwardingSessionStore {
    final AtomicInteger finds = new AtomicInteger();

    CountingStore(SessionStore delegate) {
      super(delegate);
    }

    @Override
    public Optional<Session> findByToken(TokenHash tokenHash) {
      finds.incrementAndGet();
      return super.findByToken(tokenHash);
    }
  }
}
