package org.sessionregistry.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.internal.channel.ChannelListeners;
import org.sessionregistry.internal.channel.PublishQueue;
import org.sessionregistry.jdbc.internal.SqlStatements;
import org.sessionregistry.spi.ChannelStatus;
import org.sessionregistry.spi.Invalidation;
import org.sessionregistry.spi.InvalidationChannel;

/**
 * Front-cache invalidations through the database, on any supported one: a node that revokes inserts a row into
 * {@code sr_revocations} (created by the shipped schema scripts); every node polls the rows newer than its last poll
 * at a configurable interval, which bounds how late a revocation reaches it. A failed poll tells listeners
 * {@code disconnected()} (caches are flushed and bypassed) until a poll succeeds again; so does a failed publish, on
 * the node that could not publish. Rows are inserted from a thread of the channel's ({@link PublishQueue}): a revoke
 * behind a front cache costs its caller the store's statements only. Rows older than the retention are deleted by the pollers. Rows name users and
 * sessions by {@link org.sessionregistry.spi.Invalidation}'s digests, never by their ids.
 *
 * <p>Polls read a trailing window ({@code overlap}, default 30 s, longer than any insert takes to commit and than the
 * clock differences between nodes), remembering what they delivered, so a row committed late is still seen once.
 *
 * <pre>{@code
 * InvalidationChannel channel = JdbcInvalidationChannel.builder().dataSource(dataSource)
 *     .pollInterval(Duration.ofMillis(500)).build();
 * }</pre>
 */
public final class JdbcInvalidationChannel implements InvalidationChannel {
  private static final System.Logger LOG =
      System.getLogger(JdbcInvalidationChannel.class.getName());

  /** Rows waiting to be inserted before a revoke inserts its own (the database slower than the revokes). */
  private static final int PUBLISH_QUEUE = 10_000;

  private static final String STATEMENTS = "org/sessionregistry/jdbc/revocations.sql";

  private final Jdbi jdbi;
  private final SqlStatements<SqlStatements.Revocation> sql =
      SqlStatements.of(SqlStatements.Revocation.class, STATEMENTS);
  private final Clock clock;
  private final Duration overlap;
  private final Duration retention;
  private final ChannelListeners listeners = new ChannelListeners();
  private final ScheduledExecutorService poller;
  private final PublishQueue publishing;

  /** Rows delivered within the overlap window: sequence number to creation time. Touched by the poller only. */
  private final Map<Long, Long> delivered = new HashMap<>();

  private long since;
  private int polls;

