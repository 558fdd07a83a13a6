package org.sessionregistry.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Session;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionPage;
import org.sessionregistry.spi.Invalidation;
import org.sessionregistry.spi.InvalidationChannel;
import org.sessionregistry.spi.PoolStatus;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * A Caffeine cache of sessions by token hash over any store (see {@link FrontCache} for what it guarantees).
 *
 * <p>How stale fills are ruled out: a global epoch counts invalidations. A load reads the epoch before it reads the
 * store, and its entry carries that value. An invalidation (local or from the channel) takes a new epoch value and
 * writes it as a tombstone for the user or session. An entry is trusted only if it was loaded at or after every
 * tombstone that covers it and after the floor (raised when the channel disconnects, or a tombstone is evicted early),
 * so a load that raced a revocation is never served, whenever its entry lands in the cache. Tombstones live as long as
 * the maximum staleness, as long as any entry they could cover.
 *
 * <p>Ages are read from the ticker, a monotonic clock, so that a wall clock stepped back cannot stretch the staleness
 * bound; the wall clock only says when a session's absolute expiry comes. Tombstones are keyed by the digests of
 * {@link Invalidation}, never by ids a caller passed.
 */
final class CachingSessionStore implements SessionStore, InvalidationChannel.Listener {
  private static final System.Logger LOG = System.getLogger(CachingSessionStore.class.getName());
  static final int SESSION_TOMBSTONES_PER_USER = 16;

  private final SessionStore delegate;
  private final Clock clock;
  private final LongSupplier ticker;
  private final long stalenessNanos;
  private final @Nullable InvalidationChannel channel;
  private final InvalidationChannel.@Nullable Subscription subscription;
  private final Cache<TokenHash, Entry> sessions;
  private final ConcurrentHashMap<String, TokenHash> bySessionId = new ConcurrentHashMap<>();
  private final Cache<String, Long> tombstones;

  /** Sessions revoked one by one, per user, within the maximum staleness: see {@link #sessionOf}. */
  private final Cache<String, AtomicInteger> sessionRevocations;

  private final AtomicLong epoch = new AtomicLong();
  private volatile long floor;

  /** While the channel is disconnected: neither read nor fill the cache. */
  private volatile boolean bypass;

  /** Where hits, misses and bypasses are counted; null when nobody asked. */
  private final @Nullable FrontCacheStats stats;

  CachingSessionStore(SessionStore delegate, FrontCache settings) {
    this.delegate = delegate;
    this.clock = settings.clock();
    this.ticker = settings.ticker();
    this.stalenessNanos = settings.maximumStaleness().toNanos();
    this.channel = settings.channel();
    this.sessions =
        Caffeine.newBuilder()
            .maximumSize(settings.maximumSize())
            .ticker(ticker::getAsLong)
            .executor(Runnable::run)
            .expireAfter(Expiry.writing((TokenHash k, Entry e) -> lifetime(e)))
            .removalListener(
                (TokenHash k, @Nullable Entry e, RemovalCause cause) -> {
                  if (e != null) {
                    bySessionId.remove(e.session.id(), k);
                  }
                })
            .build();
    this.tombstones =
        Caffeine.newBuilder()
            .maximumSize(Math.max(10_000, settings.maximumSize()))
            .ticker(ticker::getAsLong)
            .executor(Runnable::run)
            .expireAfterWrite(settings.maximumStaleness())
            // Synchronous with the eviction: the floor is up before the tombstone is seen missing.
            .evictionListener(
                (String k, @Nullable Long at, RemovalCause cause) -> {
                  if (at != null && cause == RemovalCause.SIZE) {
                    raiseFloor(at); // forgotten early: distrust everything loaded before it
                  }
                })
            .build();
    this.sessionRevocations =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .ticker(ticker::getAsLong)
            .executor(Runnable::run)
            .expireAfterWrite(settings.maximumStaleness())
            .build();
    this.bypass = channel != null;
    this.subscription = channel != null ? channel.subscribe(this) : null;
    this.stats = settings.statsOrNull();
    if (stats != null) {
      stats.caches.add(this);
    }
  }

  long entries() {
    return sessions.estimatedSize();
  }

  long tombstones() {
    return tombstones.estimatedSize();
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    if (!bypass) {
      Entry e = sessions.getIfPresent(tokenHash);
      // A copy past its expiry is read again: another node may have extended the session since.
      if (e != null && trusted(e) && !clock.instant().isAfter(e.session.expiresAt())) {
        if (stats != null) {
          stats.hits.increment();
        }
        return Optional.of(e.session);
      }
    }
    if (stats != null) {
      (bypass ? stats.bypasses : stats.misses).increment();
    }
    long loadedAt = epoch.get();
    long readAt = ticker.getAsLong();
    boolean bypassed = bypass;
    Optional<Session> found = delegate.findByToken(tokenHash);
    if (found.isPresent() && !bypassed) {
      remember(tokenHash, Entry.of(found.get(), loadedAt, readAt));
    }
    return found;
  }

