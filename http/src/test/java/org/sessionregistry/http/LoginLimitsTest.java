package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionregistry.Ids;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;

/** The limits in front of the password check: none of them costs a hash, and the owner keeps a way in. */
class LoginLimitsTest {
  private final String userId = Ids.newId();
  private final LoginUser user =
      new LoginUser(userId, "user", "user@example.com", Set.of("system_user"));
  private final AtomicInteger checks = new AtomicInteger();
  private final SessionRegistry registry =
      SessionRegistry.builder().store(InMemorySessionStore.create()).build();

  /** Knows "user" by username and email; checks take 20 ms, as a slow hash would, and are counted. */
  private final LoginVerifier verifier =
      new LoginVerifier() {
        @Override
        public Optional<LoginUser> verify(String loginId, String password) {
          checks.incrementAndGet();
          sleep(20);
          return userIdOf(loginId).isPresent() && password.equals("right password")
              ? Optional.of(user)
              : Optional.empty();
        }

        @Override
        public Optional<String> userIdOf(String loginId) {
          return loginId.equalsIgnoreCase("user") || loginId.equalsIgnoreCase("user@example.com")
              ? Optional.of(userId)
              : Optional.empty();
        }
      };

  /** 40 wrong logins at once, one user, one address: at most the limit of them are checked, then it is locked. */
  @Test
  void parallelWrongLoginsAreCheckedNoMoreThanTheLimit() throws Exception {
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, verifier).maxConcurrentPasswordChecks(64).build();
    ExecutorService pool = Executors.newFixedThreadPool(40);
    try {
      CyclicBarrier start = new CyclicBarrier(40);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return api.handle(login("user", "wrong", "203.0.113.1")).status();
                }));
      }
      for (Future<Integer> a : answers) {
        assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(401);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(checks).as("passwords checked").hasValue(10);
    assertError(
        api.handle(login("user", "right password", "203.0.113.1")),
        401,
        "api.user.check_user_login_attempts.too_many.app_error");
  }

  /**
   * Username and email count as one user; the address that failed is locked out of the user, the owner elsewhere is
   * not (before: ten guesses from anywhere locked the owner out everywhere for 15 minutes).
   */
  @Test
  void aLockoutCountsTheUserWhateverItsSpellingAndLocksOnlyTheAddressThatFailed() {
    MattermostSessionApi api = MattermostSessionApi.builder(registry, verifier).build();
    for (int i = 0; i < 5; i++) {
      assertError(
          api.handle(login("user", "wrong", "203.0.113.1")),
          401,
          "api.user.login.invalid_credentials_email_username");
      assertError(
          api.handle(login("USER@example.com", "wrong", "203.0.113.1")),
          401,
          "api.user.login.invalid_credentials_email_username");
    }
    assertError(
        api.handle(login("user@example.com", "right password", "203.0.113.1")),
        401,
        "api.user.check_user_login_attempts.too_many.app_error");
    assertThat(api.handle(login("user", "right password", "198.51.100.2")).status())
        .as("the owner, from another address")
        .isEqualTo(200);
    assertThat(checks).hasValue(11);
  }

  /**
   * Correct passwords were told "locked" by checks in flight: 12 parallel correct logins of one user got 2 "locked"
   * and 8 × 429. Now N correct and M wrong at once, M below the limit: every correct one succeeds, every wrong one is
   * told invalid credentials, none is locked; every round.
   */
  @Test
  void correctLoginsAmongFewerWrongOnesAllSucceedAndNoneIsToldLocked() throws Exception {
    MattermostSessionApi api = MattermostSessionApi.builder(registry, verifier).build();
    int correct = 12;
    int wrong = MattermostSessionApi.MAX_LOGIN_ATTEMPTS - 1;
    for (int round = 0; round < 5; round++) {
      String address = "203.0.113." + round;
      checks.set(0);
      List<HttpResponse> answers = atOnce(api, correct, wrong, address);
      for (HttpResponse r : answers.subList(0, correct)) {
        assertThat(r.status())
            .as("a correct login, round %d: %s", round, r.bodyText())
            .isEqualTo(200);
      }
      for (HttpResponse r : answers.subList(correct, answers.size())) {
        assertError(r, 401, "api.user.login.invalid_credentials_email_username");
      }
      assertThat(checks).as("every password checked").hasValue(correct + wrong);
    }
  }

  /**
   * N correct and M wrong at once, M at or above the limit: at most the limit of wrong passwords is checked, and a
   * correct login is told "locked" only when the limit of failures was recorded before its check (counted apart from
   * the store, before each failure reaches it).
   */
  @ParameterizedTest
  @ValueSource(
      ints = {MattermostSessionApi.MAX_LOGIN_ATTEMPTS, 3 * MattermostSessionApi.MAX_LOGIN_ATTEMPTS})
  void atOrAboveTheLimitNoMoreThanItAreCheckedAndOnlyRecordedFailuresLock(int wrong)
      throws Exception {
    int limit = MattermostSessionApi.MAX_LOGIN_ATTEMPTS;
    int correct = 8;
    for (int round = 0; round < 5; round++) {
      RecordingAttempts attempts = new RecordingAttempts(limit);
      MattermostSessionApi api =
          MattermostSessionApi.builder(registry, verifier)
              .loginAttempts(attempts)
              .maxConcurrentPasswordChecks(64)
              .build();
      AtomicInteger wrongChecked = new AtomicInteger();
      checks.set(0);
      List<HttpResponse> answers = atOnce(api, correct, wrong, "203.0.113.9");
      int locked = 0;
      for (HttpResponse r : answers.subList(0, correct)) {
        if (r.status() != 200) {
          assertError(r, 401, "api.user.check_user_login_attempts.too_many.app_error");
          locked++;
        }
      }
      for (HttpResponse r : answers.subList(correct, answers.size())) {
        assertThat(r.status()).as(r.bodyText()).isEqualTo(401);
        if (r.bodyText().contains("invalid_credentials")) {
          wrongChecked.incrementAndGet();
        }
      }
      assertThat(wrongChecked).as("wrong passwords checked, round %d", round).hasValue(limit);
      assertThat(checks).as("passwords checked").hasValue(limit + correct - locked);
      assertThat(attempts.lockedTooEarly)
          .as("locked before the limit of failures was recorded")
          .isEmpty();
    }
  }

  /** 50 correct logins of one user at once from one address, two checks at a time: they wait, and all succeed. */
  @Test
  void aBurstOfCorrectLoginsWaitsForTheChecksAndIsServed() throws Exception {
    AtomicInteger checking = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    LoginVerifier gauged =
        new LoginVerifier() {
          @Override
          public Optional<LoginUser> verify(String loginId, String password) {
            mostAtOnce.accumulateAndGet(checking.incrementAndGet(), Math::max);
            try {
              return verifier.verify(loginId, password);
            } finally {
              checking.decrementAndGet();
            }
          }

          @Override
          public Optional<String> userIdOf(String loginId) {
            return verifier.userIdOf(loginId);
          }
        };
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, gauged).maxConcurrentPasswordChecks(2).build();
    for (HttpResponse r : atOnce(api, 50, 0, "203.0.113.1")) {
      assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    }
    assertThat(checks).hasValue(50);
    assertThat(mostAtOnce.get()).as("passwords checked at once").isLessThanOrEqualTo(2);
    assertThat(registry.list(userId)).hasSize(50);
  }

  /**
   * Beyond the logins allowed to wait, a login is answered 429 with Retry-After at once, unhashed; one that waited
   * past the longest wait gets the same.
   */
  @Test
  void beyondTheWaitingBoundsALoginGets429TryAgainUnhashed() throws Exception {
    CountDownLatch checking = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger checked = new AtomicInteger();
    LoginVerifier blocking =
        (login, password) -> {
          checked.incrementAndGet();
          checking.countDown();
          await(release);
          return Optional.empty();
        };
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, blocking)
            .maxConcurrentPasswordChecks(1)
            .passwordCheckQueue(1, Duration.ofSeconds(30))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<HttpResponse> first = pool.submit(() -> api.handle(login("a", "x", "203.0.113.1")));
      assertThat(checking.await(10, TimeUnit.SECONDS)).isTrue();
      ExecutorCompletionService<HttpResponse> waiting = new ExecutorCompletionService<>(pool);
      waiting.submit(() -> api.handle(login("b", "y", "198.51.100.2")));
      waiting.submit(() -> api.handle(login("c", "z", "198.51.100.3")));
      HttpResponse refused = waiting.poll(10, TimeUnit.SECONDS).get();
      assertError(refused, 429, "api.user.login.too_many_requests.app_error");
      assertThat(refused.header("Retry-After")).isEqualTo("1");
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(401);
      assertThat(waiting.poll(10, TimeUnit.SECONDS).get().status())
          .as("the one that waited")
          .isEqualTo(401);
      assertThat(checked).as("the refused one was not checked").hasValue(2);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }

    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch unblock = new CountDownLatch(1);
    MattermostSessionApi impatient =
        MattermostSessionApi.builder(
                registry,
                (login, password) -> {
                  blocked.countDown();
                  await(unblock);
                  return Optional.empty();
                })
            .maxConcurrentPasswordChecks(1)
            .passwordCheckQueue(8, Duration.ofMillis(200))
            .build();
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      Future<HttpResponse> first =
          one.submit(() -> impatient.handle(login("a", "x", "203.0.113.1")));
      assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
      HttpResponse late = impatient.handle(login("b", "y", "198.51.100.2"));
      assertError(late, 429, "api.user.login.too_many_requests.app_error");
      assertThat(first.isDone())
          .as("answered while the check was still busy: the wait ended it")
          .isFalse();
      unblock.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(401);
    } finally {
      unblock.countDown();
      one.shutdownNow();
    }
  }

  @Test
  void badWaitingBoundsAreRefusedNamingTheSettingAndValue() {
    MattermostSessionApi.Builder b = MattermostSessionApi.builder(registry, verifier);
    assertThatThrownBy(() -> b.passwordCheckQueue(-1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWaiting must be 0 to 10,000, was -1");
    assertThatThrownBy(() -> b.passwordCheckQueue(8, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWait must be 1 ms to 1 minute, was PT0S");
    assertThatThrownBy(() -> b.passwordCheckQueue(8, Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWait must be 1 ms to 1 minute, was PT2M");
    assertThatThrownBy(() -> b.passwordCheckQueue(8, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWait must be 1 ms to 1 minute, was null");
  }

  /** Successes are given back to the address's rate and never count as its failures. */
  @Test
  void successesDoNotCountAgainstTheAddress() {
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, verifier)
            .loginsPerAddressPerMinute(3)
            .maxFailedLoginsPerAddress(2)
            .build();
    for (int i = 0; i < 20; i++) {
      assertThat(api.handle(login("user", "right password", "203.0.113.1")).status())
          .isEqualTo(200);
    }
    assertThat(api.handle(login("nobody", "x", "203.0.113.1")).status()).isEqualTo(401);
    assertThat(api.handle(login("user", "right password", "203.0.113.1")).status()).isEqualTo(200);
    assertThat(api.handle(login("nobody", "x", "203.0.113.1")).status()).isEqualTo(401);
    assertError(
        api.handle(login("user", "right password", "203.0.113.1")),
        429,
        "api.user.login.too_many_requests.app_error");
  }

  /** The rate refills over its minute and a lockout ends with its window, on the limits' own clock. */
  @Test
  void ratesRefillAndLockoutsEndOnTheInjectedClock() {
    FakeTicker ticker = new FakeTicker();
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, verifier)
            .ticker(ticker)
            .loginsPerAddressPerMinute(11)
            .build();
    for (int i = 0; i < 10; i++) {
      assertThat(api.handle(login("user", "wrong", "203.0.113.1")).status()).isEqualTo(401);
    }
    assertError(
        api.handle(login("user", "right password", "203.0.113.1")),
        401,
        "api.user.check_user_login_attempts.too_many.app_error");
    assertError(
        api.handle(login("user", "right password", "203.0.113.1")),
        429,
        "api.user.login.too_many_requests.app_error");
    ticker.advance(Duration.ofSeconds(10)); // two attempts back, still locked
    assertError(
        api.handle(login("user", "right password", "203.0.113.1")),
        401,
        "api.user.check_user_login_attempts.too_many.app_error");
    ticker.advance(Duration.ofMinutes(15));
    assertThat(api.handle(login("user", "right password", "203.0.113.1")).status()).isEqualTo(200);
  }

  @Test
  void anAddressHasARateOfLoginAttemptsAndOfFailures() {
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, verifier)
            .loginsPerAddressPerMinute(3)
            .maxFailedLoginsPerAddress(100)
            .build();
    for (int i = 0; i < 3; i++) {
      assertThat(api.handle(login("nobody" + i, "x", "203.0.113.1")).status()).isEqualTo(401);
    }
    HttpResponse limited = api.handle(login("user", "right password", "203.0.113.1"));
    assertError(limited, 429, "api.user.login.too_many_requests.app_error");
    assertThat(limited.header("Retry-After")).isEqualTo("60");
    assertThat(api.handle(login("user", "right password", "198.51.100.2")).status()).isEqualTo(200);

    checks.set(0);
    MattermostSessionApi spraying =
        MattermostSessionApi.builder(registry, verifier).maxFailedLoginsPerAddress(5).build();
    for (int i = 0; i < 5; i++) {
      assertThat(spraying.handle(login("someone" + i, "x", "203.0.113.9")).status()).isEqualTo(401);
    }
    HttpResponse sprayed = spraying.handle(login("someone-else", "x", "203.0.113.9"));
    assertError(sprayed, 429, "api.user.login.too_many_requests.app_error");
    assertThat(sprayed.header("Retry-After")).isEqualTo("900");
    assertThat(checks).as("the sixth was not checked").hasValue(5);
  }

  /** A flood refused by the address's rate costs no directory lookup: the rate is taken before the user is resolved. */
  @Test
  void aLoginRefusedByTheRateDoesNotLookTheUserUp() {
    AtomicInteger lookups = new AtomicInteger();
    LoginVerifier counted =
        new LoginVerifier() {
          @Override
          public Optional<LoginUser> verify(String loginId, String password) {
            return verifier.verify(loginId, password);
          }

          @Override
          public Optional<String> userIdOf(String loginId) {
            lookups.incrementAndGet();
            return verifier.userIdOf(loginId);
          }
        };
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, counted)
            .loginsPerAddressPerMinute(3)
            .maxFailedLoginsPerAddress(100)
            .build();
    for (int i = 0; i < 3; i++) {
      assertThat(api.handle(login("user", "wrong", "203.0.113.1")).status()).isEqualTo(401);
    }
    int admitted = lookups.get();
    for (int i = 0; i < 20; i++) {
      assertError(
          api.handle(login("user", "wrong", "203.0.113.1")),
          429,
          "api.user.login.too_many_requests.app_error");
    }
    assertThat(lookups).as("lookups for the 20 refused by the rate").hasValue(admitted);
  }

  /**
   * Ending the user's place failing (a blip of the shared counts) still ends the address's: a verified login succeeds
   * and frees its address place; a wrong one is answered 503 (its failure could not be recorded for the user), yet is
   * recorded for the address. Before, the first throw skipped the second key: its place leaked, and the right password
   * was answered 503.
   */
  @Test
  void endingTheUserPlaceFailingStillEndsTheAddressPlace() {
    LoginAttempts store = LoginAttempts.inProcess();
    java.util.concurrent.atomic.AtomicBoolean blip =
        new java.util.concurrent.atomic.AtomicBoolean();
    LoginAttempts blipping =
        new LoginAttempts() {
          @Override
          public long failures(String key) {
            return store.failures(key);
          }

          @Override
          public Reservation reserve(String key, String place, long limit, Duration lease) {
            return store.reserve(key, place, limit, lease);
          }

          @Override
          public void fail(String key, String place, Duration window) {
            blipOn(key);
            store.fail(key, place, window);
          }

          @Override
          public void release(String key, String place) {
            blipOn(key);
            store.release(key, place);
          }

          private void blipOn(String key) {
            if (key.startsWith("u:") && blip.getAndSet(false)) {
              throw new org.sessionregistry.SessionStoreUnavailableException("blip", null);
            }
          }
        };
    MattermostSessionApi api =
        MattermostSessionApi.builder(registry, verifier)
            .loginAttempts(blipping)
            .maxFailedLoginsPerAddress(1)
            .build();
    blip.set(true);
    assertThat(api.handle(login("user", "right password", "203.0.113.1")).status()).isEqualTo(200);
    assertThat(blip).as("the release blipped").isFalse();
    assertThat(store.reserve("a:203.0.113.1", "probe", 1, Duration.ofMinutes(1)))
        .as("the address's only place is free")
        .isEqualTo(LoginAttempts.Reservation.RESERVED);
    store.release("a:203.0.113.1", "probe");

    blip.set(true);
    assertThat(api.handle(login("user", "wrong", "203.0.113.1")).status()).isEqualTo(503);
    assertThat(store.failures("a:203.0.113.1")).as("the address's failure, recorded").isEqualTo(1);
  }

  /** {@code correct} then {@code wrong} logins of "user" from one address, all released at once; answers in order. */
  private List<HttpResponse> atOnce(
      MattermostSessionApi api, int correct, int wrong, String address) throws Exception {
    int n = correct + wrong;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CyclicBarrier start = new CyclicBarrier(n);
      List<Future<HttpResponse>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String password = i < correct ? "right password" : "wrong";
        futures.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return api.handle(login("user", password, address));
                }));
      }
      List<HttpResponse> answers = new ArrayList<>();
      for (Future<HttpResponse> f : futures) {
        answers.add(f.get(60, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * In-process counts that also count, apart from the store and before it, the failures recorded for users; and note
   * every time the store shows a user locked before that many were recorded.
   */
  private static final class RecordingAttempts implements LoginAttempts {
    final LoginAttempts store = LoginAttempts.inProcess();
    final AtomicInteger recorded = new AtomicInteger();
    final List<String> lockedTooEarly = new java.util.concurrent.CopyOnWriteArrayList<>();
    final int limit;

    RecordingAttempts(int limit) {
      this.limit = limit;
    }

    @Override
    public long failures(String key) {
      long failures = store.failures(key);
      if (key.startsWith("u:") && failures >= limit) {
        noteLocked();
      }
      return failures;
    }

    @Override
    public Reservation reserve(String key, String place, long limit, Duration lease) {
      Reservation r = store.reserve(key, place, limit, lease);
      if (key.startsWith("u:") && r == Reservation.LOCKED) {
        noteLocked();
      }
      return r;
    }

    @Override
    public void fail(String key, String place, Duration window) {
      if (key.startsWith("u:")) {
        recorded.incrementAndGet();
      }
      store.fail(key, place, window);
    }

    @Override
    public void release(String key, String place) {
      store.release(key, place);
    }

    private void noteLocked() {
      int seen = recorded.get();
      if (seen < limit) {
        lockedTooEarly.add("locked with " + seen + " failures recorded");
      }
    }
  }

  /** A ticker the test moves. */
  private static final class FakeTicker implements com.github.benmanes.caffeine.cache.Ticker {
    private final java.util.concurrent.atomic.AtomicLong nanos =
        new java.util.concurrent.atomic.AtomicLong(1);

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
  }

  private static HttpRequest login(String loginId, String password, String address) {
    return new HttpRequest(
        "POST",
        "/api/v4/users/login",
        Map.of("Content-Type", List.of("application/json")),
        ("{\"login_id\":\"" + loginId + "\",\"password\":\"" + password + "\"}")
            .getBytes(StandardCharsets.UTF_8),
        address);
  }

  private static void assertError(HttpResponse r, int status, String id) {
    assertThat(r.status()).as(r.bodyText()).isEqualTo(status);
    assertThat(r.bodyText()).contains("\"id\":\"" + id + "\"");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
