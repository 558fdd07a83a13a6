package org.sessionregistry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.cache.FrontCache;

/** Two nodes with their own front caches over one database, told of each other's revocations by polling. */
class JdbcFrontCacheTest {
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * A deadline, not a speed: a poll (every 100 ms) tells the other node, and a busy machine may delay it by seconds; a
   * node that is never told refuses the session only at the cache's maximum staleness (30 s).
   */
  private static final Duration TOLD = Duration.ofSeconds(10);

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aRevokeAllOnOneNodeIsRefusedOnTheOtherWithinThePollInterval(TestDatabase database)
      throws Exception {
    try (JdbcInvalidationChannel channelA = channel(database);
        JdbcInvalidationChannel channelB = channel(database)) {
      SessionRegistry a = node(database, channelA);
      SessionRegistry b = node(database, channelB);
      awaitConnected(channelA, channelB);
      String user = Ids.newId();
      List<IssuedSession> sessions = List.of(a.create(user), a.create(user));
      for (IssuedSession s : sessions) {
        assertThat(b.authenticate(s.token())).as("cached on B").isPresent();
        assertThat(b.authenticate(s.token())).isPresent();
      }

      a.revokeAll(user);
      long revokedAt = System.nanoTime();
      assertThat(a.authenticate(sessions.get(0).token())).as("at once on A").isEmpty();
      while (b.authenticate(sessions.get(0).token()).isPresent()) {
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt))
            .as("told by a poll, not at the staleness bound")
            .isLessThan(TOLD);
        Thread.sleep(5);
      }
      assertThat(b.authenticate(sessions.get(1).token())).isEmpty();
    }
  }

  /** Revoking everyone on one node: the other's cache is flushed by the channel, within a few poll intervals. */
  @ParameterizedTest
  @EnumSource(value = TestDatabase.class, names = "H2")
  void aRevokeOfEveryoneOnOneNodeIsRefusedOnTheOtherWithinThePollInterval(TestDatabase database)
      throws Exception {
    try (JdbcInvalidationChannel channelA = channel(database);
        JdbcInvalidationChannel channelB = channel(database)) {
      SessionRegistry a = node(database, channelA);
      SessionRegistry b = node(database, channelB);
      awaitConnected(channelA, channelB);
      List<IssuedSession> sessions = List.of(a.create(Ids.newId()), a.create(Ids.newId()));
      sessions.forEach(s -> assertThat(b.authenticate(s.token())).as("cached on B").isPresent());

      a.revokeEveryone();
      long revokedAt = System.nanoTime();
      assertThat(a.authenticate(sessions.get(0).token())).as("at once on A").isEmpty();
      while (b.authenticate(sessions.get(0).token()).isPresent()) {
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt))
            .as("told by a poll, not at the staleness bound")
            .isLessThan(TOLD);
        Thread.sleep(5);
      }
      assertThat(b.authenticate(sessions.get(1).token())).isEmpty();
    }
  }

  /** A node whose database connection breaks stops trusting its cache until polls work again. */
  @ParameterizedTest
  @EnumSource(value = TestDatabase.class, names = "H2")
  void aNodeThatCannotPollBypassesItsCache(TestDatabase database) throws Exception {
    database.dataSource(); // the schema, and the database under its user
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.url);
    config.setUsername(database.user);
    config.setPassword(database.password);
    config.setMaximumPoolSize(2);
    HikariDataSource breakable = new HikariDataSource(config);
    try (JdbcInvalidationChannel channelB =
        JdbcInvalidationChannel.builder().dataSource(breakable).pollInterval(POLL).build()) {
      SessionRegistry a = node(database, null);
      SessionRegistry b =
          SessionRegistry.builder()
              .store(
                  FrontCache.builder()
                      .channel(channelB)
                      .build()
                      .over(JdbcSessionStore.builder().dataSource(database.dataSource()).build()))
              .build();
      awaitConnected(channelB);
      String user = Ids.newId();
      IssuedSession issued = a.create(user);
      assertThat(b.authenticate(issued.token())).isPresent();

      breakable.close(); // B's channel can no longer poll
      while (channelB.isConnected()) {
        Thread.sleep(10);
      }
      a.revokeAll(user); // no node will tell B
      assertThat(b.authenticate(issued.token()))
          .as("B's cache was flushed and is bypassed")
          .isEmpty();
    }
  }

  /**
   * A token passed by mistake as a session id (an SQL store's token has an id's shape) finds nothing, so nothing is
   * written; what the channel writes to sr_revocations is a digest, from which no id can be had. Before, the token
   * was written there in clear.
   */
  @ParameterizedTest
  @EnumSource(value = TestDatabase.class, names = "POSTGRESQL")
  void sr_revocationsNeverHoldsAValueACallerPassed(TestDatabase database) throws Exception {
    try (JdbcInvalidationChannel channelA = channel(database)) {
      SessionRegistry a = node(database, channelA);
      String user = Ids.newId();
      IssuedSession issued = a.create(user);
      assertThat(a.revoke(user, issued.token())).isFalse();
      a.revokeAll(user);
      channelA.close(); // its rows go in from its own thread: closing sends what waits
      try (java.sql.Connection c = database.connect(new java.util.Properties());
          java.sql.PreparedStatement q =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM sr_revocations WHERE target IN (?, ?)"
                      + " OR target LIKE ? OR target LIKE ?")) {
        q.setString(1, issued.token());
        q.setString(2, user);
        q.setString(3, "%" + issued.token().substring(0, 8) + "%");
        q.setString(4, "%" + user.substring(0, 8) + "%");
        try (java.sql.ResultSet r = q.executeQuery()) {
          r.next();
          assertThat(r.getInt(1)).as("rows naming the token or the user in clear").isZero();
        }
      }
      try (java.sql.Connection c = database.connect(new java.util.Properties());
          java.sql.PreparedStatement q =
              c.prepareStatement("SELECT COUNT(*) FROM sr_revocations WHERE target IN (?, ?)")) {
        q.setString(1, org.sessionregistry.spi.Invalidation.session(issued.token()).digest());
        q.setString(2, org.sessionregistry.spi.Invalidation.user(user).digest());
        try (java.sql.ResultSet r = q.executeQuery()) {
          r.next();
          assertThat(r.getInt(1))
              .as("the user's digest instead; the revoke that found nothing wrote nothing")
              .isEqualTo(1);
        }
      }
    }
  }

  private static JdbcInvalidationChannel channel(TestDatabase database) {
    return JdbcInvalidationChannel.builder()
        .dataSource(database.dataSource())
        .pollInterval(POLL)
        .build();
  }

  private static SessionRegistry node(TestDatabase database, JdbcInvalidationChannel channel) {
    FrontCache.Builder cache = FrontCache.builder();
    if (channel != null) {
      cache.channel(channel);
    }
    return SessionRegistry.builder()
        .store(
            cache
                .build()
                .over(JdbcSessionStore.builder().dataSource(database.dataSource()).build()))
        .build();
  }

  private static void awaitConnected(JdbcInvalidationChannel... channels)
      throws InterruptedException {
    for (JdbcInvalidationChannel c : channels) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!c.isConnected()) {
        assertThat(System.nanoTime()).as("channel connected within 10 s").isLessThan(deadline);
        Thread.sleep(10);
      }
    }
  }
}