  /**
   * A create within a limit, or replacing its device's sessions, may end some of the user's sessions, and only the
   * store knows which: the user's cached sessions are distrusted from before the store is asked (so that none it ends
   * is served here meanwhile) until after it answered, and the other nodes are told when it did end some.
   */
  @Override
  public List<Session> insert(
      Session session,
      TokenHash tokenHash,
      Instant retainUntil,
      SessionLimit limit,
      boolean endSameDevice) {
    boolean limited = !limit.isUnlimited() || endSameDevice;
    if (limited) {
      invalidate(Invalidation.user(session.userId()));
    }
    long loadedAt = epoch.get();
    long readAt = ticker.getAsLong();
    boolean bypassed = bypass;
    List<Session> ended;
    try {
      ended = delegate.insert(session, tokenHash, retainUntil, limit, endSameDevice);
    } finally {
      if (limited) {
        invalidate(Invalidation.user(session.userId())); // what was loaded while the store decided
      }
    }
    if (!ended.isEmpty()) {
      publish(Invalidation.user(session.userId()));
    }
    if (!bypassed && !limited) {
      remember(tokenHash, Entry.of(session, loadedAt, readAt));
    }
    return ended;
  }

  @Override
  public void deleteEveryone() {
    try {
      delegate.deleteEveryone();
    } finally {
      revoked(Invalidation.everyone());
    }
  }

  @Override
  public List<Session> findByUser(String userId) {
    return delegate.findByUser(userId);
  }

  @Override
  public boolean touch(
      String userId,
      String sessionId,
      Instant lastActivityAt,
      @Nullable Instant expiresAt,
      Instant retainUntil) {
    boolean exists = delegate.touch(userId, sessionId, lastActivityAt, expiresAt, retainUntil);
    TokenHash hash = bySessionId.get(sessionId);
    if (hash != null) {
      if (exists) {
        // Keep the cached copy's activity and expiry current, or the registry would write them
        // again on every request.
        Instant expiry = expiresAt;
        sessions
            .asMap()
            .computeIfPresent(
                hash,
                (k, e) -> {
                  Session cached = e.session;
                  Instant newExpiry =
                      expiry == null ? cached.expiresAt() : max(cached.expiresAt(), expiry);
                  return cached.lastActivityAt().isBefore(lastActivityAt)
                          || !newExpiry.equals(cached.expiresAt())
                      ? e.withSession(
                          cached.withActivity(
                              max(cached.lastActivityAt(), lastActivityAt), newExpiry))
                      : e;
                });
      } else {
        sessions.invalidate(hash);
      }
    }
    return exists;
  }

