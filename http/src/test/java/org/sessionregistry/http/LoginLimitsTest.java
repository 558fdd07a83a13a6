package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;

/** The limits in front of the password check: none of them costs a hash, and the owner keeps a way in. */
class LoginLimitsTest {
  private final String userId = Ids.newId();
  private final LoginUser user = new LoginUser(userId, "user", "user@example.com", "system_user");
  private final AtomicInteger checks = new AtomicInteger();
  private final SessionRegistry registry = SessionRegistry.builder().store(InMemorySessionStore.create()).build();

  /** Knows "user" by username and email; checks take 20 ms, as a slow hash would, and are counted. */
  private final LoginVerifier verifier = new LoginVerifier() {
    @Override
    public Optional<LoginUser> verify(String loginId, String password) {
      checks.incrementAndGet();
      sleep(20);
      return userIdOf(loginId).isPresent() && password.equals("right password") ? Optional.of(user)
          : Optional.empty();
    }

    @Override
    public Optional<String> userIdOf(String loginId) {
      return loginId.equalsIgnoreCase("user") || loginId.equalsIgnoreCase("user@example.com") ? Optional.of(userId)
          : Optional.empty();
    }
  };

  /** 40 wrong logins at once, one user, one address: at most the limit of them are checked, then it is locked. */
  @Test
  void parallelWrongLoginsAreCheckedNoMoreThanTheLimit() throws Exception {
    MattermostSessionApi api = MattermostSessionApi.builder(registry, verifier).maxConcurrentPasswordChecks(64)
        .build();
    ExecutorService pool = Executors.newFixedThreadPool(40);
    try {
      CyclicBarrier start = new CyclicBarrier(40);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(pool.submit(() -> {
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
    assertError(api.handle(login("user", "right password", "203.0.113.1")), 401,
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
      assertError(api.handle(login("user", "wrong", "203.0.113.1")), 401,
          "api.user.login.invalid_credentials_email_username");
      assertError(api.handle(login("USER@example.com", "wrong", "203.0.113.1")), 401,
          "api.user.login.invalid_credentials_email_username");
    }
    assertError(api.handle(login("user@example.com", "right password", "203.0.113.1")), 401,
        "api.user.check_user_login_attempts.too_many.app_error");
    assertThat(api.handle(login("user", "right password", "198.51.100.2")).status())
        .as("the owner, from another address").isEqualTo(200);
    assertThat(checks).hasValue(11);
  }

  /**
   * Beyond the password checks allowed at once, a login is answered 429 with Retry-After, at once, without a check;
   * requests that need no password are not held up.
   */
  @Test
  void passwordChecksBeyondTheBoundAre429AtOnceAndUnhashed() throws Exception {
    CountDownLatch checking = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    LoginVerifier blocking = (login, password) -> {
      checking.countDown();
      await(release);
      return Optional.empty();
    };
    MattermostSessionApi api = MattermostSessionApi.builder(registry, blocking).maxConcurrentPasswordChecks(1).build();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<HttpResponse> first = pool.submit(() -> api.handle(login("a", "x", "203.0.113.1")));
      assertThat(checking.await(10, TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      HttpResponse second = api.handle(login("b", "y", "198.51.100.2"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(50));
      assertError(second, 429, "api.user.login.too_many_requests.app_error");
      assertThat(second.header("Retry-After")).isEqualTo("1");
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(401);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void anAddressHasARateOfLoginAttemptsAndOfFailures() {
    MattermostSessionApi api = MattermostSessionApi.builder(registry, verifier).loginsPerAddressPerMinute(3)
        .maxFailedLoginsPerAddress(100).build();
    for (int i = 0; i < 3; i++) {
      assertThat(api.handle(login("nobody" + i, "x", "203.0.113.1")).status()).isEqualTo(401);
    }
    HttpResponse limited = api.handle(login("user", "right password", "203.0.113.1"));
    assertError(limited, 429, "api.user.login.too_many_requests.app_error");
    assertThat(limited.header("Retry-After")).isEqualTo("60");
    assertThat(api.handle(login("user", "right password", "198.51.100.2")).status()).isEqualTo(200);

    checks.set(0);
    MattermostSessionApi spraying = MattermostSessionApi.builder(registry, verifier).maxFailedLoginsPerAddress(5)
        .build();
    for (int i = 0; i < 5; i++) {
      assertThat(spraying.handle(login("someone" + i, "x", "203.0.113.9")).status()).isEqualTo(401);
    }
    HttpResponse sprayed = spraying.handle(login("someone-else", "x", "203.0.113.9"));
    assertError(sprayed, 429, "api.user.login.too_many_requests.app_error");
    assertThat(sprayed.header("Retry-After")).isEqualTo("900");
    assertThat(checks).as("the sixth was not checked").hasValue(5);
  }

  private static HttpRequest login(String loginId, String password, String address) {
    return new HttpRequest("POST", "/api/v4/users/login", Map.of("Content-Type", List.of("application/json")),
        ("{\"login_id\":\"" + loginId + "\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8),
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
