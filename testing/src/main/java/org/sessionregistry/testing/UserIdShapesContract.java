package org.sessionregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * User ids of every shape an application may have, kept exactly and apart by a {@link SessionStore}: a Mattermost id,
 * a UUID, a number, an email, the longest id, letters beyond ASCII (a surrogate pair included), and ids that differ
 * only by case or by Unicode normalization. A store's test extends this class as it extends
 * {@link SessionStoreContract}, supplying only the store and its clean-up.
 *
 * <p>Each test makes its ids unique with a random tag, so a store shared between tests and runs needs no wiping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class UserIdShapesContract {
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private SessionStore store;
  private SessionRegistry registry;

  /** A store that reads time from {@code clock}; it may hold data of earlier tests. */
  protected abstract SessionStore createStore(Clock clock);

  /** Called after each test with the store it used. Default: closes it. */
  protected void cleanUp(SessionStore store) throws Exception {
    store.close();
  }

  @BeforeEach
  void setUpStore() {
    store = createStore(clock);
    registry = registry(SessionLimit.unlimited());
  }

  @AfterEach
  void tearDownStore() throws Exception {
    cleanUp(store);
  }

  private SessionRegistry registry(SessionLimit limit) {
    SessionRegistry.Builder b =
        SessionRegistry.builder().store(store).clock(clock).idleTimeout(Duration.ofHours(8));
    if (!limit.isUnlimited()) {
      b.maxSessionsPerUser(limit.maxSessions(), limit.policy());
    }
    return b.build();
  }

  /** The shapes, by name, each made unique by {@code tag}. */
  static Map<String, String> shapes(String tag) {
    Map<String, String> shapes = new LinkedHashMap<>();
    shapes.put("a Mattermost id", Ids.newId());
    shapes.put("a UUID", UUID.randomUUID().toString());
    shapes.put(
        "a decimal number", Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)));
    shapes.put("an email", "first.last+" + tag + "@example.com");
    String longest = tag + "-" + "x".repeat(Ids.MAX_USER_ID_LENGTH);
    shapes.put("255 characters", longest.substring(0, Ids.MAX_USER_ID_LENGTH));
    shapes.put("letters beyond ASCII", "Zoë Ångström " + tag);
    shapes.put("CJK", "山田太郎" + tag);
    shapes.put("an emoji (a surrogate pair)", "🦊" + tag + "🦊");
    shapes.put("lowercase", "alice" + tag);
    shapes.put("capitalized", "Alice" + tag);
    shapes.put("é composed (NFC)", "jos\u00e9" + tag);
    shapes.put("é decomposed (NFD)", "jose\u0301" + tag);
    shapes.put("ß", "stra\u00dfe" + tag);
    shapes.put("SS", "STRASSE" + tag);
    return shapes;
  }

  private static String tag() {
    return Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
  }

  @Test
  void everyShapeCreatesAuthenticatesListsAndRevokes() {
    for (Map.Entry<String, String> shape : shapes(tag()).entrySet()) {
      String user = shape.getValue();
      String as = shape.getKey();
      List<IssuedSession> issued = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        issued.add(registry.create(user));
      }
      for (IssuedSession s : issued) {
        assertThat(s.session().userId()).as(as).isEqualTo(user);
        assertThat(s.token()).as(as + ": a token does not show its user").doesNotContain(user);
        assertThat(registry.authenticate(s.token())).as(as).contains(s.session());
        assertThat(store.findByToken(TokenHash.of(s.token()))).as(as).contains(s.session());
      }
      assertThat(registry.list(user)).as(as).containsExactlyInAnyOrderElementsOf(sessions(issued));

      assertThat(registry.revoke(user, issued.get(0).session().id())).as(as).isTrue();
      assertThat(registry.authenticate(issued.get(0).token())).as(as).isEmpty();
      registry.revokeAllExcept(user, issued.get(1).session().id());
      assertThat(registry.list(user)).as(as).containsExactly(issued.get(1).session());
      assertThat(registry.authenticate(issued.get(2).token())).as(as).isEmpty();
      assertThat(registry.authenticate(issued.get(1).token())).as(as).isPresent();
      registry.revokeAll(user);
      assertThat(registry.list(user)).as(as).isEmpty();
      assertThat(registry.authenticate(issued.get(1).token())).as(as).isEmpty();
    }
  }

  /** No two shapes, however alike (case, normalization, ß and SS), ever see or revoke each other's sessions. */
  @Test
  void everyShapeIsItsOwnUser() {
    Map<String, IssuedSession> one = new LinkedHashMap<>();
    Map<String, String> shapes = shapes(tag());
    shapes.values().forEach(user -> one.put(user, registry.create(user)));

    for (String user : shapes.values()) {
      assertThat(registry.list(user)).as(user).containsExactly(one.get(user).session());
      assertThat(store.findByUser(user)).as(user).containsExactly(one.get(user).session());
    }
    List<String> users = List.copyOf(shapes.values());
    for (int i = 0; i < users.size(); i += 2) {
      registry.revokeAll(users.get(i));
    }
    for (int i = 0; i < users.size(); i++) {
      IssuedSession s = one.get(users.get(i));
      if (i % 2 == 0) {
        assertThat(registry.authenticate(s.token())).as(users.get(i)).isEmpty();
        assertThat(registry.list(users.get(i))).as(users.get(i)).isEmpty();
      } else {
        assertThat(registry.authenticate(s.token())).as(users.get(i)).contains(s.session());
        assertThat(registry.list(users.get(i))).as(users.get(i)).containsExactly(s.session());
        assertThat(registry.revoke(users.get(i - 1), s.session().id()))
            .as("another user's session")
            .isFalse();
      }
    }
  }

  @Test
  void theCapCountsEachShapeAlone() {
    SessionRegistry ending =
        registry(new SessionLimit(2, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE));
    SessionRegistry refusing = registry(new SessionLimit(2, SessionLimit.Policy.REFUSE_NEW));
    for (String user : shapes(tag()).values()) {
      IssuedSession first = ending.create(user);
      clock.advance(Duration.ofSeconds(1));
      IssuedSession second = ending.create(user);
      clock.advance(Duration.ofSeconds(1));
      IssuedSession third = ending.create(user);
      assertThat(ending.list(user))
          .as(user)
          .containsExactlyInAnyOrder(second.session(), third.session());
      assertThat(ending.authenticate(first.token())).as(user).isEmpty();
      assertThatThrownBy(() -> refusing.create(user))
          .as(user)
          .isInstanceOf(SessionLimitExceededException.class);
      assertThat(ending.list(user)).as(user).hasSize(2);
    }
  }

  @Test
  void surroundingWhitespaceIsRefused() {
    String user = "alice" + tag();
    registry.create(user);

    for (String spaced : List.of(user + " ", " " + user, user + "\u00a0", "\u3000" + user)) {
      assertThatThrownBy(() -> registry.create(spaced))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("userId must not begin or end with whitespace");
      assertThatThrownBy(() -> registry.list(spaced))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("userId must not begin or end with whitespace");
      assertThatThrownBy(() -> registry.revokeAll(spaced))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(registry.list(user)).hasSize(1);
    assertThat(registry.list("Zoë Ångström"))
        .as("whitespace inside is a character like any other")
        .isEmpty();
  }

  @Test
  void theLongestIdIsKeptAndOneLongerRefused() {
    String longest =
        (tag() + "-" + "é".repeat(Ids.MAX_USER_ID_LENGTH)).substring(0, Ids.MAX_USER_ID_LENGTH);
    IssuedSession issued = registry.create(longest);

    assertThat(registry.authenticate(issued.token()).map(Session::userId)).contains(longest);
    assertThatThrownBy(() -> registry.create(longest + "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("userId must be 1 to 255 characters, was 256 characters");
  }

  private static List<Session> sessions(List<IssuedSession> issued) {
    return issued.stream().map(IssuedSession::session).toList();
  }
}