  /**
   * Tells everyone only when the store ended a session, or may have (it failed: the outcome is unknown). A revoke
   * that found nothing ends nothing anyone could trust, so a flood of revokes of made-up ids costs the other nodes
   * nothing; a copy of the id cached here is dropped all the same.
   */
  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    Optional<Session> removed;
    try {
      removed = delegate.delete(userId, sessionId);
    } catch (RuntimeException e) {
      revoked(sessionOf(userId, sessionId));
      throw e;
    }
    if (removed.isPresent()) {
      revoked(sessionOf(userId, sessionId));
    } else {
      TokenHash hash = bySessionId.get(sessionId);
      if (hash != null) {
        sessions.invalidate(hash);
      }
    }
    return removed;
  }

  /** As {@link #delete}: everyone is told when the store ended sessions, or may have. */
  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    List<Session> removed;
    try {
      removed = delegate.deleteAllOfUser(userId, keepSessionId);
    } catch (RuntimeException e) {
      revoked(Invalidation.user(userId));
      throw e;
    }
    if (!removed.isEmpty()) {
      revoked(Invalidation.user(userId));
    }
    return removed;
  }

  @Override
  public void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
    try {
      delegate.deleteAllOfUserWithoutReading(userId, keepSessionId);
    } finally {
      revoked(Invalidation.user(userId));
    }
  }

  @Override
  public List<Session> purgeExpired(Instant now, int limit) {
    return delegate.purgeExpired(now, limit);
  }

  /** The walk and the count go to the store: the cache holds only the sessions recently authenticated here. */
  @Override
  public boolean supportsListing() {
    return delegate.supportsListing();
  }

  @Override
  public SessionPage listAll(String cursor, int limit, Instant now) {
    return delegate.listAll(cursor, limit, now);
  }

  @Override
  public SessionCount countAll(Instant now) {
    return delegate.countAll(now);
  }

  @Override
  public boolean countsExactly() {
    return delegate.countsExactly();
  }

  @Override
  public String tokenPrefix(String userId) {
    return delegate.tokenPrefix(userId);
  }

  /** The store's own round trip: a probe must reach it, never the cache. */
  @Override
  public void probe() {
    delegate.probe();
  }

  @Override
  public @Nullable PoolStatus poolStatus() {
    return delegate.poolStatus();
  }

  @Override
  public void close() {
    if (subscription != null) {
      subscription.close();
    }
    sessions.invalidateAll();
    if (stats != null) {
      stats.caches.remove(this);
    }
    delegate.close();
  }

  // InvalidationChannel.Listener

  @Override
  public void invalidate(Invalidation invalidation) {
    long at = epoch.incrementAndGet();
    if (invalidation.scope() == Invalidation.Scope.EVERYONE) {
      raiseFloor(at); // distrust everything loaded before
      sessions.invalidateAll();
      return;
    }
    tombstones.asMap().merge(invalidation.toText(), at, Math::max);
  }

  @Override
  public void connected() {
    // Loads that began while disconnected may have read state whose invalidation was lost: distrust
    // them too.
    raiseFloor(epoch.incrementAndGet());
    bypass = false;
  }

  @Override
  public void disconnected() {
    bypass = true;
    raiseFloor(epoch.incrementAndGet());
    sessions.invalidateAll();
  }

  /**
   * The invalidation of one session of a user; past {@value #SESSION_TOMBSTONES_PER_USER} of the user's within the
   * maximum staleness, of all the user's sessions instead: one user revoking many sessions leaves one tombstone
   * more, not thousands, here and on every node, so that it cannot fill the nodes' tombstones (whose overflow stops
   * trusting anything cached, for everyone).
   */
  private Invalidation sessionOf(String userId, String sessionId) {
    int recent = sessionRevocations.get(userId, k -> new AtomicInteger()).incrementAndGet();
    return recent > SESSION_TOMBSTONES_PER_USER
        ? Invalidation.user(userId)
        : Invalidation.session(sessionId);
  }

  /** Local first, so it holds before the revoking call returns; then the other nodes. */
  private void revoked(Invalidation invalidation) {
    invalidate(invalidation);
    publish(invalidation);
  }

  private void publish(Invalidation invalidation) {
    if (channel != null) {
      try {
        channel.publish(invalidation);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "could not publish " + invalidation.toText() + ": " + e.getMessage());
      }
    }
  }

  private void remember(TokenHash hash, Entry entry) {
    if (trusted(entry)) {
      sessions.put(hash, entry);
      bySessionId.put(entry.session.id(), hash);
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isBefore(b) ? b : a;
  }

  private boolean trusted(Entry e) {
    Long user = tombstones.getIfPresent(e.userKey);
    Long session = tombstones.getIfPresent(e.sessionKey);
    // The clock is read after the lookups, which read it too: a tombstone they found expired is
    // then older than the
    // staleness bound by this reading as well, and so is every entry it covered. Read before, a
    // clock that moved in
    // between let an entry pass the bound whose tombstone had just expired.
    if (e.loadedAt < floor || ticker.getAsLong() - e.readAt >= stalenessNanos) {
      return false;
    }
    return (user == null || e.loadedAt >= user) && (session == null || e.loadedAt >= session);
  }

  private synchronized void raiseFloor(long at) {
    if (at > floor) {
      floor = at;
    }
  }

  /**
   * Until its absolute expiry, and never longer than the maximum staleness counted from the start of the store read
   * it came from: tombstones, written after that read, then outlive it, however long the read took to land.
   */
  private Duration lifetime(Entry e) {
    Duration untilExpiry = Duration.between(clock.instant(), e.session.expiresAt()).plusNanos(1);
    long untilStale = e.readAt + stalenessNanos - ticker.getAsLong();
    long nanos =
        untilExpiry.compareTo(Duration.ofNanos(untilStale)) < 0
            ? untilExpiry.toNanos()
            : untilStale;
    return Duration.ofNanos(Math.max(0, nanos));
  }

  /**
   * A cached session with the tombstone keys that cover it, the invalidation epoch and the ticker reading (ns) when
   * the store read it came from began.
   */
  private record Entry(
      Session session, String userKey, String sessionKey, long loadedAt, long readAt) {
    static Entry of(Session session, long loadedAt, long readAt) {
      return new Entry(
          session,
          Invalidation.user(session.userId()).toText(),
          Invalidation.session(session.id()).toText(),
          loadedAt,
          readAt);
    }

    Entry withSession(Session updated) {
      return new Entry(updated, userKey, sessionKey, loadedAt, readAt);
    }
  }
}
