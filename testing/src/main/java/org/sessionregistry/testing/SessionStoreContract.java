package org.sessionregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sessionregistry.BadCursorException;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.ListingUnsupportedException;
import org.sessionregistry.NewSession;
import org.sessionregistry.RevocationReason;
import org.sessionregistry.Session;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionListener;
import org.sessionregistry.SessionPage;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * The behaviour every {@link SessionStore} must have, checked through a {@link SessionRegistry} over it and through the
 * SPI directly. A store's test extends this class unchanged and supplies only the store, built on the given clock,
 * and its clean-up:
 *
 * <pre>{@code
 * class MyStoreTest extends SessionStoreContract {
 *   @Override protected SessionStore createStore(Clock clock) { return new MyStore(clock); }
 * }
 * }</pre>
 *
 * <p>Every test uses fresh random user ids, so a store shared between tests (a database) needs no wiping. Time is a
 * {@link MutableClock} the tests move.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class SessionStoreContract {
  protected static final Duration LIFETIME = Duration.ofDays(30);
  protected static final Duration IDLE_TIMEOUT = Duration.ofHours(8);
  protected static final Duration TOUCH_INTERVAL = Duration.ofMinutes(5);

  /** Starts at the real time, whole seconds, so stores that hand instants to a server (TTLs) see sane ones. */
  protected final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  protected final Events events = new Events();
  protected SessionStore store;
  protected SessionRegistry registry;

  /** A store that reads time from {@code clock}; it may hold data of earlier tests. */
  protected abstract SessionStore createStore(Clock clock);

  /**
   * Whether {@link SessionStore#purgeExpired} reports every expired session it or the store dropped. Default true; a
   * store whose server expires sessions by its own clock (Redis TTLs) may say false, and is then only held to never
   * reporting or removing a live session.
   */
  protected boolean reportsEveryExpiredSession() {
    return true;
  }

  /** Called after each test with the store it used. Default: closes it. */
  protected void cleanUp(SessionStore store) throws Exception {
    store.close();
  }

  @BeforeEach
  void setUpStore() {
    store = createStore(clock);
    registry = registry(b -> b.idleTimeout(IDLE_TIMEOUT));
  }

  @AfterEach
  void tearDownStore() throws Exception {
    cleanUp(store);
  }

  /** A registry over the store, with the contract's settings changed by {@code settings}. */
  protected SessionRegistry registry(Consumer<SessionRegistry.Builder> settings) {
    SessionRegistry.Builder b =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .sessionLifetime(LIFETIME)
            .touchInterval(TOUCH_INTERVAL)
            .listener(events);
    settings.accept(b);
    return b.build();
  }

  protected static String newUserId() {
    // A fresh id shaped like Mattermost's, through the library's own generator.
    return IssuedIds.next();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Create and authenticate

  /**
   * The probe answers, and changes nothing; a credential change ends every session of its user, and no one else's.
   */
  @Test
  void probeAnswersAndACredentialChangeEndsTheUsersSessions() {
    store.probe();
    String alice = newUserId();
    String bob = newUserId();
    IssuedSession kept = registry.create(alice);
    registry.create(alice);
    IssuedSession bobs = registry.create(bob);
    store.probe();
    assertThat(registry.authenticate(kept.token())).as("the probe changed nothing").isPresent();
    registry.credentialsChanged(alice);
    assertThat(registry.authenticate(kept.token())).isEmpty();
    assertThat(registry.list(alice)).isEmpty();
    assertThat(registry.authenticate(bobs.token())).isPresent();
    assertThat(events.revoked(RevocationReason.CREDENTIALS_CHANGED, alice)).hasSize(2);
  }

  @Test
  void createdSessionAuthenticatesWithItsToken() {
    String user = newUserId();
    Instant now = clock.instant();
    IssuedSession issued =
        registry.create(
            NewSession.forUser(user)
                .withDeviceId("android_rn:abc")
                .withRoles(Set.of("system_user"))
                .withProps(
                    Map.of(
                        "platform",
                        "Linux",
                        "browser",
                        "Firefox/120.0",
                        "csrf",
                        "kq3xhgrbx3byxyt8zg4gmpw1ch")));

    Session s = issued.session();
    assertThat(s.userId()).isEqualTo(user);
    assertThat(s.id()).hasSize(26).matches("[a-z0-9]{26}");
    String prefix = store.tokenPrefix(user);
    assertThat(issued.token())
        .startsWith(prefix)
        .hasSize(prefix.length() + 26)
        .matches("[A-Za-z0-9]*[ybndrfg8ejkmcpqxot1uwisza345h769]{26}")
        .isNotEqualTo(s.id());
    assertThat(prefix).as("a token does not show its user id").doesNotContain(user);
    assertThat(s.id())
        .as("derived from the token's hash")
        .isEqualTo(TokenHash.of(issued.token()).sessionId());
    assertThat(s.createdAt()).isEqualTo(now);
    assertThat(s.lastActivityAt()).isEqualTo(now);
    assertThat(s.expiresAt()).isEqualTo(now.plus(LIFETIME));
    assertThat(s.deviceId()).isEqualTo("android_rn:abc");
    assertThat(s.roles()).containsExactly("system_user");
    assertThat(s.props())
        .containsEntry("csrf", "kq3xhgrbx3byxyt8zg4gmpw1ch")
        .containsEntry("platform", "Linux");

    assertThat(registry.authenticate(issued.token())).contains(s);
    assertThat(store.findByToken(TokenHash.of(issued.token()))).contains(s);
  }

  @Test
  void everySessionGetsItsOwnIdAndToken() {
    String user = newUserId();
    List<IssuedSession> issued =
        IntStream.range(0, 20).mapToObj(i -> registry.create(user)).toList();

    assertThat(issued.stream().map(i -> i.session().id()).distinct()).hasSize(20);
    assertThat(issued.stream().map(IssuedSession::token).distinct()).hasSize(20);
    for (IssuedSession i : issued) {
      assertThat(registry.authenticate(i.token()).map(Session::id)).contains(i.session().id());
    }
  }

  @Test
  void authenticateRefusesUnknownAndMalformedTokens() {
    IssuedSession issued = registry.create(newUserId());
    String token = issued.token();

    assertThat(registry.authenticate(IssuedIds.next().toLowerCase())).isEmpty();
    assertThat(registry.authenticate("")).isEmpty();
    assertThat(registry.authenticate("   ")).isEmpty();
    assertThat(registry.authenticate(token.substring(1))).isEmpty();
    assertThat(registry.authenticate(token + "y")).isEmpty();
    assertThat(registry.authenticate(token.toUpperCase())).isEmpty();
    assertThat(registry.authenticate(issued.session().id())).isEmpty();
    assertThat(registry.authenticate(token)).isPresent();
  }

  @Test
  void storeRefusesADuplicateSessionAndKeepsTheFirst() {
    IssuedSession issued = registry.create(newUserId());
    Session s = issued.session();
    TokenHash otherToken = TokenHash.of(IssuedIds.next());

    assertThatThrownBy(
            () -> store.insert(s, otherToken, s.expiresAt(), SessionLimit.unlimited(), false))
        .isInstanceOf(SessionStoreException.class);
    assertThat(registry.authenticate(issued.token())).contains(s);
    assertThat(store.findByToken(otherToken)).isEmpty();
    assertThat(registry.list(s.userId())).containsExactly(s);
  }

  @Test
  void storeRefusesADuplicateTokenHashAndKeepsTheFirst() {
    IssuedSession issued = registry.create(newUserId());
    Session other = registry.create(newUserId()).session();
    Session clash =
        new Session(
            IssuedIds.next(),
            other.userId(),
            other.createdAt(),
            other.expiresAt(),
            other.lastActivityAt(),
            "",
            Set.of("system_user"),
            Map.of());

    assertThatThrownBy(
            () ->
                store.insert(
                    clash,
                    TokenHash.of(issued.token()),
                    clash.expiresAt(),
                    SessionLimit.unlimited(),
                    false))
        .isInstanceOf(SessionStoreException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(issued.token()));
    assertThat(registry.authenticate(issued.token())).contains(issued.session());
    assertThat(registry.list(other.userId())).containsExactly(other);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // List

  @Test
  void listHoldsOnlyTheUsersLiveSessionsNewestActivityFirst() {
    String user = newUserId();
    String other = newUserId();
    Session first = registry.create(user).session();
    clock.advance(Duration.ofMinutes(10));
    Session second = registry.create(user).session();
    clock.advance(Duration.ofMinutes(10));
    Session third = registry.create(user).session();
    registry.create(other);
    clock.advance(Duration.ofMinutes(10));
    Session firstTouched = registry.touch(first).orElseThrow();

    assertThat(registry.list(user)).containsExactly(firstTouched, third, second);
    assertThat(registry.list(user)).allSatisfy(s -> assertThat(s.userId()).isEqualTo(user));
  }

  @Test
  void listOfAUserWithoutSessionsIsEmpty() {
    assertThat(registry.list(newUserId())).isEmpty();
  }

  @Test
  void listIsSanitizedButAuthenticateKeepsTheSecretProps() {
    String user = newUserId();
    IssuedSession issued =
        registry.create(
            NewSession.forUser(user)
                .withProps(Map.of("csrf", "8w8wmjgmxtgctkx5ap9zne6p3c", "platform", "Windows")));

    Session listed = registry.list(user).get(0);
    assertThat(listed.props()).containsOnlyKeys("platform");
    assertThat(listed.id()).isEqualTo(issued.session().id());
    assertThat(registry.authenticate(issued.token()).orElseThrow().props()).containsKey("csrf");

    SessionRegistry withPushTokens = registry(b -> b.secretProp("push_token"));
    IssuedSession phone =
        withPushTokens.create(
            NewSession.forUser(user)
                .withProps(Map.of("push_token", "apple:secret", "platform", "iOS")));
    assertThat(withPushTokens.list(user))
        .as("a secret prop of the application's, hidden too")
        .extracting(Session::props)
        .containsOnly(Map.of("platform", "Windows"), Map.of("platform", "iOS"));
    assertThat(withPushTokens.authenticate(phone.token()).orElseThrow().props())
        .containsKey("push_token");
  }

  @Test
  void secretsStayOutOfToString() {
    IssuedSession issued =
        registry.create(
            NewSession.forUser(newUserId())
                .withProps(Map.of("csrf", "8w8wmjgmxtgctkx5ap9zne6p3c")));

    assertThat(issued.toString()).doesNotContain(issued.token()).contains(issued.session().id());
    assertThat(issued.session().toString())
        .doesNotContain("8w8wmjgmxtgctkx5ap9zne6p3c")
        .contains("csrf");
    assertThat(TokenHash.of(issued.token()).toString())
        .doesNotContain(TokenHash.of(issued.token()).toHex());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Revoke

  @Test
  void revokeEndsOneSessionOnceAndLeavesTheOthers() {
    String user = newUserId();
    IssuedSession a = registry.create(user);
    IssuedSession b = registry.create(user);

    assertThat(registry.revoke(user, a.session().id())).isTrue();
    assertThat(registry.revoke(user, a.session().id())).isFalse();

    assertThat(registry.authenticate(a.token())).isEmpty();
    assertThat(registry.authenticate(b.token())).isPresent();
    assertThat(registry.list(user)).extracting(Session::id).containsExactly(b.session().id());
    assertThat(events.revoked(RevocationReason.REVOKE)).containsExactly(a.session().id());
  }

  @Test
  void revokeNamingAnotherUserChangesNothing() {
    String user = newUserId();
    IssuedSession a = registry.create(user);

    assertThat(registry.revoke(newUserId(), a.session().id())).isFalse();
    assertThat(store.delete(newUserId(), a.session().id())).isEmpty();
    assertThat(registry.authenticate(a.token())).isPresent();
  }

  @Test
  void logoutEndsTheCallersSession() {
    IssuedSession a = registry.create(newUserId());
    Session caller = registry.authenticate(a.token()).orElseThrow();

    assertThat(registry.logout(caller)).isTrue();
    assertThat(registry.logout(caller)).isFalse();
    assertThat(registry.authenticate(a.token())).isEmpty();
    assertThat(events.revoked(RevocationReason.LOGOUT)).containsExactly(a.session().id());
  }

  @Test
  void revokeAllEndsEverySessionOfTheUserAndNoOther() {
    String user = newUserId();
    String other = newUserId();
    List<IssuedSession> mine = IntStream.range(0, 5).mapToObj(i -> registry.create(user)).toList();
    List<IssuedSession> theirs =
        IntStream.range(0, 3).mapToObj(i -> registry.create(other)).toList();

    registry.revokeAll(user);
    registry.revokeAll(user);

    assertThat(mine).allSatisfy(i -> assertThat(registry.authenticate(i.token())).isEmpty());
    assertThat(theirs).allSatisfy(i -> assertThat(registry.authenticate(i.token())).isPresent());
    assertThat(registry.list(user)).isEmpty();
    assertThat(registry.list(other)).hasSize(3);
    assertThat(events.revoked(RevocationReason.REVOKE_ALL))
        .containsExactlyInAnyOrderElementsOf(ids(mine));
  }

  /**
   * Without listeners, the registry asks the store not to read back what it removes
   * ({@link SessionStore#deleteAllOfUserWithoutReading}): the same sessions go.
   */
  @Test
  void revokeAllWithoutListenersEndsTheSameSessions() {
    SessionRegistry quiet = quietRegistry();
    String user = newUserId();
    String other = newUserId();
    IssuedSession idle = quiet.create(user);
    clock.advance(IDLE_TIMEOUT.minusMinutes(1));
    List<IssuedSession> live = IntStream.range(0, 3).mapToObj(i -> quiet.create(user)).toList();
    IssuedSession theirs = quiet.create(other);
    clock.advance(Duration.ofMinutes(2)); // the first session is now past its idle timeout

    quiet.revokeAllExcept(user, live.get(0).session().id());
    assertThat(quiet.authenticate(live.get(0).token())).isPresent();
    assertThat(quiet.authenticate(live.get(1).token())).isEmpty();
    assertThat(quiet.list(user))
        .extracting(Session::id)
        .containsExactly(live.get(0).session().id());
    quiet.revokeAll(user);
    quiet.revokeAll(user);
    for (IssuedSession s : List.of(idle, live.get(0), live.get(1), live.get(2))) {
      assertThat(quiet.authenticate(s.token())).isEmpty();
    }
    assertThat(quiet.list(user)).isEmpty();
    assertThat(quiet.authenticate(theirs.token())).isPresent();
  }

  /** A registry with no listener: revoke-alls take the store's path that reads nothing back. */
  protected SessionRegistry quietRegistry() {
    return SessionRegistry.builder()
        .store(store)
        .clock(clock)
        .sessionLifetime(LIFETIME)
        .touchInterval(TOUCH_INTERVAL)
        .idleTimeout(IDLE_TIMEOUT)
        .build();
  }

  @Test
  void revokeAllOfAUserWithoutSessionsRevokesNothing() {
    String user = newUserId();
    registry.revokeAll(user);
    quietRegistry().revokeAll(user);
    quietRegistry().revokeAllExcept(user, newUserId());
    assertThat(events.revoked(RevocationReason.REVOKE_ALL, user)).isEmpty();
    assertThat(store.deleteAllOfUser(newUserId(), null)).isEmpty();
  }

  @Test
  void revokeAllExceptKeepsExactlyTheNamedSession() {
    String user = newUserId();
    List<IssuedSession> sessions =
        IntStream.range(0, 4).mapToObj(i -> registry.create(user)).toList();
    IssuedSession keep = sessions.get(2);

    registry.revokeAllExcept(user, keep.session().id());

    assertThat(events.revoked(RevocationReason.REVOKE_ALL, user))
        .containsExactlyInAnyOrderElementsOf(
            sessions.stream().filter(s -> s != keep).map(s -> s.session().id()).toList());
    assertThat(registry.authenticate(keep.token())).isPresent();
    assertThat(registry.list(user)).extracting(Session::id).containsExactly(keep.session().id());
    for (IssuedSession s : sessions) {
      if (s != keep) {
        assertThat(registry.authenticate(s.token())).isEmpty();
      }
    }
    registry.revokeAllExcept(user, keep.session().id());
    assertThat(events.revoked(RevocationReason.REVOKE_ALL, user)).hasSize(3);
    // The kept session is still a normal session afterwards.
    clock.advance(TOUCH_INTERVAL);
    assertThat(registry.touch(keep.session())).isPresent();
    assertThat(registry.revoke(user, keep.session().id())).isTrue();
  }

  @Test
  void revokeAllExceptASessionOfAnotherUserRevokesAll() {
    String user = newUserId();
    String other = newUserId();
    registry.create(user);
    registry.create(user);
    IssuedSession foreign = registry.create(other);

    registry.revokeAllExcept(user, foreign.session().id());
    assertThat(events.revoked(RevocationReason.REVOKE_ALL, user)).hasSize(2);
    assertThat(registry.list(user)).isEmpty();
    assertThat(registry.authenticate(foreign.token())).isPresent();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Expiry, activity

  @Test
  void sessionExpiresAfterItsLifetimeWhateverItsActivity() {
    SessionRegistry noIdle = registry(b -> {});
    String user = newUserId();
    IssuedSession issued = noIdle.create(user);

    clock.advance(LIFETIME);
    assertThat(noIdle.authenticate(issued.token()))
        .as("at expires_at, Mattermost still accepts")
        .isPresent();
    Session active = noIdle.touch(noIdle.authenticate(issued.token()).orElseThrow()).orElseThrow();
    assertThat(active.lastActivityAt()).isEqualTo(clock.instant());

    clock.advance(Duration.ofMillis(1));
    assertThat(noIdle.authenticate(issued.token())).isEmpty();
    assertThat(noIdle.list(user)).isEmpty();
    assertThat(noIdle.touch(active)).isEmpty();
    noIdle.revokeAll(user);
    assertThat(events.revoked(RevocationReason.REVOKE_ALL, user))
        .as("an expired session is not revoked")
        .isEmpty();
  }

  /** Mattermost keeps milliseconds: a session is valid during the whole millisecond of its expires_at. */
  @Test
  void sessionIsValidThroughItsLastMillisecond() {
    SessionRegistry noIdle = registry(b -> {});
    String user = newUserId();
    IssuedSession issued = noIdle.create(user);

    clock.advance(LIFETIME.plusNanos(999_999));
    assertThat(noIdle.authenticate(issued.token())).isPresent();
    assertThat(noIdle.list(user)).hasSize(1);
    clock.advance(Duration.ofNanos(1));
    assertThat(noIdle.authenticate(issued.token())).isEmpty();
    assertThat(noIdle.list(user)).isEmpty();
  }

  @Test
  void idleSessionExpiresAndActivityKeepsItAlive() {
    String user = newUserId();
    IssuedSession idle = registry.create(user);
    IssuedSession active = registry.create(user);

    clock.advance(IDLE_TIMEOUT.minusHours(1));
    registry.touch(registry.authenticate(active.token()).orElseThrow());
    clock.advance(Duration.ofHours(1));
    assertThat(registry.authenticate(idle.token())).isPresent();

    clock.advance(Duration.ofMillis(1));
    assertThat(registry.authenticate(idle.token())).isEmpty();
    assertThat(registry.authenticate(active.token())).isPresent();
    assertThat(registry.list(user)).extracting(Session::id).containsExactly(active.session().id());

    clock.advance(IDLE_TIMEOUT.minusHours(1).minusMillis(1));
    assertThat(registry.authenticate(active.token()))
        .as("exactly the idle timeout after its touch")
        .isPresent();
    clock.advance(Duration.ofMillis(1));
    assertThat(registry.authenticate(active.token())).isEmpty();
    assertThat(registry.list(user)).isEmpty();
  }

  @Test
  void touchWritesAtMostOncePerInterval() {
    IssuedSession issued = registry.create(newUserId());
    Instant created = issued.session().createdAt();

    clock.advance(TOUCH_INTERVAL.minusSeconds(1));
    Session notWritten =
        registry.touch(registry.authenticate(issued.token()).orElseThrow()).orElseThrow();
    assertThat(notWritten.lastActivityAt()).isEqualTo(created);
    assertThat(store.findByToken(TokenHash.of(issued.token())).orElseThrow().lastActivityAt())
        .isEqualTo(created);

    clock.advance(Duration.ofSeconds(1));
    Session written =
        registry.touch(registry.authenticate(issued.token()).orElseThrow()).orElseThrow();
    assertThat(written.lastActivityAt()).isEqualTo(clock.instant());
    assertThat(store.findByToken(TokenHash.of(issued.token())).orElseThrow().lastActivityAt())
        .isEqualTo(clock.instant());
  }

  /** Without a touch interval set, a short idle timeout gets one that fits it: an active session never lapses. */
  @Test
  void theDefaultTouchIntervalFitsAShortIdleTimeout() {
    SessionRegistry shortIdle =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .idleTimeout(Duration.ofMinutes(2))
            .build();
    IssuedSession issued = shortIdle.create(newUserId());
    for (int minute = 1; minute <= 10; minute++) {
      clock.advance(Duration.ofMinutes(1));
      assertThat(shortIdle.authenticate(issued.token()).flatMap(shortIdle::touch))
          .as("minute " + minute)
          .isPresent();
    }
    assertThat(store.findByToken(TokenHash.of(issued.token())).orElseThrow().lastActivityAt())
        .as("written every minute, half the idle timeout")
        .isEqualTo(clock.instant());
  }

  @Test
  void touchNeverMovesActivityBackwards() {
    IssuedSession issued = registry.create(newUserId());
    Session s = issued.session();
    TokenHash hash = TokenHash.of(issued.token());
    Instant later = s.createdAt().plus(Duration.ofHours(1));
    Instant earlier = s.createdAt().plus(Duration.ofMinutes(30));

    assertThat(store.touch(s.userId(), s.id(), later, s.expiresAt(), later.plus(IDLE_TIMEOUT)))
        .isTrue();
    assertThat(store.findByToken(hash).orElseThrow().lastActivityAt()).isEqualTo(later);
    assertThat(store.touch(s.userId(), s.id(), earlier, s.expiresAt(), earlier.plus(IDLE_TIMEOUT)))
        .as("it exists")
        .isTrue();
    assertThat(store.findByToken(hash).orElseThrow())
        .isEqualTo(s.withActivity(later, s.expiresAt()));

    // The retain-until did not move back either: the session outlives the earlier touch's idle end,
    // purge included.
    clock.set(earlier.plus(IDLE_TIMEOUT).plus(Duration.ofMinutes(1)));
    registry.purgeExpired(10_000);
    assertThat(registry.authenticate(issued.token()))
        .contains(s.withActivity(later, s.expiresAt()));

    // A stale copy of the session (activity at creation), touched later, records the later
    // activity.
    clock.set(later.plus(TOUCH_INTERVAL));
    assertThat(registry.touch(s).orElseThrow().lastActivityAt()).isEqualTo(clock.instant());
    assertThat(store.findByToken(hash).orElseThrow().lastActivityAt()).isEqualTo(clock.instant());
  }

  @Test
  void instantsAreKeptToTheMillisecond() {
    clock.advance(Duration.ofNanos(123_456_789));
    IssuedSession issued = registry.create(newUserId());

    assertThat(issued.session().createdAt().getNano()).isEqualTo(123_000_000);
    assertThat(registry.authenticate(issued.token())).contains(issued.session());
    assertThat(registry.list(issued.session().userId())).containsExactly(issued.session());
  }

  @Test
  void touchCannotBringBackARevokedSession() {
    String user = newUserId();
    IssuedSession one = registry.create(user);
    IssuedSession all = registry.create(user);
    registry.revoke(user, one.session().id());
    registry.revokeAll(user);
    clock.advance(TOUCH_INTERVAL);

    for (IssuedSession i : List.of(one, all)) {
      Session s = i.session();
      assertThat(registry.touch(s)).isEmpty();
      assertThat(
              store.touch(
                  user, s.id(), clock.instant(), s.expiresAt(), clock.instant().plus(IDLE_TIMEOUT)))
          .isFalse();
      assertThat(registry.authenticate(i.token())).isEmpty();
    }
    assertThat(registry.list(user)).isEmpty();
    assertThat(store.findByUser(user)).isEmpty();
  }

  @Test
  void touchOfAnUnknownSessionCreatesNothing() {
    String user = newUserId();
    String id = newUserId();

    assertThat(
            store.touch(
                user, id, clock.instant(), clock.instant(), clock.instant().plus(IDLE_TIMEOUT)))
        .isFalse();
    assertThat(store.findByUser(user)).isEmpty();
  }

  @Test
  void purgeRemovesOnlyExpiredSessionsAndReportsThem() {
    String user = newUserId();
    List<IssuedSession> old = IntStream.range(0, 3).mapToObj(i -> registry.create(user)).toList();
    clock.advance(IDLE_TIMEOUT.minusMinutes(10));
    IssuedSession fresh = registry.create(user);
    clock.advance(Duration.ofMinutes(10));

    // At its retain-until instant a session is still valid, so nothing of the user's may go.
    while (registry.purgeExpired(1000) > 0) {
      continue;
    }
    assertThat(events.revoked(RevocationReason.EXPIRED, user)).isEmpty();
    assertThat(old).allSatisfy(i -> assertThat(registry.authenticate(i.token())).isPresent());

    clock.advance(Duration.ofMillis(1));
    assertThat(old).allSatisfy(i -> assertThat(registry.authenticate(i.token())).isEmpty());
    assertThat(registry.purgeExpired(1)).as("a batch is at most its limit").isLessThanOrEqualTo(1);
    // Stores may drop expired sessions lazily (a cache's timer wheel ticks about once a second): a
    // minute on, all are.
    clock.advance(Duration.ofMinutes(1));
    while (registry.purgeExpired(1000) > 0) {
      continue;
    }

    if (reportsEveryExpiredSession()) {
      assertThat(events.revoked(RevocationReason.EXPIRED, user))
          .containsExactlyInAnyOrderElementsOf(ids(old));
      assertThat(store.findByUser(user))
          .extracting(Session::id)
          .containsExactly(fresh.session().id());
    } else {
      assertThat(events.revoked(RevocationReason.EXPIRED, user))
          .isSubsetOf(ids(old))
          .doesNotHaveDuplicates();
    }
    assertThat(registry.authenticate(fresh.token())).isPresent();
    assertThat(registry.list(user)).extracting(Session::id).containsExactly(fresh.session().id());
    assertThat(old).allSatisfy(i -> assertThat(registry.authenticate(i.token())).isEmpty());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Listeners

  @Test
  void listenersHearEveryCreationAndRevocationWithItsReason() {
    String user = newUserId();
    IssuedSession a = registry.create(user);
    IssuedSession b = registry.create(user);
    IssuedSession c = registry.create(user);
    registry.revoke(user, a.session().id());
    registry.logout(b.session());
    registry.revokeAll(user);

    assertThat(events.created)
        .containsExactly(a.session().id(), b.session().id(), c.session().id());
    assertThat(events.revoked(RevocationReason.REVOKE)).containsExactly(a.session().id());
    assertThat(events.revoked(RevocationReason.LOGOUT)).containsExactly(b.session().id());
    assertThat(events.revoked(RevocationReason.REVOKE_ALL)).containsExactly(c.session().id());
  }

  @Test
  void aFailingListenerUndoesNothing() {
    SessionRegistry withBadListener =
        registry(
            b ->
                b.listener(
                    new SessionListener() {
                      @Override
                      public void sessionCreated(Session session) {
                        throw new IllegalStateException("listener bug");
                      }

                      @Override
                      public void sessionRevoked(Session session, RevocationReason reason) {
                        throw new IllegalStateException("listener bug");
                      }
                    }));
    String user = newUserId();
    IssuedSession issued = withBadListener.create(user);

    assertThat(withBadListener.authenticate(issued.token())).isPresent();
    withBadListener.revokeAll(user);
    assertThat(withBadListener.authenticate(issued.token())).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Bad input: a clear IllegalArgumentException, nothing changed

  @Test
  void theLargestDetailsTheApiAcceptsAreKept() {
    String user = newUserId();
    Map<String, String> most = new HashMap<>();
    for (int i = 0; i < Session.MAX_PROPS; i++) {
      most.put("k".repeat(64 - String.valueOf(i).length()) + i, "v".repeat(1024));
    }
    Set<String> roles = new java.util.TreeSet<>();
    for (int i = 0; i < 3; i++) {
      roles.add(i + "r".repeat(Session.MAX_ROLE_LENGTH - 1));
    }
    roles.add(
        "r".repeat(Session.MAX_ROLES_LENGTH - 3 * (Session.MAX_ROLE_LENGTH + 1))); // 256 joined
    IssuedSession issued =
        registry.create(
            NewSession.forUser(user)
                .withDeviceId("d".repeat(512))
                .withRoles(roles)
                .withProps(most));

    assertThat(issued.session().roles()).isEqualTo(roles);
    assertThat(registry.authenticate(issued.token())).contains(issued.session());
    assertThat(registry.list(user)).containsExactly(issued.session());
  }

  /**
   * What the API accepts, every store keeps exactly, through every path (a front cache's copy and the store's agree):
   * any character but NUL, surrogate pairs whole, control and format characters, at the length limits.
   */
  @Test
  void everyCharacterTheApiAcceptsRoundTripsExactly() {
    String user = newUserId();
    String awkward =
        "\t\n\r\u0001\u001f\u007f\u0080\u009f\u00a0\u00ad\u2028\u2029\u200b\u200d\u202e\ufeff\ufffd\uffff"
            + "é日本\uD83D\uDE00\uD83D\uDC4D\uD83C\uDFFD\uDBFF\uDFFF\\\"'<>&%_*?[]{}$;--/**/";
    String longest =
        ("\uD83D\uDE00" + awkward).repeat(20).substring(0, Session.MAX_DEVICE_ID_LENGTH - 1) + "x";
    Map<String, String> props = new HashMap<>();
    props.put("k\uD83D\uDE00\t\u00e9", awkward);
    props.put("plain", longest.substring(0, 400));
    props.put("empty", "");
    // A role holds no whitespace or control character; anything else goes.
    String awkwardRole =
        "\u00ad\u200b\u200d\u202e\ufeff\ufffd\uffffé日本\uD83D\uDE00\\\"'<>&%_*?[]{}$;--/**/";
    NewSession request =
        NewSession.forUser(user)
            .withDeviceId(longest)
            .withRoles(Set.of("system_user", awkwardRole))
            .withProps(props);

    IssuedSession issued = registry.create(request);
    Session created = issued.session();
    assertThat(created.deviceId()).isEqualTo(longest);
    assertThat(registry.authenticate(issued.token())).contains(created);
    assertThat(store.findByToken(TokenHash.of(issued.token()))).contains(created);
    assertThat(registry.list(user)).containsExactly(created);
    assertThat(store.findByUser(user)).containsExactly(created);
    assertThat(store.delete(user, created.id())).contains(created);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Concurrency: the guarantees under load, with exact assertions

  /**
   * Creates race revoke-alls of the same user: every session whose create returned before a revoke-all started is
   * dead when that returns; every session is either live and listed, or dead and unlisted; and, where listeners hear
   * the revocations, no session is lost or revoked twice: sessions created = sessions revoked + sessions live.
   */
  @Test
  void revokeAllRacingCreatesLeavesWholeSessionsOrNothing() throws Exception {
    long start = System.nanoTime();
    int creators = 3;
    int perCreator = 8;
    int revokes = 4;
    int preexisting = 3;
    String bystander = newUserId();
    List<IssuedSession> bystanderSessions =
        IntStream.range(0, 3).mapToObj(i -> registry.create(bystander)).toList();
    SessionRegistry quiet = quietRegistry();
    ExecutorService pool = Executors.newFixedThreadPool(creators + 3);
    try {
      for (int round = 0; moreRounds(round, 100, start); round++) {
        // Odd rounds revoke through a registry without listeners: the store's path that reads
        // nothing back.
        SessionRegistry revoker = round % 2 == 0 ? registry : quiet;
        String user = newUserId();
        List<IssuedSession> before =
            IntStream.range(0, preexisting).mapToObj(i -> registry.create(user)).toList();
        AtomicLong sequence = new AtomicLong();
        ConcurrentLinkedQueue<Created> created = new ConcurrentLinkedQueue<>();
        AtomicLong lastRevokeReturned = new AtomicLong();
        CyclicBarrier go = new CyclicBarrier(creators + 3);
        List<Future<?>> tasks = new ArrayList<>();
        for (int c = 0; c < creators; c++) {
          tasks.add(
              pool.submit(
                  () -> {
                    go.await();
                    for (int i = 0; i < perCreator; i++) {
                      long started = sequence.incrementAndGet();
                      IssuedSession s = registry.create(user);
                      created.add(new Created(s, started, sequence.incrementAndGet()));
                    }
                    return null;
                  }));
        }
        tasks.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int r = 0; r < revokes; r++) {
                    Thread.yield();
                    long startedAt = sequence.incrementAndGet();
                    revoker.revokeAll(user);
                    lastRevokeReturned.set(sequence.incrementAndGet());
                    // After it returns: no session that existed before it started may authenticate.
                    for (IssuedSession s : before) {
                      assertThat(registry.authenticate(s.token())).isEmpty();
                    }
                    for (Created c : created) {
                      if (c.sequence < startedAt) {
                        assertThat(registry.authenticate(c.issued.token()))
                            .as("created before a revoke-all")
                            .isEmpty();
                      }
                    }
                  }
                  return null;
                }));
        tasks.add(
            pool.submit(
                () -> {
                  go.await();
                  // In-flight requests: authenticate and touch, with time passing so that touches
                  // write.
                  for (int i = 0; i < 10; i++) {
                    clock.advance(Duration.ofMinutes(1));
                    for (IssuedSession s : before) {
                      registry.authenticate(s.token()).flatMap(registry::touch);
                    }
                    for (IssuedSession s : bystanderSessions) {
                      registry.authenticate(s.token()).flatMap(registry::touch);
                    }
                  }
                  return null;
                }));
        tasks.add(
            pool.submit(
                () -> {
                  go.await();
                  // Readers in the middle of it all must never fail.
                  for (int i = 0; i < 20; i++) {
                    registry.list(user);
                    registry.authenticate(before.get(i % preexisting).token());
                  }
                  return null;
                }));
        for (Future<?> t : tasks) {
          t.get(60, TimeUnit.SECONDS);
        }

        Set<String> listed =
            registry.list(user).stream().map(Session::id).collect(Collectors.toSet());
        int live = 0;
        for (Created c : created) {
          boolean authenticates = registry.authenticate(c.issued.token()).isPresent();
          assertThat(listed.contains(c.issued.session().id()))
              .as("round %d: listed iff it authenticates", round)
              .isEqualTo(authenticates);
          if (authenticates) {
            live++;
          } else {
            assertThat(c.started)
                .as(
                    "round %d: only a create that began before a revoke-all returned may be revoked",
                    round)
                .isLessThan(lastRevokeReturned.get());
          }
        }
        assertThat(listed).hasSize(live);
        if (revoker == registry) {
          List<String> revoked = events.revoked(RevocationReason.REVOKE_ALL, user);
          assertThat(revoked).as("round %d: revoked once", round).doesNotHaveDuplicates();
          assertThat(revoked.size() + live)
              .as("round %d: created = revoked + live; nothing lost", round)
              .isEqualTo(preexisting + creators * perCreator);
        }
        registry.revokeAll(user);
      }
      assertThat(bystanderSessions)
          .allSatisfy(s -> assertThat(registry.authenticate(s.token())).isPresent());
    } finally {
      shutdown(pool);
    }
  }

  /** Three revoke-alls at once revoke each session exactly once between them, as their listener hears. */
  @Test
  void concurrentRevokeAllsCountEachSessionOnce() throws Exception {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; moreRounds(round, 100, start); round++) {
        String user = newUserId();
        int n = 10;
        for (int i = 0; i < n; i++) {
          registry.create(user);
        }
        CyclicBarrier go = new CyclicBarrier(3);
        List<Future<?>> revokes = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          revokes.add(
              pool.submit(
                  () -> {
                    go.await();
                    registry.revokeAll(user);
                    return null;
                  }));
        }
        for (Future<?> f : revokes) {
          f.get(60, TimeUnit.SECONDS);
        }
        assertThat(events.revoked(RevocationReason.REVOKE_ALL, user))
            .as("round %d", round)
            .hasSize(n)
            .doesNotHaveDuplicates();
        assertThat(registry.list(user)).isEmpty();
      }
    } finally {
      shutdown(pool);
    }
  }

  /**
   * Touches race a revoke-all, as in-flight requests do: none brings a revoked session back, and none fails.
   * (Spring Session and Jetty resurrect sessions this way.)
   */
  @Test
  void touchRacingRevokeAllResurrectsNothing() throws Exception {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; moreRounds(round, 150, start); round++) {
        String user = newUserId();
        List<IssuedSession> sessions =
            IntStream.range(0, 4).mapToObj(i -> registry.create(user)).toList();
        Instant base = clock.instant();
        CyclicBarrier go = new CyclicBarrier(4);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          int offset = t;
          tasks.add(
              pool.submit(
                  () -> {
                    go.await();
                    for (int i = 1; i <= 30; i++) {
                      Session s = sessions.get((i + offset) % sessions.size()).session();
                      Instant at = base.plusMillis(i * 10L + offset);
                      store.touch(user, s.id(), at, s.expiresAt(), at.plus(IDLE_TIMEOUT));
                    }
                    return null;
                  }));
        }
        tasks.add(
            pool.submit(
                () -> {
                  go.await();
                  registry.revokeAll(user);
                  return null;
                }));
        for (Future<?> t : tasks) {
          t.get(60, TimeUnit.SECONDS);
        }
        for (IssuedSession s : sessions) {
          assertThat(registry.authenticate(s.token())).as("round %d", round).isEmpty();
          assertThat(store.findByToken(TokenHash.of(s.token()))).isEmpty();
        }
        assertThat(store.findByUser(user)).as("round %d", round).isEmpty();
      }
    } finally {
      shutdown(pool);
    }
  }

  /**
   * Readers authenticate the kept session while revoke-all-except removes the others: the kept session is never seen
   * missing, and once the call returns, the others are never seen.
   */
  @Test
  void revokeAllExceptNeverHidesTheKeptSession() throws Exception {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; moreRounds(round, 150, start); round++) {
        String user = newUserId();
        List<IssuedSession> sessions =
            IntStream.range(0, 5).mapToObj(i -> registry.create(user)).toList();
        IssuedSession keep = sessions.get(round % sessions.size());
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger misses = new AtomicInteger();
        CyclicBarrier go = new CyclicBarrier(3);
        List<Future<?>> tasks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          tasks.add(
              pool.submit(
                  () -> {
                    go.await();
                    int reads = 0;
                    while (!done.get() || reads < 5) {
                      if (registry.authenticate(keep.token()).isEmpty()) {
                        misses.incrementAndGet();
                      }
                      reads++;
                    }
                    return null;
                  }));
        }
        tasks.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    registry.revokeAllExcept(user, keep.session().id());
                  } finally {
                    done.set(true);
                  }
                  return null;
                }));
        for (Future<?> t : tasks) {
          t.get(60, TimeUnit.SECONDS);
        }
        assertThat(misses.get()).as("round %d: the kept session was seen missing", round).isZero();
        for (IssuedSession s : sessions) {
          assertThat(registry.authenticate(s.token()).isPresent()).isEqualTo(s == keep);
        }
        assertThat(registry.list(user))
            .extracting(Session::id)
            .containsExactly(keep.session().id());
      }
    } finally {
      shutdown(pool);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sessions extended with activity

  /** A registry whose sessions extend with activity, without an idle timeout (so long pauses are no concern). */
  private SessionRegistry extending(Consumer<SessionRegistry.Builder> more) {
    return registry(
        b -> {
          b.extendWithActivity(true);
          more.accept(b);
        });
  }

  @Test
  void activityMovesTheExpiryToNowPlusTheLifetime() {
    SessionRegistry extending = extending(b -> {});
    String user = newUserId();
    IssuedSession issued = extending.create(user);
    TokenHash hash = TokenHash.of(issued.token());

    clock.advance(Duration.ofDays(20));
    Session touched =
        extending.touch(extending.authenticate(issued.token()).orElseThrow()).orElseThrow();

    Instant extended = clock.instant().plus(LIFETIME);
    assertThat(touched.expiresAt()).isEqualTo(extended);
    assertThat(store.findByToken(hash).orElseThrow().expiresAt()).as("stored").isEqualTo(extended);
    assertThat(extending.list(user)).extracting(Session::expiresAt).containsExactly(extended);

    clock.advance(
        Duration.ofDays(15)); // past the expiry it had at creation, within the extended one
    assertThat(extending.authenticate(issued.token()))
        .as("an active session outlives its first expiry")
        .map(Session::expiresAt)
        .contains(extended);
    assertThat(extending.list(user)).hasSize(1);
    assertThat(events.revoked(RevocationReason.EXPIRED, user)).isEmpty();

    clock.set(extended.plusMillis(1));
    assertThat(extending.authenticate(issued.token()))
        .as("then it ends, a lifetime after its last activity")
        .isEmpty();
    assertThat(extending.list(user)).isEmpty();
  }

  @Test
  void theExtensionIsWrittenWithTheActivityAtMostOncePerTouchInterval() {
    SessionRegistry extending = extending(b -> {});
    IssuedSession issued = extending.create(newUserId());
    TokenHash hash = TokenHash.of(issued.token());

    clock.advance(TOUCH_INTERVAL.minusMillis(1));
    Session early =
        extending.touch(extending.authenticate(issued.token()).orElseThrow()).orElseThrow();
    assertThat(early).as("no write due: returned as it was").isEqualTo(issued.session());
    assertThat(store.findByToken(hash).orElseThrow().expiresAt())
        .isEqualTo(issued.session().expiresAt());

    clock.advance(Duration.ofMillis(1));
    Session due = extending.touch(early).orElseThrow();
    assertThat(due.expiresAt()).isEqualTo(clock.instant().plus(LIFETIME));
    assertThat(store.findByToken(hash).orElseThrow()).isEqualTo(due);
  }

  @Test
  void theExpiryNeverMovesBackwards() {
    SessionRegistry extending = extending(b -> {});
    IssuedSession issued = extending.create(newUserId());
    Session s = issued.session();
    TokenHash hash = TokenHash.of(issued.token());
    Instant far = s.expiresAt().plus(Duration.ofDays(10));

    assertThat(store.touch(s.userId(), s.id(), s.lastActivityAt(), far, far)).isTrue();
    assertThat(store.touch(s.userId(), s.id(), s.lastActivityAt(), s.expiresAt(), s.expiresAt()))
        .isTrue();
    assertThat(store.findByToken(hash).orElseThrow().expiresAt())
        .as("not lowered by the store")
        .isEqualTo(far);

    // A stale copy, touched now, asks for less than the store holds: the store keeps the later
    // expiry.
    clock.advance(TOUCH_INTERVAL);
    Session touched = extending.touch(s).orElseThrow();
    assertThat(touched.expiresAt()).isEqualTo(clock.instant().plus(LIFETIME));
    assertThat(store.findByToken(hash).orElseThrow().expiresAt()).isEqualTo(far);
    assertThat(store.findByToken(hash).orElseThrow().lastActivityAt()).isEqualTo(clock.instant());
  }

  @Test
  void theMaximumLifetimeAndTheIdleTimeoutStillBoundAnExtendedSession() {
    Duration max = LIFETIME.plusDays(10);
    SessionRegistry extending = extending(b -> b.maxSessionLifetime(max).idleTimeout(IDLE_TIMEOUT));
    String user = newUserId();
    IssuedSession issued = extending.create(user);
    Instant cap = issued.session().createdAt().plus(max);

    // Active every 7 hours, within the idle timeout, until the maximum is near.
    while (clock.instant().isBefore(cap.minus(Duration.ofHours(7)))) {
      clock.advance(Duration.ofHours(7));
      Session touched =
          extending.touch(extending.authenticate(issued.token()).orElseThrow()).orElseThrow();
      assertThat(touched.expiresAt()).isBeforeOrEqualTo(cap);
    }
    assertThat(store.findByToken(TokenHash.of(issued.token())))
        .map(Session::expiresAt)
        .contains(cap);
    clock.set(cap);
    assertThat(extending.authenticate(issued.token())).isPresent();
    clock.set(cap.plusMillis(1));
    assertThat(extending.authenticate(issued.token()))
        .as("never beyond the maximum lifetime")
        .isEmpty();

    IssuedSession idle = extending.create(user);
    clock.advance(IDLE_TIMEOUT.plusMillis(1));
    assertThat(extending.authenticate(idle.token())).as("idle still ends it").isEmpty();
  }

  /** Without the setting, activity leaves the expiry where creation put it. */
  @Test
  void withoutExtensionActivityLeavesTheExpiryAlone() {
    IssuedSession issued = registry.create(newUserId());
    clock.advance(Duration.ofHours(1));
    Session touched =
        registry.touch(registry.authenticate(issued.token()).orElseThrow()).orElseThrow();
    assertThat(touched.expiresAt()).isEqualTo(issued.session().expiresAt());
    assertThat(store.findByToken(TokenHash.of(issued.token())).orElseThrow().expiresAt())
        .isEqualTo(issued.session().expiresAt());
  }

  /**
   * A touch that extends a session, racing a revoke-all of its user, behind a barrier, many rounds: the session ends
   * every time, and no row or key of it comes back (with and without a listener, which take different store paths).
   */
  @Test
  void anExtendingTouchRacingARevokeAllNeverBringsTheSessionBack() throws Exception {
    SessionRegistry withListener = extending(b -> {});
    SessionRegistry withoutListener =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .sessionLifetime(LIFETIME)
            .touchInterval(TOUCH_INTERVAL)
            .extendWithActivity(true)
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    long start = System.nanoTime();
    try {
      for (int round = 0; moreRounds(round, 20, start); round++) {
        SessionRegistry r = round % 2 == 0 ? withListener : withoutListener;
        String user = newUserId();
        IssuedSession issued = r.create(user);
        Session copy = r.authenticate(issued.token()).orElseThrow();
        clock.advance(TOUCH_INTERVAL);
        CyclicBarrier go = new CyclicBarrier(2);
        Future<?> touch =
            pool.submit(
                () -> {
                  go.await();
                  return r.touch(copy);
                });
        Future<?> revoke =
            pool.submit(
                () -> {
                  go.await();
                  r.revokeAll(user);
                  return null;
                });
        touch.get(30, TimeUnit.SECONDS);
        revoke.get(30, TimeUnit.SECONDS);

        assertThat(r.authenticate(issued.token())).as("round " + round).isEmpty();
        assertThat(r.list(user)).as("round " + round).isEmpty();
        assertThat(store.findByToken(TokenHash.of(issued.token()))).as("round " + round).isEmpty();
        clock.advance(TOUCH_INTERVAL);
        assertThat(r.touch(copy)).as("a later touch of the copy, round " + round).isEmpty();
        assertThat(r.authenticate(issued.token())).isEmpty();
      }
    } finally {
      shutdown(pool);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // A device logging in again

  @Test
  void aDeviceLoggingInAgainReplacesItsSessionsAndNoOther() {
    String user = newUserId();
    IssuedSession phone = registry.create(NewSession.forUser(user).withDeviceId("phone"));
    IssuedSession phoneAgain =
        registry.create(NewSession.forUser(user).withDeviceId("phone")); // not replacing
    IssuedSession laptop = registry.create(NewSession.forUser(user).withDeviceId("laptop"));
    IssuedSession noDevice = registry.create(user);
    IssuedSession lookalike = registry.create(NewSession.forUser(user).withDeviceId("phone "));
    IssuedSession otherCase = registry.create(NewSession.forUser(user).withDeviceId("Phone"));
    IssuedSession otherUser =
        registry.create(NewSession.forUser(newUserId()).withDeviceId("phone"));

    IssuedSession replacing =
        registry.create(NewSession.forUser(user).withDeviceId("phone").replacingSameDevice());

    assertThat(registry.authenticate(phone.token())).isEmpty();
    assertThat(registry.authenticate(phoneAgain.token())).isEmpty();
    assertThat(events.revoked(RevocationReason.REPLACED_BY_SAME_DEVICE, user))
        .containsExactlyInAnyOrderElementsOf(ids(List.of(phone, phoneAgain)));
    for (IssuedSession kept :
        List.of(laptop, noDevice, lookalike, otherCase, otherUser, replacing)) {
      assertThat(registry.authenticate(kept.token())).as(kept.session().deviceId()).isPresent();
    }
    assertThat(registry.list(user))
        .extracting(Session::id)
        .containsExactlyInAnyOrderElementsOf(
            ids(List.of(laptop, noDevice, lookalike, otherCase, replacing)));

    IssuedSession withoutDevice = registry.create(NewSession.forUser(user).replacingSameDevice());
    assertThat(registry.authenticate(noDevice.token()))
        .as("no device id: nothing to replace")
        .isPresent();
    assertThat(registry.list(user))
        .hasSize(6)
        .extracting(Session::id)
        .contains(withoutDevice.session().id());
  }

  /** A session of the device that had expired (not purged yet) is reported expired, not replaced. */
  @Test
  void anExpiredSessionOfTheDeviceIsReportedExpired() {
    String user = newUserId();
    IssuedSession idle = registry.create(NewSession.forUser(user).withDeviceId("phone"));
    clock.advance(IDLE_TIMEOUT.plusMinutes(1));

    IssuedSession again =
        registry.create(NewSession.forUser(user).withDeviceId("phone").replacingSameDevice());

    assertThat(events.revoked(RevocationReason.REPLACED_BY_SAME_DEVICE, user)).isEmpty();
    assertThat(registry.list(user)).extracting(Session::id).containsExactly(again.session().id());
    assertThat(store.findByUser(user)).extracting(Session::id).doesNotContain(idle.session().id());
  }

  @Test
  void aDeviceReplacingItsSessionDoesNotCountAgainstTheLimit() {
    SessionRegistry ending =
        registry(b -> b.maxSessionsPerUser(2, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE));
    String user = newUserId();
    IssuedSession phone = ending.create(NewSession.forUser(user).withDeviceId("phone"));
    clock.advance(Duration.ofSeconds(1));
    IssuedSession laptop = ending.create(NewSession.forUser(user).withDeviceId("laptop"));
    clock.advance(Duration.ofSeconds(1));

    IssuedSession again =
        ending.create(NewSession.forUser(user).withDeviceId("laptop").replacingSameDevice());

    assertThat(registry.list(user))
        .extracting(Session::id)
        .containsExactlyInAnyOrder(phone.session().id(), again.session().id());
    assertThat(events.revoked(RevocationReason.REPLACED_BY_SAME_DEVICE, user))
        .containsExactly(laptop.session().id());
    assertThat(events.revoked(RevocationReason.SESSION_LIMIT, user))
        .as("the phone keeps its session")
        .isEmpty();
  }

  @Test
  void aRefusedCreateReplacesNothing() {
    String user = newUserId();
    List<IssuedSession> before =
        List.of(
            registry.create(NewSession.forUser(user).withDeviceId("phone")),
            registry.create(NewSession.forUser(user).withDeviceId("laptop")),
            registry.create(NewSession.forUser(user).withDeviceId("tablet")));
    SessionRegistry refusing =
        registry(b -> b.maxSessionsPerUser(2, SessionLimit.Policy.REFUSE_NEW));

    assertThatThrownBy(
            () ->
                refusing.create(
                    NewSession.forUser(user).withDeviceId("phone").replacingSameDevice()))
        .as("the other devices fill the limit")
        .isInstanceOf(SessionLimitExceededException.class);

    assertThat(store.findByUser(user))
        .extracting(Session::id)
        .containsExactlyInAnyOrderElementsOf(ids(before));
    assertThat(events.revoked(RevocationReason.REPLACED_BY_SAME_DEVICE, user)).isEmpty();
    refusing.revoke(user, before.get(2).session().id());
    IssuedSession again =
        refusing.create(NewSession.forUser(user).withDeviceId("phone").replacingSameDevice());
    assertThat(refusing.list(user))
        .extracting(Session::id)
        .containsExactlyInAnyOrder(before.get(1).session().id(), again.session().id());
  }

  /**
   * 32 logins of one device at once, behind a barrier, many rounds, each replacing the device's sessions: exactly one
   * session of the device is left, one of the 32, and every other was ended exactly once; the user's other device
   * keeps its session, with a limit or without.
   */
  @Test
  void concurrentLoginsOfOneDeviceLeaveExactlyOneSession() throws Exception {
    int logins = 32;
    SessionRegistry unlimited = registry(b -> {});
    SessionRegistry capped =
        registry(b -> b.maxSessionsPerUser(4, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE));
    ExecutorService pool = Executors.newFixedThreadPool(logins);
    long start = System.nanoTime();
    try {
      for (int round = 0; moreRounds(round, 10, start); round++) {
        SessionRegistry r = round % 2 == 0 ? unlimited : capped;
        String user = newUserId();
        IssuedSession other = r.create(NewSession.forUser(user).withDeviceId("laptop"));
        IssuedSession earlier = r.create(NewSession.forUser(user).withDeviceId("phone"));
        CyclicBarrier go = new CyclicBarrier(logins);
        List<Future<IssuedSession>> futures = new ArrayList<>();
        for (int i = 0; i < logins; i++) {
          futures.add(
              pool.submit(
                  () -> {
                    go.await();
                    return r.create(
                        NewSession.forUser(user).withDeviceId("phone").replacingSameDevice());
                  }));
        }
        List<IssuedSession> created = new ArrayList<>();
        for (Future<IssuedSession> f : futures) {
          created.add(f.get(60, TimeUnit.SECONDS));
        }

        List<Session> left = r.list(user);
        assertThat(left).as("round " + round).hasSize(2);
        assertThat(left)
            .extracting(Session::id)
            .as("round " + round)
            .contains(other.session().id());
        String survivor =
            left.stream().filter(s -> s.deviceId().equals("phone")).findFirst().orElseThrow().id();
        assertThat(ids(created)).contains(survivor);
        List<String> replaced = events.revoked(RevocationReason.REPLACED_BY_SAME_DEVICE, user);
        assertThat(replaced)
            .as("round " + round)
            .doesNotHaveDuplicates()
            .hasSize(logins)
            .contains(earlier.session().id())
            .doesNotContain(survivor, other.session().id());
        assertThat(events.revoked(RevocationReason.SESSION_LIMIT, user))
            .as("round " + round)
            .isEmpty();
        long valid = created.stream().filter(s -> r.authenticate(s.token()).isPresent()).count();
        assertThat(valid).as("round " + round).isEqualTo(1);
      }
    } finally {
      shutdown(pool);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // A limit per user

  @Test
  void aCreateBeyondTheLimitEndsTheLeastRecentlyActive() {
    SessionRegistry capped =
        registry(
            b ->
                b.idleTimeout(IDLE_TIMEOUT)
                    .maxSessionsPerUser(3, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE));
    String user = newUserId();
    List<IssuedSession> sessions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sessions.add(capped.create(user));
      clock.advance(Duration.ofSeconds(1));
    }
    clock.advance(TOUCH_INTERVAL);
    assertThat(capped.touch(sessions.get(0).session())).isPresent(); // now the most recently active

    IssuedSession fourth = capped.create(user);

    assertThat(capped.authenticate(sessions.get(1).token())).as("least recently active").isEmpty();
    assertThat(events.revoked(RevocationReason.SESSION_LIMIT, user))
        .containsExactly(sessions.get(1).session().id());
    assertThat(capped.list(user))
        .extracting(Session::id)
        .containsExactlyInAnyOrder(
            fourth.session().id(), sessions.get(0).session().id(), sessions.get(2).session().id());

    IssuedSession fifth = capped.create(user);
    assertThat(events.revoked(RevocationReason.SESSION_LIMIT, user))
        .as("then the next least recently active")
        .containsExactly(sessions.get(1).session().id(), sessions.get(2).session().id());
    assertThat(capped.list(user)).hasSize(3).extracting(Session::id).contains(fifth.session().id());
  }

  @Test
  void aRequestsOwnLimitIsAppliedInsteadOfTheRegistrys() {
    SessionRegistry capped =
        registry(b -> b.maxSessionsPerUser(5, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE));
    String user = newUserId();
    SessionLimit two = new SessionLimit(2, SessionLimit.Policy.REFUSE_NEW);
    capped.create(NewSession.forUser(user).withLimit(two));
    capped.create(NewSession.forUser(user).withLimit(two));

    assertThatThrownBy(() -> capped.create(NewSession.forUser(user).withLimit(two)))
        .isInstanceOf(SessionLimitExceededException.class);
    assertThat(capped.list(user)).hasSize(2);
    IssuedSession third = capped.create(user); // the registry's own limit, 5
    assertThat(capped.list(user)).hasSize(3).extracting(Session::id).contains(third.session().id());
    IssuedSession ending =
        capped.create(
            NewSession.forUser(user)
                .withLimit(new SessionLimit(1, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE)));
    assertThat(capped.list(user)).extracting(Session::id).containsExactly(ending.session().id());
    assertThat(events.revoked(RevocationReason.SESSION_LIMIT, user)).hasSize(3);
  }

  @Test
  void expiredSessionsDoNotCountTowardsTheLimit() {
    SessionRegistry capped =
        registry(
            b -> b.idleTimeout(IDLE_TIMEOUT).maxSessionsPerUser(2, SessionLimit.Policy.REFUSE_NEW));
    String user = newUserId();
    capped.create(user);
    capped.create(user);
    clock.advance(IDLE_TIMEOUT.plusMinutes(1)); // both idle past their timeout

    IssuedSession fresh = capped.create(user);

    assertThat(capped.authenticate(fresh.token())).isPresent();
    assertThat(events.revoked(RevocationReason.SESSION_LIMIT, user)).isEmpty();
  }

  @Test
  void aCreateBeyondTheLimitIsRefusedWithNothingWritten() {
    SessionRegistry capped =
        registry(
            b -> b.idleTimeout(IDLE_TIMEOUT).maxSessionsPerUser(2, SessionLimit.Policy.REFUSE_NEW));
    String user = newUserId();
    List<IssuedSession> kept = List.of(capped.create(user), capped.create(user));
    int createdBefore = events.created.size();

    assertThatThrownBy(() -> capped.create(user))
        .isInstanceOf(SessionLimitExceededException.class)
        .hasMessageContaining(user)
        .hasMessageContaining("2 live sessions");

    assertThat(store.findByUser(user))
        .as("nothing left behind")
        .extracting(Session::id)
        .containsExactlyInAnyOrderElementsOf(ids(kept));
    assertThat(events.created).hasSize(createdBefore);
    for (IssuedSession s : kept) {
      assertThat(capped.authenticate(s.token())).isPresent();
    }
    capped.revoke(user, kept.get(0).session().id());
    assertThat(capped.authenticate(capped.create(user).token())).as("room again").isPresent();
  }

  /**
   * 64 creates of one user at once, behind a barrier, with a limit of 5: a reader never lists more than 5 live
   * sessions, the 5 older (less recently active) sessions are all ended, the 5 that survive are new ones, and every
   * other session is ended exactly once. A check-then-act limit fails this within a few rounds.
   */
  @Test
  void concurrentCreatesNeverLeaveMoreThanTheLimit() throws Exception {
    int limit = 5;
    int creators = 64;
    SessionRegistry capped =
        registry(
            b ->
                b.idleTimeout(IDLE_TIMEOUT)
                    .maxSessionsPerUser(limit, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE));
    ExecutorService pool = Executors.newFixedThreadPool(creators + 1);
    long start = System.nanoTime();
    try {
      for (int round = 0; moreRounds(round, 10, start); round++) {
        String user = newUserId();
        List<IssuedSession> older =
            IntStream.range(0, limit).mapToObj(i -> capped.create(user)).toList();
        clock.advance(
            Duration.ofSeconds(1)); // the new ones are more recently active than all of these
        CyclicBarrier go = new CyclicBarrier(creators + 1);
        AtomicBoolean creating = new AtomicBoolean(true);
        List<Future<IssuedSession>> creates = new ArrayList<>();
        for (int c = 0; c < creators; c++) {
          creates.add(
              pool.submit(
                  () -> {
                    go.await();
                    return capped.create(user);
                  }));
        }
        Future<Integer> reader =
            pool.submit(
                () -> {
                  go.await();
                  int most = 0;
                  while (creating.get()) {
                    most = Math.max(most, capped.list(user).size());
                  }
                  return most;
                });
        List<IssuedSession> created = new ArrayList<>();
        for (Future<IssuedSession> f : creates) {
          created.add(f.get(60, TimeUnit.SECONDS));
        }
        creating.set(false);
        assertThat(reader.get(60, TimeUnit.SECONDS))
            .as("the most live sessions a reader saw, round " + round)
            .isLessThanOrEqualTo(limit);

        List<String> ended = events.revoked(RevocationReason.SESSION_LIMIT, user);
        assertThat(ended)
            .as("ended once each: the older ones, and all new ones but the survivors")
            .doesNotHaveDuplicates()
            .hasSize(creators)
            .containsAll(ids(older));
        List<String> survivors = capped.list(user).stream().map(Session::id).toList();
        assertThat(survivors)
            .hasSize(limit)
            .doesNotContainAnyElementsOf(ended)
            .isSubsetOf(ids(created));
        long valid =
            created.stream().filter(s -> capped.authenticate(s.token()).isPresent()).count();
        assertThat(valid).as("tokens that still authenticate").isEqualTo(limit);
      }
    } finally {
      shutdown(pool);
    }
  }

  /** With the refusing policy, of 64 creates at once exactly the limit succeed, and the refused leave nothing. */
  @Test
  void concurrentCreatesAtTheLimitAreRefusedExactly() throws Exception {
    int limit = 5;
    int creators = 64;
    SessionRegistry capped =
        registry(
            b ->
                b.idleTimeout(IDLE_TIMEOUT)
                    .maxSessionsPerUser(limit, SessionLimit.Policy.REFUSE_NEW));
    ExecutorService pool = Executors.newFixedThreadPool(creators);
    long start = System.nanoTime();
    try {
      for (int round = 0; moreRounds(round, 5, start); round++) {
        String user = newUserId();
        CyclicBarrier go = new CyclicBarrier(creators);
        List<Future<IssuedSession>> creates = new ArrayList<>();
        for (int c = 0; c < creators; c++) {
          creates.add(
              pool.submit(
                  () -> {
                    go.await();
                    try {
                      return capped.create(user);
                    } catch (SessionLimitExceededException e) {
                      return null;
                    }
                  }));
        }
        List<IssuedSession> accepted = new ArrayList<>();
        for (Future<IssuedSession> f : creates) {
          IssuedSession s = f.get(60, TimeUnit.SECONDS);
          if (s != null) {
            accepted.add(s);
          }
        }
        assertThat(accepted).as("round " + round).hasSize(limit);
        assertThat(store.findByUser(user))
            .extracting(Session::id)
            .containsExactlyInAnyOrderElementsOf(ids(accepted));
      }
    } finally {
      shutdown(pool);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Revoke everyone

  @Test
  void revokeEveryoneEndsEverySessionThatExistedAndNothingAfter() {
    List<String> users = List.of(newUserId(), newUserId(), newUserId());
    List<IssuedSession> sessions = new ArrayList<>();
    for (String user : users) {
      sessions.add(registry.create(user));
      sessions.add(registry.create(user));
    }
    AtomicInteger told = new AtomicInteger();
    SessionRegistry withListener =
        registry(
            b ->
                b.idleTimeout(IDLE_TIMEOUT)
                    .listener(
                        new SessionListener() {
                          @Override
                          public void everyoneRevoked() {
                            told.incrementAndGet();
                          }
                        }));

    withListener.revokeEveryone();

    clock.advance(TOUCH_INTERVAL);
    for (IssuedSession s : sessions) {
      assertThat(registry.authenticate(s.token())).isEmpty();
      assertThat(registry.touch(s.session())).as("cannot be touched back").isEmpty();
    }
    for (String user : users) {
      assertThat(registry.list(user)).isEmpty();
    }
    assertThat(told).hasValue(1);
    IssuedSession after = registry.create(users.get(0));
    assertThat(registry.authenticate(after.token())).as("a session created after").isPresent();
    assertThat(registry.list(users.get(0)))
        .extracting(Session::id)
        .containsExactly(after.session().id());
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** A session, with the sequence numbers taken just before its create started and just after it returned. */
  private record Created(IssuedSession issued, long started, long sequence) {}

  /**
   * Race tests run at least {@code minimum} rounds and at least two seconds (a fast store gets many more rounds to
   * hit narrow windows), and at most 2,000 rounds.
   */
  private static boolean moreRounds(int done, int minimum, long startNanos) {
    return done < minimum
        || (done < 2_000 && System.nanoTime() - startNanos < TimeUnit.SECONDS.toNanos(2));
  }

  private static List<String> ids(List<IssuedSession> sessions) {
    return sessions.stream().map(i -> i.session().id()).toList();
  }

  private static void assertBadArgument(Runnable call, String messageStart) {
    assertThatThrownBy(call::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(messageStart);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Walking and counting every session

  /**
   * Whether the store walks every session in a stable order (by id), each once, at most {@code limit} per page. Default
   * true; a store that walks with {@code SCAN} (Redis) says false, and is held to returning every session alive
   * throughout the walk at least once, inventing none.
   */
  protected boolean walksEachSessionOnce() {
    return true;
  }

  /**
   * Runs the rest of a walking test only on a store that walks: on another, the test is reported skipped (not passed),
   * and {@link #walkingEverySessionIsSupportedOrRefusedInATypedWay} asserts the refusal.
   */
  private void assumeListing() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        store.supportsListing(),
        "the store does not walk every session; its typed refusal is asserted by"
            + " walkingEverySessionIsSupportedOrRefusedInATypedWay");
  }

  /** Every page of a walk from the start, at most {@code maxPages} (a walk that does not end fails). */
  private List<SessionPage> walk(int limit, Runnable betweenPages) {
    List<SessionPage> pages = new ArrayList<>();
    String cursor = "";
    do {
      SessionPage page = registry.listAll(cursor, limit);
      pages.add(page);
      cursor = page.nextCursor();
      assertThat(pages.size()).as("pages of a walk that should end").isLessThan(5_000);
      betweenPages.run();
    } while (!cursor.isEmpty());
    return pages;
  }

  @Test
  void walkingEverySessionIsSupportedOrRefusedInATypedWay() {
    if (store.supportsListing()) {
      assertThat(registry.listAll("", 10)).isNotNull();
      assertThat(registry.count()).isNotNull();
      return;
    }
    String user = newUserId();
    registry.create(user);
    assertThatThrownBy(() -> registry.listAll("", 10))
        .isInstanceOf(ListingUnsupportedException.class)
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> registry.count()).isInstanceOf(ListingUnsupportedException.class);
    assertThatThrownBy(() -> store.listAll("", 10, clock.instant()))
        .isInstanceOf(ListingUnsupportedException.class);
    assertThatThrownBy(() -> store.countAll(clock.instant()))
        .isInstanceOf(ListingUnsupportedException.class);
    assertThat(registry.list(user)).hasSize(1);
  }

  @Test
  void aWalkReturnsEverySessionSanitizedAndInventsNone() {
    assumeListing();
    Map<String, Session> created = new HashMap<>();
    for (int u = 0; u < 5; u++) {
      String user = newUserId();
      for (int i = 0; i < 5; i++) {
        Session s =
            registry
                .create(
                    NewSession.forUser(user)
                        .withDeviceId("d" + i)
                        .withRoles(Set.of("system_user"))
                        .withProps(
                            Map.of("platform", "Linux", "csrf", "kq3xhgrbx3byxyt8zg4gmpw1ch")))
                .session();
        created.put(s.id(), s);
      }
    }
    List<SessionPage> pages = walk(7, () -> {});
    List<String> ids = new ArrayList<>();
    for (SessionPage page : pages) {
      if (walksEachSessionOnce()) {
        assertThat(page.sessions().size()).as("a page's sessions").isLessThanOrEqualTo(7);
      }
      for (Session s : page.sessions()) {
        ids.add(s.id());
        assertThat(s.props()).doesNotContainKey("csrf");
        Session mine = created.get(s.id());
        if (mine != null) {
          assertThat(s)
              .as("as stored, less its secret props")
              .isEqualTo(mine.withoutProps(Set.of("csrf")));
        }
      }
    }
    assertThat(ids).containsAll(created.keySet());
    if (walksEachSessionOnce()) {
      assertThat(ids).as("each once, by id").doesNotHaveDuplicates().isSorted();
    }
  }

  @Test
  void aWalkLeavesOutRevokedAndExpiredSessions() {
    assumeListing();
    String user = newUserId();
    Session idle = registry.create(user).session();
    clock.advance(IDLE_TIMEOUT.plusMinutes(1));
    Session live = registry.create(user).session();
    Session revoked = registry.create(user).session();
    registry.revoke(user, revoked.id());
    String gone = newUserId();
    Session all1 = registry.create(gone).session();
    Session all2 = registry.create(gone).session();
    registry.revokeAll(gone);

    List<String> ids = new ArrayList<>();
    walk(100, () -> {}).forEach(p -> p.sessions().forEach(s -> ids.add(s.id())));
    assertThat(ids)
        .contains(live.id())
        .doesNotContain(idle.id(), revoked.id(), all1.id(), all2.id());
  }

  @Test
  void aWalkDuringCreatesAndRevokesReturnsEverySessionAliveThroughoutAndInventsNone()
      throws Exception {
    assumeListing();
    Set<String> stable = new java.util.HashSet<>();
    for (int u = 0; u < 4; u++) {
      String user = newUserId();
      for (int i = 0; i < 10; i++) {
        stable.add(registry.create(user).session().id());
      }
    }
    String churnUser = newUserId();
    Set<String> everCreated = java.util.concurrent.ConcurrentHashMap.newKeySet();
    everCreated.addAll(stable);
    AtomicBoolean walking = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<Integer> churn =
        pool.submit(
            () -> {
              int n = 0;
              while (walking.get()) {
                Session s = registry.create(churnUser).session();
                everCreated.add(s.id());
                if (n++ % 3 == 0) {
                  registry.revokeAll(churnUser);
                } else {
                  registry.revoke(churnUser, s.id());
                }
              }
              return n;
            });
    List<Session> seen = new ArrayList<>();
    try {
      walk(5, () -> Thread.yield()).forEach(p -> seen.addAll(p.sessions()));
    } finally {
      walking.set(false);
    }
    assertThat(churn.get(60, TimeUnit.SECONDS)).isPositive();
    shutdown(pool);
    List<String> ids = seen.stream().map(Session::id).toList();
    assertThat(ids).as("every session alive throughout the walk").containsAll(stable);
    for (Session s : seen) {
      if (s.userId().equals(churnUser)) {
        assertThat(everCreated).as("nothing invented").contains(s.id());
      }
    }
    if (walksEachSessionOnce()) {
      assertThat(ids).doesNotHaveDuplicates();
    }
  }

  @Test
  void countCountsTheLiveSessions() {
    assumeListing();
    Instant before = clock.instant();
    SessionCount first = registry.count();
    String user = newUserId();
    for (int i = 0; i < 3; i++) {
      registry.create(user);
    }
    registry.revoke(user, registry.create(user).session().id());
    SessionCount after = registry.count();
    assertThat(after.exact())
        .as("countsExactly() says, without counting, what a count will be")
        .isEqualTo(store.countsExactly());
    assertThat(after.countedAt()).isAfterOrEqualTo(before);
    assertThat(after.countedAt()).isBeforeOrEqualTo(clock.instant());
    if (after.exact()) {
      // Tests of other users may run against the same database at once: at least ours.
      assertThat(after.count()).isGreaterThanOrEqualTo(first.count() + 3);
    } else {
      assertThat(after.count()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void aBadCursorOrLimitIsRefusedNamingIt() {
    assumeListing();
    for (String bad : List.of("not-a-cursor-at-all!", "x".repeat(600), "a b", "\u0000")) {
      assertThatThrownBy(() -> registry.listAll(bad, 10))
          .isInstanceOf(BadCursorException.class)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cursor");
    }
    assertThatThrownBy(() -> registry.listAll("", 0)).hasMessageContaining("limit");
    assertThatThrownBy(() -> registry.listAll("", 1001)).hasMessageContaining("limit");
  }

  private static void shutdown(ExecutorService pool) throws InterruptedException {
    pool.shutdownNow();
    if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
      fail("worker threads did not stop");
    }
  }

  /** Fresh ids for tests, from a registry-independent source. */
  private static final class IssuedIds {
    private static final String ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    static String next() {
      StringBuilder b = new StringBuilder(26);
      for (int i = 0; i < 26; i++) {
        b.append(ALPHABET.charAt(RANDOM.nextInt(32)));
      }
      return b.toString();
    }
  }

  /** Records what listeners hear. */
  protected static final class Events implements SessionListener {
    final List<String> created = Collections.synchronizedList(new ArrayList<>());
    final Map<RevocationReason, List<Session>> revoked =
        new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void sessionCreated(Session session) {
      created.add(session.id());
    }

    @Override
    public void sessionRevoked(Session session, RevocationReason reason) {
      revoked
          .computeIfAbsent(reason, r -> Collections.synchronizedList(new ArrayList<>()))
          .add(session);
    }

    /** Ids of the sessions revoked for this reason, in order. */
    List<String> revoked(RevocationReason reason) {
      return revokedSessions(reason).stream().map(Session::id).toList();
    }

    /** Ids of the user's sessions revoked for this reason: a shared store may report other tests' sessions too. */
    List<String> revoked(RevocationReason reason, String userId) {
      return revokedSessions(reason).stream()
          .filter(s -> s.userId().equals(userId))
          .map(Session::id)
          .toList();
    }

    private List<Session> revokedSessions(RevocationReason reason) {
      List<Session> sessions = revoked.getOrDefault(reason, List.of());
      synchronized (sessions) {
        return List.copyOf(sessions);
      }
    }
  }
}