  private JdbcInvalidationChannel(Builder b) {
    this.jdbi = Jdbi.create(b.dataSource);
    this.clock = b.clock;
    this.overlap = b.overlap;
    this.retention = b.retention;
    this.since = clock.millis();
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "session-registry-revocation-poll");
              t.setDaemon(true);
              return t;
            });
    this.publishing =
        new PublishQueue(
            "session-registry-revocation-publish",
            this::send,
            PUBLISH_QUEUE,
            Duration.ofSeconds(5));
    long every = b.pollInterval.toMillis();
    poller.scheduleWithFixedDelay(this::poll, 0, every, TimeUnit.MILLISECONDS);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Queued: a revoke does not wait for the row's insert (see {@link PublishQueue}). */
  @Override
  public void publish(Invalidation invalidation) {
    publishing.publish(invalidation);
  }

  /** The rows of what waited, as one JDBC batch: one round trip for a backlog. */
  private void send(List<Invalidation> batch) {
    try {
      jdbi.useHandle(
          h -> {
            PreparedBatch rows = h.prepareBatch(sql.get(SqlStatements.Revocation.PUBLISH));
            long now = clock.millis();
            for (Invalidation invalidation : batch) {
              rows.bind("scope", invalidation.toText().substring(0, 1))
                  .bind("target", invalidation.digest())
                  .bind("createdAt", now)
                  .add();
            }
            rows.execute();
          });
    } catch (RuntimeException e) {
      // This node's caches stop trusting until the next poll succeeds; the other nodes' polls fail
      // too, or deliver.
      listeners.disconnected();
      LOG.log(
          System.Logger.Level.WARNING,
          "could not publish "
              + batch.size()
              + " invalidations ("
              + batch.get(0).toText()
              + (batch.size() > 1 ? ", ..." : "")
              + "); this node bypasses its caches until the"
              + " next poll works, other nodes until theirs fail or within their maximum staleness: "
              + e.getMessage());
    }
  }

  @Override
  public Subscription subscribe(Listener listener) {
    return listeners.add(listener);
  }

  /** Whether the last poll succeeded. */
  public boolean isConnected() {
    return listeners.isConnected();
  }

  /** Heard: the last poll that worked; published: rows handed to the database, whether it took them or not. */
  @Override
  public ChannelStatus status() {
    return listeners.status(publishing.sent(), publishing.pending());
  }

  @Override
  public void close() {
    publishing.close(); // what is queued goes out first
    poller.shutdownNow();
  }

  private void poll() {
    long now = clock.millis();
    try {
      List<Map<String, Object>> rows =
          jdbi.withHandle(
              h ->
                  h.createQuery(sql.get(SqlStatements.Revocation.POLL))
                      .bind("from", since - overlap.toMillis())
                      .mapToMap()
                      .list());
      if (++polls % 100 == 1) {
        jdbi.useHandle(
            h ->
                h.createUpdate(sql.get(SqlStatements.Revocation.TRIM))
                    .bind("before", now - retention.toMillis())
                    .execute());
      }
      // Deliveries can be trusted from here on; what was missed is covered by the caches' flush.
      listeners.heard();
      listeners.connected();
      for (Map<String, Object> row : rows) {
        long seq = ((Number) row.get("seq")).longValue();
        if (delivered.putIfAbsent(seq, ((Number) row.get("created_at")).longValue()) == null) {
          Invalidation i =
              Invalidation.fromText(
                  String.valueOf(row.get("scope")).trim()
                      + ":"
                      + String.valueOf(row.get("target")).trim());
          listeners.deliver(i);
        }
      }
      since = now;
      delivered.values().removeIf(createdAt -> createdAt < now - 2 * overlap.toMillis());
    } catch (RuntimeException e) {
      if (listeners.isConnected()) {
        listeners.disconnected();
        LOG.log(
            System.Logger.Level.WARNING,
            "polling sr_revocations failed; front caches are bypassed until it"
                + " works again: "
                + e.getMessage());
      }
    }
  }

  /** Settings of a {@link JdbcInvalidationChannel}. */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration overlap = Duration.ofSeconds(30);
    private Duration retention = Duration.ofMinutes(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The database holding {@code sr_revocations}: the store's. */
    public Builder dataSource(DataSource dataSource) {
      if (dataSource == null) {
        throw new IllegalArgumentException("dataSource must not be null");
      }
      this.dataSource = dataSource;
      return this;
    }

    /** How often each node polls: how late, at most, a revocation on another node reaches it. Default 1 s. */
    public Builder pollInterval(Duration pollInterval) {
      if (pollInterval == null
          || pollInterval.toMillis() < 10
          || pollInterval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "pollInterval must be 10 ms to 1 hour, was " + pollInterval);
      }
      this.pollInterval = pollInterval;
      return this;
    }

    /** How far back each poll looks again, for rows committed late or stamped by a clock behind. Default 30 s. */
    public Builder overlap(Duration overlap) {
      if (overlap == null || overlap.isNegative()) {
        throw new IllegalArgumentException("overlap must not be negative, was " + overlap);
      }
      this.overlap = overlap;
      return this;
    }

    /** How long rows are kept. Default 10 minutes; longer than the overlap. */
    public Builder retention(Duration retention) {
      if (retention == null || retention.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("retention must be at least 1 s, was " + retention);
      }
      this.retention = retention;
      return this;
    }

    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null");
      }
      this.clock = clock;
      return this;
    }

    /** @throws IllegalStateException if no data source was given, or the retention is not longer than the overlap */
    public JdbcInvalidationChannel build() {
      if (dataSource == null) {
        throw new IllegalStateException("give dataSource(...)");
      }
      if (retention.compareTo(overlap.multipliedBy(2)) <= 0) {
        throw new IllegalStateException(
            "retention ("
                + retention
                + ") must be longer than twice the overlap ("
                + overlap
                + ")");
      }
      return new JdbcInvalidationChannel(this);
    }
  }
}
