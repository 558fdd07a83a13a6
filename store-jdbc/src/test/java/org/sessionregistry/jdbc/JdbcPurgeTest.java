package org.sessionregistry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.RevocationReason;
import org.sessionregistry.Session;
import org.sessionregistry.SessionListener;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.testing.MutableClock;

/**
 * Several nodes purge at once while users revoke their sessions: no deadlock or error surfaces, every expired session
 * is removed exactly once, in bounded batches, and no live session is touched.
 */
class JdbcPurgeTest {

  /**
   * A revoke-all without a listener raises the user's generation (one row) and leaves the session rows: none of them
   * is live from then on, a session created after it is, and purgeExpired deletes the old rows without reporting
   * them as expired (they were revoked).
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void rowsRevokedByGenerationArePurgedSilently(TestDatabase database) throws Exception {
    JdbcSessionStore store = JdbcSessionStore.builder().dataSource(database.dataSource()).build();
    ConcurrentLinkedQueue<Session> heard = new ConcurrentLinkedQueue<>();
    SessionRegistry quiet = SessionRegistry.builder().store(store).build();
    SessionRegistry listening =
        SessionRegistry.builder()
            .store(store)
            .listener(
                new SessionListener() {
                  @Override
                  public void sessionRevoked(Session session, RevocationReason reason) {
                    heard.add(session);
                  }
                })
            .build();
    String user = Ids.newId();
    List<IssuedSession> before =
        List.of(quiet.create(user), quiet.create(user), quiet.create(user));

    quiet.revokeAll(user);
    IssuedSession after = quiet.create(user);
    assertThat(before).allSatisfy(i -> assertThat(quiet.authenticate(i.token())).isEmpty());
    assertThat(quiet.list(user)).containsExactly(after.session());
    assertThat(rows(database, "SELECT COUNT(*) FROM sr_sessions WHERE user_id = ?", user))
        .isEqualTo(4);
    assertThat(
            rows(
                database,
                "SELECT COUNT(*) FROM sr_users WHERE user_id = ? AND purge_pending = TRUE",
                user))
        .isEqualTo(1);

    // Other tests leave expired and revoked rows in these shared databases: purge until this user's
    // are gone.
    for (int i = 0;
        i < 100 && rows(database, "SELECT COUNT(*) FROM sr_sessions WHERE user_id = ?", user) > 1;
        i++) {
      listening.purgeExpired(1000);
    }
    assertThat(heard)
        .as("revoked, not expired: not reported")
        .noneMatch(s -> s.userId().equals(user));
    assertThat(rows(database, "SELECT COUNT(*) FROM sr_sessions WHERE user_id = ?", user))
        .isEqualTo(1);
    assertThat(
            rows(
                database,
                "SELECT COUNT(*) FROM sr_users WHERE user_id = ? AND purge_pending = TRUE",
                user))
        .isZero();
    assertThat(quiet.authenticate(after.token())).isPresent();
    quiet.revokeAll(user);
    assertThat(quiet.authenticate(after.token())).as("a second generation").isEmpty();
  }

  private static int rows(TestDatabase database, String sql, String user) throws Exception {
    try (java.sql.Connection c = database.connect(new java.util.Properties());
        java.sql.PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, user);
      try (java.sql.ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void nodesPurgingAtOnceRemoveEachExpiredSessionOnce(TestDatabase database) throws Exception {
    MutableClock clock =
        new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    JdbcSessionStore store = JdbcSessionStore.builder().dataSource(database.dataSource()).build();
    // Start from a table without expired rows of other tests.
    clock.advance(Duration.ofDays(400));
    while (store.purgeExpired(clock.instant(), 10_000).size() > 0) {
      continue;
    }
    ConcurrentLinkedQueue<Session> expiredEvents = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Session> revokedEvents = new ConcurrentLinkedQueue<>();
    SessionListener listener =
        new SessionListener() {
          @Override
          public void sessionRevoked(Session session, RevocationReason reason) {
            (reason == RevocationReason.EXPIRED ? expiredEvents : revokedEvents).add(session);
          }
        };
    List<SessionRegistry> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(
          SessionRegistry.builder()
              .store(store)
              .clock(clock)
              .idleTimeout(Duration.ofHours(1))
              .listener(listener)
              .build());
    }
    SessionRegistry node = nodes.get(0);
    List<String> users = new ArrayList<>();
    Set<String> expiring = new HashSet<>();
    for (int u = 0; u < 30; u++) {
      String user = Ids.newId();
      users.add(user);
      for (int i = 0; i < 10; i++) {
        expiring.add(node.create(user).session().id());
      }
    }
    clock.advance(Duration.ofMinutes(61));
    List<IssuedSession> live = new ArrayList<>();
    for (String user : users) {
      live.add(node.create(user));
    }

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CyclicBarrier start = new CyclicBarrier(4);
      List<Future<?>> tasks = new ArrayList<>();
      for (SessionRegistry n : nodes) {
        tasks.add(
            pool.submit(
                () -> {
                  start.await();
                  int batch;
                  do {
                    batch = n.purgeExpired(7);
                    assertThat(batch).isLessThanOrEqualTo(7);
                  } while (batch > 0);
                  return null;
                }));
      }
      tasks.add(
          pool.submit(
              () -> {
                start.await();
                for (String user : users.subList(0, 10)) {
                  node.revokeAll(user);
                }
                return null;
              }));
      for (Future<?> t : tasks) {
        t.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> removed = new ArrayList<>();
    expiredEvents.forEach(s -> removed.add(s.id()));
    revokedEvents.stream().filter(s -> expiring.contains(s.id())).forEach(s -> removed.add(s.id()));
    assertThat(removed)
        .as("each expired session removed exactly once")
        .hasSize(expiring.size())
        .containsExactlyInAnyOrderElementsOf(expiring);
    assertThat(revokedEvents)
        .extracting(Session::id)
        .as("an expired session that a revoke-all removes is reported as expired")
        .doesNotContainAnyElementsOf(expiring);
    for (int i = 0; i < live.size(); i++) {
      assertThat(node.authenticate(live.get(i).token()).isPresent()).isEqualTo(i >= 10);
    }
  }
}
