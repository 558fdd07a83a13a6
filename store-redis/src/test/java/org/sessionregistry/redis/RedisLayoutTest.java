package org.sessionregistry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.redis.internal.UserDigest;
import org.sessionregistry.spi.TokenHash;
import org.sessionregistry.testing.MutableClock;
import redis.clients.jedis.RedisClient;

/**
 * The Redis layout's own rules: one key per user named by a digest of the user id that opens every token, a set that
 * cleans itself by time.
 */
class RedisLayoutTest {
  private static OwnedRedis server;
  private static RedisClient client;
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final RedisSessionStore store =
      RedisSessionStore.builder().client(client, "test").clock(clock).build();
  private final SessionRegistry registry =
      SessionRegistry.builder().store(store).clock(clock).idleTimeout(Duration.ofHours(1)).build();

  private static long millisSince(long nanoTime) {
    return (System.nanoTime() - nanoTime + 999_999) / 1_000_000;
  }

  @BeforeAll
  static void start() throws Exception {
    server = OwnedRedis.standalone();
    client = RedisClient.create("127.0.0.1", server.port());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void aUsersSessionsAreOneSortedSetNamedByTheTokenAlone() {
    String user = Ids.newId();
    long created = System.nanoTime();
    IssuedSession issued = registry.create(user);
    String digest = UserDigest.of(user);
    String key = "sr:{" + digest + "}";

    assertThat(digest).hasSize(52).matches("[ybndrfg8ejkmcpqxot1uwisza345h769]{52}");
    assertThat(issued.token()).startsWith(digest).hasSize(78).doesNotContain(user);
    assertThat(TokenHash.of(issued.token()).routingPrefix()).isEqualTo(digest);
    assertThat(store.key(user)).isEqualTo(key);
    assertThat(client.type(key)).isEqualTo("zset");
    List<String> members = client.zrange(key, 0, -1);
    String id = issued.session().id();
    assertThat(members)
        .as(
            "a header and the rest of the record, user id included, in parts that keep the set compact")
        .hasSize(3)
        .allSatisfy(m -> assertThat(m).startsWith(id).hasSizeLessThanOrEqualTo(64));
    assertThat(members.get(0)).startsWith(id + "003");
    assertThat(String.join("", members.subList(1, 3)).replace(id + "01", "").replace(id + "02", ""))
        .contains("26:" + user);
    assertThat(members.get(1)).startsWith(id + "01");
    assertThat(String.join("", members)).doesNotContain(issued.token());
    assertThat(client.zscore(key, members.get(0))).isZero();
    assertThat(client.objectEncoding(key)).isEqualTo("listpack");
    long ttl = client.pttl(key);
    // Redis counts the TTL down in real time since the create set it: by no more than the time this
    // test measured.
    assertThat(ttl)
        .as("the TTL covers the session's retain-until, an hour of idle time")
        .isBetween(
            Duration.ofHours(1).toMillis() - millisSince(created) - 1,
            Duration.ofHours(1).toMillis() + 1);
  }

  /** Props that do not fit one part are cut between characters, never inside one, and read back whole. */
  @Test
  void aLongRecordIsCutIntoPartsAndReadBackWhole() {
    String user = Ids.newId();
    Map<String, String> props =
        Map.of("browser", "Fírefox/120 ✓ ".repeat(40), "os", "€".repeat(100));
    IssuedSession issued =
        registry.create(
            org.sessionregistry.NewSession.forUser(user)
                .withProps(props)
                .withDeviceId("device-é".repeat(20)));

    assertThat(client.zcard(store.key(user))).isGreaterThan(30);
    assertThat(
            client.zrange(store.key(user).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, -1))
        .allSatisfy(m -> assertThat(m.length).isLessThanOrEqualTo(64));
    assertThat(registry.authenticate(issued.token())).contains(issued.session());
    assertThat(registry.list(user)).containsExactly(issued.session());
    assertThat(issued.session().props()).isEqualTo(props);
    assertThat(store.deleteAllOfUser(user, null)).containsExactly(issued.session());
  }

  /** Past 128 members Redis keeps a set as a skip list, where every member costs the same: parts would only cost. */
  @Test
  void aLargeSetTakesRecordsWhole() {
    String user = Ids.newId();
    for (int i = 0; i < 60; i++) {
      registry.create(user);
    }
    assertThat(client.objectEncoding(store.key(user))).isEqualTo("skiplist");
    long before = client.zcard(store.key(user));
    IssuedSession whole = registry.create(user);
    assertThat(client.zcard(store.key(user)) - before).as("a header and one part").isEqualTo(2);
    assertThat(registry.authenticate(whole.token())).contains(whole.session());
    assertThat(registry.list(user)).hasSize(61);
    registry.revokeAllExcept(user, whole.session().id());
    assertThat(registry.list(user)).containsExactly(whole.session());
  }

  @Test
  void theKeysTtlOnlyGrows() {
    String user = Ids.newId();
    IssuedSession first = registry.create(user);
    clock.advance(Duration.ofMinutes(30));
    registry.touch(first.session());
    long read = System.nanoTime();
    long touched = client.pttl(store.key(user));
    registry.create(user);
    long afterCreate = client.pttl(store.key(user));
    // Unchanged, the TTL would have counted down by the real time between the two reads: no more
    // than measured here.
    assertThat(afterCreate).isGreaterThanOrEqualTo(touched - millisSince(read) - 1);
    registry.revoke(user, first.session().id());
    assertThat(client.pttl(store.key(user))).isPositive();
  }

  @Test
  void theSetDropsSessionsPastTheirRetainUntil() {
    String user = Ids.newId();
    IntStream.range(0, 3).forEach(i -> registry.create(user));
    assertThat(sessionsInRedis(user)).isEqualTo(3);

    clock.advance(Duration.ofHours(1).plusMillis(1));
    assertThat(registry.list(user)).as("readers skip them").isEmpty();
    IssuedSession fresh = registry.create(user);
    assertThat(sessionsInRedis(user))
        .as("three expired sessions pruned by the create")
        .isEqualTo(1);
    assertThat(registry.list(user)).containsExactly(fresh.session());
  }

  @Test
  void touchNeverRevivesASessionPastItsRetainUntil() {
    String user = Ids.newId();
    Session s = registry.create(user).session();
    clock.advance(Duration.ofHours(1).plusMillis(1));

    assertThat(
            store.touch(
                user,
                s.id(),
                clock.instant(),
                s.expiresAt(),
                clock.instant().plus(Duration.ofHours(1))))
        .isFalse();
    assertThat(client.exists(store.key(user))).as("removed, not revived").isFalse();
  }

  /**
   * Thousands of sessions past their time: a create looks at 128 members at most (so its cost does not grow with the
   * set), readers skip them, and the revokes go through (Lua's unpack takes a few thousand values at most).
   */
  @Test
  void thousandsOfStaleMembersDoNotBreakTheScripts() {
    String user = Ids.newId();
    Map<String, Double> stale = new HashMap<>();
    String past = String.format("%013d", clock.millis() - 1);
    for (int i = 0; i < 8_100; i++) {
      String id = Ids.newId();
      stale.put(id + "003" + past + past, 0.0);
      stale.put(id + "01" + past + past + "0:0:26:" + user + "{}", 0.0);
    }
    client.zadd(store.key(user), stale);

    IssuedSession issued = registry.create(user);
    assertThat(sessionsInRedis(user))
        .as("at most 64 stale sessions (128 members) pruned by one create")
        .isBetween(8_101L - 64, 8_101L);
    assertThat(registry.list(user)).extracting(Session::id).containsExactly(issued.session().id());
    client.zadd(store.key(user), stale);
    registry.revokeAllExcept(user, issued.session().id());
    assertThat(registry.list(user)).extracting(Session::id).containsExactly(issued.session().id());
    client.zadd(store.key(user), stale);
    registry.revokeAll(user);
    assertThat(client.exists(store.key(user))).isFalse();
  }

  /** A client that retries an insert whose answer it lost (a timeout) finds it done, not a duplicate. */
  @Test
  void aRetriedInsertIsDoneOnce() {
    String user = Ids.newId();
    IssuedSession issued = registry.create(user);
    Session s = issued.session();

    store.insert(
        s,
        TokenHash.of(issued.token()),
        s.createdAt().plus(Duration.ofHours(1)),
        SessionLimit.unlimited(),
        false);
    assertThat(registry.list(user)).containsExactly(s);
  }

  @Test
  void aSessionThatDoesNotMatchItsTokenIsRefusedAndNothingIsWritten() {
    String user = Ids.newId();
    Session s = registry.create(user).session();
    Session other =
        new Session(
            Ids.newId(),
            user,
            s.createdAt(),
            s.expiresAt(),
            s.lastActivityAt(),
            "",
            Set.of(),
            Map.of());
    String token = UserDigest.of(user) + Ids.newId(); // shaped as this store's tokens are

    assertThatThrownBy(
            () ->
                store.insert(
                    other, TokenHash.of(token), s.expiresAt(), SessionLimit.unlimited(), false))
        .isInstanceOf(SessionStoreException.class)
        .hasMessageContaining("does not match its token")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    assertThatThrownBy(
            () ->
                store.insert(
                    s, TokenHash.of(Ids.newId()), s.expiresAt(), SessionLimit.unlimited(), false))
        .isInstanceOf(SessionStoreException.class);
    assertThat(registry.list(user)).containsExactly(s);
  }

  @Test
  void aTokenNamingAnotherUserOrNoUserFindsNothing() {
    String user = Ids.newId();
    IssuedSession issued = registry.create(user);
    String random = issued.token().substring(UserDigest.LENGTH);

    assertThat(registry.authenticate(UserDigest.of(Ids.newId()) + random)).isEmpty();
    assertThat(registry.authenticate(user + random))
        .as("shaped as a token of record version 1")
        .isEmpty();
    assertThat(registry.authenticate(Ids.newId() + random)).isEmpty();
    assertThat(registry.authenticate(random)).isEmpty();
    assertThat(registry.authenticate("ab" + random)).isEmpty();
    assertThat(registry.authenticate(issued.token())).isPresent();
  }

  @Test
  void aMemberOfAnUnknownVersionFailsReadsTypedAndIsStillRevoked() {
    String user = Ids.newId();
    Session s = registry.create(user).session();
    String future = Ids.newId();
    client.zadd(store.key(user), 0, future + "009" + "header of a future record");

    assertThatThrownBy(() -> registry.list(user))
        .isInstanceOf(SessionStoreException.class)
        .hasMessageContaining("session " + future + " in record version 9");
    assertThatThrownBy(
            () -> store.touch(user, future, clock.instant(), clock.instant(), clock.instant()))
        .isInstanceOf(SessionStoreException.class)
        .hasMessageContaining("version 9");
    IssuedSession later = registry.create(user);
    assertThat(later.session().id()).as("creates still work beside it").isNotNull();
    assertThat(store.deleteAllOfUser(user, null))
        .as("the readable ones reported, all removed")
        .containsExactlyInAnyOrder(s, later.session());
    assertThat(client.exists(store.key(user))).isFalse();
  }

  @Test
  void aDamagedRecordFailsTypedWithoutQuotingIt() {
    String user = Ids.newId();
    String id = Ids.newId();
    String now = String.format("%013d", clock.millis());
    client.zadd(store.key(user), 0, id + "003" + now + now);
    client.zadd(store.key(user), 0, id + "01" + "x-secret-csrf-value:{\"csrf\":\"x-secret\"}");

    assertThatThrownBy(() -> registry.list(user))
        .isInstanceOf(SessionStoreException.class)
        .hasMessageContaining("session " + id)
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
  }

  /**
   * Two users whose digests were equal (a SHA-256 collision, simulated by copying one's record under the other's key)
   * still see only their own sessions: the record holds its user id, and readers compare it.
   */
  @Test
  void aRecordOfAnotherUserUnderTheKeyIsNotTheirs() {
    String alice = Ids.newId();
    String mallory = Ids.newId();
    IssuedSession hers = registry.create(alice);
    IssuedSession his = registry.create(mallory);
    client.zadd(
        store.key(alice),
        client.zrange(store.key(mallory), 0, -1).stream()
            .collect(java.util.stream.Collectors.toMap(m -> m, m -> 0.0)));

    assertThat(registry.list(alice)).containsExactly(hers.session());
    assertThat(registry.authenticate(his.token())).contains(his.session());
    assertThat(store.deleteAllOfUser(alice, null)).containsExactly(hers.session());
    assertThat(registry.list(mallory)).containsExactly(his.session());
  }

  /** Sessions, not members: headers (part 00). */
  private long sessionsInRedis(String user) {
    return client.zrange(store.key(user), 0, -1).stream()
        .filter(m -> m.startsWith("00", 26))
        .count();
  }
}
