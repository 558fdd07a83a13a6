package org.sessionregistry.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.cache.FrontCache;
import org.sessionregistry.cache.InProcessInvalidationChannel;
import org.sessionregistry.memory.InMemorySessionStore;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.ForwardingSessionStore;
import org.sessionregistry.testing.MutableClock;
import org.sessionregistry.testing.UnreachableStore;

/** The meters after real operations on the in-memory store: exact counts, and no tag that could name anyone. */
class SessionRegistryMetricsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final List<String> secrets = new ArrayList<>();

  @Test
  void eachOperationIsTimedByOutcomeAndEndedSessionsAreCountedByReason() {
    ReadCountingStore store =
        new ReadCountingStore(InMemorySessionStore.builder().clock(clock).build());
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .idleTimeout(Duration.ofHours(1))
            .maxSessionsPerUser(2, SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE)
            .observer(SessionRegistryMetrics.create(meters, "memory"))
            .build();
    String alice = remember(Ids.newId());
    IssuedSession first = issue(registry, alice);
    clock.advance(Duration.ofSeconds(1));
    IssuedSession second = issue(registry, alice);
    clock.advance(Duration.ofSeconds(1));
    IssuedSession third = issue(registry, alice); // ends the first: the cap

    assertThat(registry.authenticate(second.token())).isPresent();
    assertThat(registry.authenticate(third.token())).isPresent();
    assertThat(registry.authenticate(first.token())).isEmpty();
    assertThat(registry.authenticate("not a token")).isEmpty();
    clock.advance(Duration.ofMinutes(31));
    Session touched =
        registry.touch(registry.authenticate(third.token()).orElseThrow()).orElseThrow();
    assertThat(registry.list(alice)).hasSize(2);
    assertThat(registry.revoke(alice, second.session().id())).isTrue();
    assertThat(registry.revoke(alice, second.session().id())).isFalse();
    assertThat(registry.logout(touched)).isTrue();

    String bob = remember(Ids.newId());
    issue(registry, bob);
    IssuedSession kept = issue(registry, bob);
    registry.revokeAllExcept(bob, kept.session().id());
    registry.revokeAll(bob);
    issue(registry, bob);
    registry.revokeEveryone();
    issue(registry, bob);
    clock.advance(Duration.ofHours(2));
    assertThat(registry.purgeExpired(100)).isEqualTo(1);

    assertThat(count("create", "ok")).isEqualTo(7);
    assertThat(count("authenticate", "hit")).isEqualTo(3);
    assertThat(count("authenticate", "miss")).isEqualTo(2);
    assertThat(count("touch", "ok")).isEqualTo(1);
    assertThat(count("list", "ok")).isEqualTo(1);
    assertThat(count("revoke", "ok")).as("a revoke and a logout").isEqualTo(2);
    assertThat(count("revoke", "not_found")).isEqualTo(1);
    assertThat(count("revoke_all", "ok")).isEqualTo(1);
    assertThat(count("revoke_all_except", "ok")).isEqualTo(1);
    assertThat(count("revoke_everyone", "ok")).isEqualTo(1);
    assertThat(count("purge", "ok")).isEqualTo(1);
    assertThat(meters.get("sessionregistry.operations").functionTimers())
        .as("nothing else was timed")
        .hasSize(11);
    assertThat(
            meters
                .get("sessionregistry.operations")
                .tag("operation", "create")
                .functionTimer()
                .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
        .isPositive();

    assertThat(ended("session_limit")).isEqualTo(1);
    assertThat(ended("revoke")).isEqualTo(1);
    assertThat(ended("logout")).isEqualTo(1);
    assertThat(ended("expired")).as("purged").isEqualTo(1);
    assertThat(meters.get("sessionregistry.sessions.ended").counters()).hasSize(4);
    assertThat(bulk("user")).isEqualTo(1);
    assertThat(bulk("user_but_one")).isEqualTo(1);
    assertThat(bulk("everyone")).isEqualTo(1);

    assertThat(store.readBack.get())
        .as("metrics never make a revoke-all read its sessions back")
        .isZero();
    assertNoTagNamesAnyone();
  }

  @Test
  void refusalsAndStoreFailuresAreOutcomes() {
    SessionRegistry capped =
        SessionRegistry.builder()
            .store(InMemorySessionStore.builder().clock(clock).build())
            .clock(clock)
            .maxSessionsPerUser(1, SessionLimit.Policy.REFUSE_NEW)
            .observer(SessionRegistryMetrics.create(meters, "memory"))
            .build();
    String carol = remember(Ids.newId());
    issue(capped, carol);
    assertThatThrownBy(() -> capped.create(carol))
        .isInstanceOf(SessionLimitExceededException.class);
    assertThat(count("create", "refused_by_limit")).isEqualTo(1);

    SessionRegistry down =
        SessionRegistry.builder()
            .store(new UnreachableStore())
            .clock(clock)
            .observer(SessionRegistryMetrics.create(meters, "unreachable"))
            .build();
    IssuedSession held = issue(capped, remember(Ids.newId()));
    assertThatThrownBy(() -> down.authenticate(held.token()))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThatThrownBy(() -> down.revokeAll(carol))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThat(
            meters
                .get("sessionregistry.operations")
                .tags(
                    "store",
                    "unreachable",
                    "operation",
                    "authenticate",
                    "outcome",
                    "store_unavailable")
                .functionTimer()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("sessionregistry.operations")
                .tags(
                    "store",
                    "unreachable",
                    "operation",
                    "revoke_all",
                    "outcome",
                    "store_unavailable")
                .functionTimer()
                .count())
        .isEqualTo(1);
    assertThat(
            meters.find("sessionregistry.revocations.bulk").tags("store", "unreachable").counter())
        .as("a failed revoke-all is no revocation")
        .isNull();
    assertNoTagNamesAnyone();
  }

  @Test
  void aFrontCacheAndItsChannelCountWhatTheyAnswered() {
    InProcessInvalidationChannel channel = InProcessInvalidationChannel.create();
    FrontCache cache = FrontCache.builder().clock(clock).channel(channel).recordStats().build();
    FrontCacheMetrics.bind(meters, cache);
    ChannelMetrics.bind(meters, channel);
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(cache.over(InMemorySessionStore.builder().clock(clock).build()))
            .clock(clock)
            .build();
    String dave = remember(Ids.newId());
    IssuedSession issued = issue(registry, dave);
    registry.authenticate(issued.token()); // cached by the create
    registry.authenticate(issued.token());
    IssuedSession other = issue(registry, dave);
    registry.revokeAll(dave);
    registry.authenticate(other.token()); // revoked: read from the store, not found

    assertThat(
            meters
                .get("sessionregistry.cache.lookups")
                .tag("result", "hit")
                .functionCounter()
                .count())
        .isEqualTo(2);
    assertThat(
            meters
                .get("sessionregistry.cache.lookups")
                .tag("result", "miss")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("sessionregistry.cache.lookups")
                .tag("result", "bypass")
                .functionCounter()
                .count())
        .isZero();
    assertThat(meters.get("sessionregistry.cache.entries").gauge().value())
        .as("tombstoned, not removed")
        .isEqualTo(2);
    assertThat(meters.get("sessionregistry.cache.tombstones").gauge().value())
        .as("the revoke-all's")
        .isEqualTo(1);
    assertThat(meters.get("sessionregistry.channel.connected").gauge().value()).isEqualTo(1);
    assertThat(meters.get("sessionregistry.channel.published").functionCounter().count())
        .isEqualTo(1);
    assertThat(meters.get("sessionregistry.channel.received").functionCounter().count())
        .isEqualTo(1);
    assertThat(meters.get("sessionregistry.channel.queued").gauge().value()).isZero();
    assertThat(meters.get("sessionregistry.channel.silence").timeGauge().value())
        .isGreaterThanOrEqualTo(0);
    assertNoTagNamesAnyone();

    FrontCache uncounted = FrontCache.builder().build();
    assertThatThrownBy(() -> FrontCacheMetrics.bind(meters, uncounted))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the front cache keeps no stats: build it with recordStats()");
  }

  @Test
  void prometheusShowsTheMetersInBaseUnits() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(InMemorySessionStore.create())
            .observer(SessionRegistryMetrics.create(prometheus, "memory"))
            .build();
    IssuedSession issued = registry.create(Ids.newId());
    registry.authenticate(issued.token());
    String text = prometheus.scrape();
    assertThat(text)
        .contains(
            "sessionregistry_operations_seconds_count{operation=\"authenticate\","
                + "outcome=\"hit\",store=\"memory\"} 1");
    assertThat(text)
        .contains(
            "sessionregistry_operations_seconds_count{operation=\"create\",outcome=\"ok\","
                + "store=\"memory\"} 1");
  }

  /**
   * A credential change is one operation, counted as such, on the revoke-all's path (nothing read back); a store probe
   * is no operation at all.
   */
  @Test
  void aCredentialChangeIsCountedAndAProbeIsNot() {
    ReadCountingStore store =
        new ReadCountingStore(InMemorySessionStore.builder().clock(clock).build());
    SessionRegistry registry =
        SessionRegistry.builder()
            .store(store)
            .clock(clock)
            .observer(SessionRegistryMetrics.create(meters, "memory"))
            .build();
    String alice = remember(Ids.newId());
    IssuedSession first = issue(registry, alice);
    IssuedSession second = issue(registry, alice);
    String bob = remember(Ids.newId());
    IssuedSession bobs = issue(registry, bob);

    registry.credentialsChanged(alice);
    registry.credentialsChanged(alice); // none left: a change all the same
    registry.checkStore();
    registry.checkStore();

    assertThat(registry.authenticate(first.token())).isEmpty();
    assertThat(registry.authenticate(second.token())).isEmpty();
    assertThat(registry.authenticate(bobs.token())).isPresent();
    assertThat(count("credentials_change", "ok")).isEqualTo(2);
    assertThat(
            meters
                .get("sessionregistry.credentials.changes")
                .tag("store", "memory")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(meters.find("sessionregistry.revocations.bulk").counters())
        .as("a credential change is not a revoke-all")
        .isEmpty();
    assertThat(meters.find("sessionregistry.operations").tag("operation", "list").meters())
        .as("a probe is no operation")
        .isEmpty();
    assertThat(meters.get("sessionregistry.operations").functionTimers())
        .as("create, authenticate (hit and miss), credentials_change")
        .hasSize(4);
    assertThat(store.readBack.get()).isZero();
    assertThat(store.probes.get()).isEqualTo(2);
    assertNoTagNamesAnyone();

    assertThatThrownBy(() -> registry.credentialsChanged(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("userId");
  }

  @Test
  void aStoreTagMustBeAWordNotAnyText() {
    assertThatThrownBy(() -> SessionRegistryMetrics.create(meters, "10.0.0.1:5432"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "store must be a lower-case word of at most 32 letters, digits and _, was \"10.0.0.1:5432\"");
  }

  private IssuedSession issue(SessionRegistry registry, String userId) {
    IssuedSession issued = registry.create(userId);
    secrets.add(issued.token());
    secrets.add(issued.session().id());
    return issued;
  }

  private String remember(String userId) {
    secrets.add(userId);
    return userId;
  }

  private long count(String operation, String outcome) {
    return (long)
        meters
            .get("sessionregistry.operations")
            .tags("store", "memory", "operation", operation, "outcome", outcome)
            .functionTimer()
            .count();
  }

  private double ended(String reason) {
    return meters.get("sessionregistry.sessions.ended").tag("reason", reason).counter().count();
  }

  private double bulk(String scope) {
    return meters.get("sessionregistry.revocations.bulk").tag("scope", scope).counter().count();
  }

  /** What the tests' ids, tokens and addresses look like: none may be a tag value. */
  private static final Pattern LOOKS_LIKE_ID =
      Pattern.compile("[a-z0-9]{20,}|.*\\d+\\.\\d+\\.\\d+.*|.*:.*|.*@.*");

  private static final Pattern TAG_VALUE = Pattern.compile("[a-z][a-z0-9_]{0,31}");

  private void assertNoTagNamesAnyone() {
    Set<String> values = new HashSet<>();
    for (Meter meter : meters.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        values.add(tag.getValue());
      }
    }
    assertThat(values)
        .isNotEmpty()
        .allSatisfy(
            v -> {
              assertThat(v).matches(TAG_VALUE).doesNotMatch(LOOKS_LIKE_ID);
              assertThat(secrets).noneSatisfy(secret -> assertThat(v).contains(secret));
            });
  }

  /** The in-memory store, counting the calls that read back what a revoke-all ends, and its probes. */
  private static final class ReadCountingStore extends ForwardingSessionStore {
    final AtomicInteger readBack = new AtomicInteger();
    final AtomicInteger probes = new AtomicInteger();

    ReadCountingStore(SessionStore store) {
      super(store);
    }

    @Override
    public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
      readBack.incrementAndGet();
      return super.deleteAllOfUser(userId, keepSessionId);
    }

    @Override
    public void probe() {
      probes.incrementAndGet();
      super.probe();
    }
  }
}
