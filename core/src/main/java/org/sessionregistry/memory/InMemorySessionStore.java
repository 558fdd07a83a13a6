package org.sessionregistry.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.BadCursorException;
import org.sessionregistry.Ids;
import org.sessionregistry.Session;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionPage;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * Sessions in this JVM's heap: for a single node, for tests, and as the fastest store. Nothing survives a restart.
 *
 * <p>Sessions are held in a {@link ConcurrentHashMap} keyed by token hash, indexed by user, so that listing and revoking
 * a user's sessions cost O(sessions of that user) whatever the total, and filed by retain-until instant, to the second,
 * so that expiry and eviction never scan. When the store is full, the sessions nearest their retain-until (the idlest,
 * or those nearest their absolute expiry) are evicted first: their users are logged out, and no listener hears of it.
 * Sessions that expire are handed to listeners as {@code EXPIRED}, within about a second, by the registry's
 * {@link org.sessionregistry.SessionRegistry#purgeExpired}; creates drop a few expired ones too, so that a store nobody
 * purges still lets them go. About 430 bytes per session without props (measured over 100,000 sessions; see the
 * README).
 *
 * <p>Give it the registry's clock: the two must agree on when a session ends.
 *
 * <pre>{@code
 * SessionStore store = InMemorySessionStore.builder().maximumSize(100_000).build();
 * }</pre>
 *
 * <p>Thread-safe. Revoking all of a user's sessions is a single volatile write, seen by every reader at once; the
 * revoked entries leave the map with the next writes (each create unlinks one revoke-all's worth) or at
 * {@link #purgeExpired}.
 */
public final class InMemorySessionStore implements SessionStore {

  private final ConcurrentHashMap<TokenHash, Entry> byToken = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, UserSessions> byUser = new ConcurrentHashMap<>();

  /**
   * Every entry of {@code byToken} by session id, which the walk over every session seeks in (a keyset). Built at the
   * first walk, so that an application that never walks does not pay a sorted insertion on every create (it made an
   * in-memory create 2.6 times as long). Published before it is filled: from then on creates and removals keep it.
   */
  private volatile @Nullable ConcurrentSkipListMap<String, Entry> byIdIndex;

  /** {@link #byIdIndex} once filled; what walks read. */
  private volatile @Nullable ConcurrentSkipListMap<String, Entry> byId;

  private final Object indexBuild = new Object();

  /** Every entry in {@code byToken}, by retain-until: what expires, or is evicted, first. */
  private final RetentionQueue retention = new RetentionQueue();

  /** Made once: a reference to an inner class's constructor captures the store, so each evaluation would allocate. */
  private final Function<String, UserSessions> newUser = UserSessions::new;

  private final long maximumSize;
  private final Clock clock;

  /** Sessions found expired off the purge path, until {@link #purgeExpired} hands them to the registry's listeners. */
  private final ConcurrentLinkedQueue<Session> expired = new ConcurrentLinkedQueue<>();

  /**
   * Entries a revoke-all killed, still in the map: the revocation itself is the single write that closed their user;
   * unlinking them is left to the next writes.
   */
  private final ConcurrentLinkedQueue<List<Entry>> unlinked = new ConcurrentLinkedQueue<>();

  private final AtomicInteger unreported = new AtomicInteger();

  /** How many times every session was revoked; an entry made before the last time is dead. */
  private final AtomicLong everyone = new AtomicLong();

  private static final Comparator<Entry> LEAST_RECENTLY_ACTIVE_FIRST =
      Comparator.comparing((Entry e) -> e.session.lastActivityAt())
          .thenComparing(e -> e.session.createdAt())
          .thenComparing(e -> e.session.id());
  static final int MAX_UNREPORTED = 10_000;

  /** Expired sessions a create drops on its way, at most: a bounded cost for the caller. */
  private static final int EXPIRED_PER_CREATE = 4;

  private static final int POLLS_PER_EXPIRED = 16;

  private InMemorySessionStore(Builder builder) {
    this.clock = builder.clock;
    this.maximumSize = builder.maximumSize;
  }

  /** A store holding at most 1,000,000 sessions, on the system clock. */
  public static InMemorySessionStore create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The number of sessions held, approximately (revoked ones may count until the next writes unlink them). */
  public long estimatedSize() {
    return byToken.mappingCount();
  }

  /** How many sessions wait in the retention queue: as many as the map holds, once revoked ones are unlinked. */
  long queued() {
    return retention.size();
  }

  /** Under the user's lock: the limit is checked, and the sessions it ends removed, in the same step as the insert. */
  @Override
  public List<Session> insert(
      Session session,
      TokenHash tokenHash,
      Instant retainUntil,
      SessionLimit limit,
      boolean endSameDevice) {
    unlinkRevoked(1);
    Entry entry = new Entry(tokenHash, session, millis(retainUntil), everyone.get());
    List<Entry> ended;
    for (; ; ) {
      UserSessions user = byUser.computeIfAbsent(session.userId(), newUser);
      synchronized (user) {
        if (user.closed) {
          continue; // revoked or retired meanwhile: a fresh one is (or will be) in byUser
        }
        if (user.find(session.id()) != null) {
          throw new SessionStoreException("a session with id " + session.id() + " exists already");
        }
        if ((endSameDevice || !limit.isUnlimited()) && byToken.containsKey(tokenHash)) {
          // Before ending any: a failed insert must end nobody (the put below is the check
          // otherwise).
          throw new SessionStoreException("a session with the same token hash exists already");
        }
        List<Entry> sameDevice = endSameDevice ? ofDevice(user, session.deviceId()) : List.of();
        List<Entry> madeRoom =
            limit.isUnlimited()
                ? List.of()
                : makeRoom(
                    user,
                    limit,
                    session.createdAt().toEpochMilli(),
                    sameDevice); // may refuse: before any ends
        end(user, sameDevice);
        ended = sameDevice.isEmpty() ? madeRoom : concat(sameDevice, madeRoom);
        entry.owner = user;
        user.add(entry);
        // Filed under the user's lock, so that no delete can come between: what leaves the user
        // leaves the queue.
        retention.add(entry);
      }
      break;
    }
    List<Session> endedSessions = ended.isEmpty() ? List.of() : new ArrayList<>(ended.size());
    for (Entry e : ended) {
      forget(e);
      endedSessions.add(e.session);
    }
    Entry previous = byToken.putIfAbsent(tokenHash, entry);
    if (previous != null) {
      unlink(entry);
      throw new SessionStoreException("a session with the same token hash exists already");
    }
    index(entry);
    if (!entry.isLive()) {
      // A revoke-all or revoke-everyone took the session between the two steps above: what it left
      // goes now.
      unlink(entry);
      dropToken(entry);
    }
    // The session's creation is the registry's now: the clock is read only when there is work to
    // do.
    if (retention.mayHaveDue(session.createdAt().toEpochMilli())) {
      expireDue(clock.millis(), EXPIRED_PER_CREATE, this::reportExpired);
    }
    if (byToken.mappingCount() > maximumSize) {
      evict(clock.millis(), entry);
    }
    return endedSessions;
  }

  /** The user's sessions of this device that no revoke-everyone ended already; holds the user's lock. */
  private List<Entry> ofDevice(UserSessions user, String deviceId) {
    List<Entry> found = List.of();
    for (Entry e : user.entries) {
      if (e.session.deviceId().equals(deviceId) && e.epoch >= everyone.get()) {
        if (found.isEmpty()) {
          found = new ArrayList<>(1);
        }
        found.add(e);
      }
    }
    return found;
  }

  /** Ends these sessions of the user; holds the user's lock. The entries are dead when it returns. */
  private static void end(UserSessions user, List<Entry> entries) {
    for (Entry e : entries) {
      e.removed = true;
      user.drop(e); // not remove(): the new session keeps this user open
    }
  }

  private static List<Entry> concat(List<Entry> a, List<Entry> b) {
    if (b.isEmpty()) {
      return a;
    }
    List<Entry> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * Ends the user's least recently active live sessions, but those {@code leaving} anyway, until one more fits, or
   * refuses; holds the user's lock. The ended entries are dead (removed) when this returns; their token entries go
   * after the lock.
   */
  private List<Entry> makeRoom(
      UserSessions user, SessionLimit limit, long now, List<Entry> leaving) {
    List<Entry> live = new ArrayList<>(user.entries.size());
    for (Entry e : user.entries) {
      if (e.retainUntil >= now && e.epoch >= everyone.get() && !leaving.contains(e)) {
        live.add(e);
      }
    }
    int excess = live.size() - limit.maxSessions() + 1;
    if (excess <= 0) {
      return List.of();
    }
    if (limit.policy() == SessionLimit.Policy.REFUSE_NEW) {
      throw new SessionLimitExceededException(user.userId, limit.maxSessions());
    }
    live.sort(LEAST_RECENTLY_ACTIVE_FIRST);
    List<Entry> ended = List.copyOf(live.subList(0, excess));
    end(user, ended);
    return ended;
  }

  /**
   * One write ends every session there is: each entry carries the count of revoke-everyones at its creation, and is dead
   * once the count moves on. Then the dead entries are unlinked, in time proportional to the number of sessions.
   */
  @Override
  public void deleteEveryone() {
    long epoch = everyone.incrementAndGet();
    for (UserSessions user : byUser.values()) {
      synchronized (user) {
        if (user.closed) {
          continue; // revoked meanwhile: its entries belong to the revoke-all now, and are dead
          // anyway
        }
        user.dropIf(e -> e.epoch < epoch);
        if (user.entries.isEmpty()) {
          user.closed = true;
          byUser.remove(user.userId, user);
        }
      }
    }
    for (Entry e : byToken.values()) {
      if (e.epoch < epoch) {
        forget(e);
      }
    }
  }

  @Override
  public boolean supportsListing() {
    return true;
  }

  /**
   * By session id, from the cursor (the last id of the previous page) on: each live session once, in a stable order.
   * Looks at no more than {@code 4 * limit + 1000} entries per page, so that a run of dead or expired ones makes a
   * short page, not a long call.
   */
  @Override
  public SessionPage listAll(String cursor, int limit, Instant now) {
    if (!cursor.isEmpty() && !Ids.isValidId(cursor)) {
      throw new BadCursorException("not a session id");
    }
    long nowMillis = now.toEpochMilli();
    List<Session> page = new ArrayList<>(Math.min(limit, 256));
    int budget = 4 * limit + 1000;
    String last = null;
    ConcurrentSkipListMap<String, Entry> index = byId();
    for (Entry e : (cursor.isEmpty() ? index : index.tailMap(cursor, false)).values()) {
      last = e.session.id();
      if (e.retainUntil >= nowMillis && e.isLive()) {
        page.add(e.session);
        if (page.size() == limit) {
          break;
        }
      }
      if (--budget == 0) {
        break;
      }
    }
    boolean more = last != null && index.higherKey(last) != null;
    return new SessionPage(page, more ? last : "");
  }

  /** Exact: one count of the stored sessions. */
  @Override
  public boolean countsExactly() {
    return true;
  }

  /** Exact: every entry is looked at, in time proportional to the number of sessions. */
  @Override
  public SessionCount countAll(Instant now) {
    long nowMillis = now.toEpochMilli();
    long count = 0;
    for (Entry e : byToken.values()) {
      if (e.retainUntil >= nowMillis && e.isLive()) {
        count++;
      }
    }
    return new SessionCount(count, true, now);
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    Entry entry = byToken.get(tokenHash);
    return entry != null && entry.isLive() ? Optional.of(entry.session) : Optional.empty();
  }

  @Override
  public List<Session> findByUser(String userId) {
    return underUserLock(
        userId,
        List.of(),
        user -> {
          List<Session> sessions = new ArrayList<>(user.entries.size());
          for (Entry e : user.entries) {
            sessions.add(e.session);
          }
          return sessions;
        });
  }

  /** Raises the instants under the user's lock; the retention queue files the session again when it comes due. */
  @Override
  public boolean touch(
      String userId,
      String sessionId,
      Instant lastActivityAt,
      @Nullable Instant expiresAt,
      Instant retainUntil) {
    long until = millis(retainUntil);
    return underUserLock(
        userId,
        false,
        user -> {
          Entry e = user.find(sessionId);
          if (e == null) {
            return false;
          }
          Session stored = e.session;
          boolean later = stored.lastActivityAt().isBefore(lastActivityAt);
          boolean extended = expiresAt != null && stored.expiresAt().isBefore(expiresAt);
          if (later || extended) {
            e.session =
                stored.withActivity(
                    later ? lastActivityAt : stored.lastActivityAt(),
                    extended ? expiresAt : stored.expiresAt());
          }
          if (e.retainUntil < until) {
            e.retainUntil = until;
          }
          return true;
        });
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    Entry entry =
        underUserLock(
            userId,
            null,
            user -> {
              Entry e = user.find(sessionId);
              if (e != null) {
                e.removed = true;
                user.remove(e);
              }
              return e;
            });
    if (entry == null) {
      return Optional.empty();
    }
    forget(entry);
    return Optional.of(entry.session);
  }

  /**
   * Closes the user's sessions but {@code keepSessionId}'s, which moves to a fresh container, and hands over the
   * closed container's entries for unlinking (the kept one among them): no copy, no work per session here.
   */
  private List<Entry> revokeUser(String userId, @Nullable String keepSessionId) {
    List<Entry> removed =
        underUserLock(
            userId,
            List.of(),
            user -> {
              Entry keep = keepSessionId == null ? null : user.find(keepSessionId);
              if (keep == null) {
                byUser.remove(userId, user);
              } else {
                UserSessions next = new UserSessions(userId);
                next.add(keep);
                // Move the kept session before closing: a reader that sees the old owner closed
                // re-reads the owner.
                keep.owner = next;
                byUser.replace(userId, user, next);
              }
              // The linearization point: every other session of the user is dead from this write
              // on.
              user.closed = true;
              return user.entries; // no longer written: the user is closed. The kept one, if any,
              // is in it, and lives on.
            });
    if (!removed.isEmpty()) {
      unlinked.add(removed);
    }
    return removed;
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    List<Entry> removed = revokeUser(userId, keepSessionId);
    List<Session> sessions = new ArrayList<>(removed.size());
    for (Entry e : removed) {
      if (!keepSessionIdMatches(e, keepSessionId)) {
        sessions.add(e.session);
      }
    }
    return sessions;
  }

  /** Revoke-all without reading: no work for the sessions, whatever their number (they leave the map later). */
  @Override
  public void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
    revokeUser(userId, keepSessionId);
  }

  private static boolean keepSessionIdMatches(Entry e, @Nullable String keepSessionId) {
    return keepSessionId != null && e.session.id().equals(keepSessionId) && e.isLive();
  }

  /**
   * Runs {@code action} on the user's open sessions, under their lock, and returns its result; {@code absent} when the
   * user has none. A user found closed was revoked or retired meanwhile, and a fresh one is (or will be) in
   * {@code byUser}: look again. The action takes no other lock but the retention queue's.
   */
  private <T> T underUserLock(String userId, T absent, Function<UserSessions, T> action) {
    for (; ; ) {
      UserSessions user = byUser.get(userId);
      if (user == null) {
        return absent;
      }
      synchronized (user) {
        if (!user.closed) {
          return action.apply(user);
        }
      }
    }
  }

  /** Removes from the map the entries of up to {@code lists} revoke-alls (all with a negative number). */
  private void unlinkRevoked(int lists) {
    List<Entry> batch;
    for (int i = 0; i != lists && (batch = unlinked.poll()) != null; i++) {
      for (Entry e : batch) {
        if (!e.isLive()) { // the one a revoke-all-except kept lives on
          forget(e);
        }
      }
    }
  }

  /**
   * Hands over up to {@code limit} sessions whose retain-until passed: first those that creates found on their way,
   * then those the retention queue has due (at most about a second after their instant; none is scanned for). At most
   * {@value #MAX_UNREPORTED} sessions found by creates wait to be handed over; older ones are forgotten.
   */
  @Override
  public List<Session> purgeExpired(Instant now, int limit) {
    unlinkRevoked(-1);
    List<Session> purged = new ArrayList<>(Math.min(limit, 64));
    Session s;
    while (purged.size() < limit && (s = expired.poll()) != null) {
      unreported.decrementAndGet();
      purged.add(s);
    }
    if (purged.size() < limit) {
      expireDue(millis(now), limit - purged.size(), purged::add);
    }
    return purged;
  }

  /**
   * Takes up to {@code max} sessions due at {@code now} from the retention queue and removes them, handing each to
   * {@code report}; a session touched since it was filed goes back in the queue, and a dead one just leaves. Looks at
   * no more than {@value #POLLS_PER_EXPIRED} sessions for each it may find, so that a queue full of touched ones (after
   * a pause, or a jump of the clock) costs one caller bounded work; the next calls go on.
   */
  private void expireDue(long now, int max, Consumer<Session> report) {
    long polls = (long) max * POLLS_PER_EXPIRED;
    for (int found = 0; found < max && polls-- > 0; ) {
      Entry e = (Entry) retention.pollDue(now);
      if (e == null) {
        return;
      }
      if (settle(e, now, false)) {
        report.accept(e.session);
        found++;
      }
    }
  }

  /**
   * Brings the map back within its maximum size: the sessions nearest their retain-until go first. Expired ones among
   * them are reported as expired; live ones are evicted unreported. Bounded work per call, so a burst of creates
   * shares it.
   */
  private void evict(long now, Entry inserted) {
    boolean setAside = false;
    for (int tries = 0; tries < 64 && byToken.mappingCount() > maximumSize; tries++) {
      Entry e = (Entry) retention.pollFirst();
      if (e == null) {
        break;
      }
      if (e == inserted) {
        setAside = true; // never the session this create returns: it goes back after
        continue;
      }
      if (settle(e, now, true)) {
        reportExpired(e.session);
      }
    }
    if (setAside) {
      settle(inserted, Long.MIN_VALUE, false); // files it again, or lets it go if it died meanwhile
    }
  }

  /**
   * Decides the fate of an entry just taken from the retention queue, under its user's lock so that no touch or delete
   * comes between: dead, it leaves the map; touched since it was filed, it is filed again; past its retain-until, it
   * is removed and this returns true (the caller reports it); otherwise it stays, unless {@code evict}, which removes
   * it unreported.
   */
  private boolean settle(Entry e, long now, boolean evict) {
    for (; ; ) {
      UserSessions user = e.owner;
      if (user == null) {
        forget(e);
        return false;
      }
      boolean expiredNow;
      synchronized (user) {
        if (e.owner != user) {
          continue; // moved by a revoke-all-except meanwhile
        }
        if (e.removed || user.closed || e.epoch < everyone.get()) {
          expiredNow = false; // dead: only the token entry may be left
        } else if (e.movedOn() || (e.retainUntil >= now && !evict)) {
          retention.add(e);
          return false;
        } else {
          expiredNow = e.retainUntil < now;
          e.removed = true;
          user.remove(e);
        }
      }
      dropToken(e);
      return expiredNow;
    }
  }

  private void reportExpired(Session session) {
    if (unreported.incrementAndGet() > MAX_UNREPORTED) {
      // Nobody purges: keep the newest, so memory stays bounded.
      if (expired.poll() != null) {
        unreported.decrementAndGet();
      }
    }
    expired.add(session);
  }

  @Override
  public void close() {
    unlinked.clear();
    byToken.clear();
    ConcurrentSkipListMap<String, Entry> index = byIdIndex;
    if (index != null) {
      index.clear();
    }
    retention.clear();
    byUser.clear();
  }

  /** Removes an entry from the token map, then from the index if there is one. */
  private void dropToken(Entry e) {
    byToken.remove(e.tokenHash, e);
    ConcurrentSkipListMap<String, Entry> index = byIdIndex;
    if (index != null) {
      index.remove(e.session.id(), e);
    }
  }

  /**
   * Files a new entry, already in the token map, in the index if there is one. A removal that came between took it
   * from the token map before looking for it in the index: taken out again here.
   */
  private void index(Entry e) {
    ConcurrentSkipListMap<String, Entry> index = byIdIndex;
    if (index != null) {
      index.putIfAbsent(e.session.id(), e);
      if (byToken.get(e.tokenHash) != e) {
        index.remove(e.session.id(), e);
      }
    }
  }

  /**
   * The index by session id, built at the first call. Published before it is filled, so that a create either sees it
   * (and files itself) or put its entry in the token map before the fill began (and the fill finds it); entries the
   * fill copied while they were being removed are taken out after.
   */
  private ConcurrentSkipListMap<String, Entry> byId() {
    ConcurrentSkipListMap<String, Entry> ready = byId;
    if (ready != null) {
      return ready;
    }
    synchronized (indexBuild) {
      if (byId == null) {
        ConcurrentSkipListMap<String, Entry> index = new ConcurrentSkipListMap<>();
        byIdIndex = index;
        for (Entry e : byToken.values()) {
          index.putIfAbsent(e.session.id(), e);
        }
        index.values().removeIf(e -> byToken.get(e.tokenHash) != e);
        byId = index;
      }
      return byId;
    }
  }

  /** Removes a dead entry from the map and the retention queue; its user no longer holds it. */
  private void forget(Entry e) {
    dropToken(e);
    retention.remove(e);
  }

  /** Removes an entry from its user's index and from the retention queue. */
  private void unlink(Entry entry) {
    for (; ; ) {
      UserSessions user = entry.owner;
      if (user == null) {
        return;
      }
      synchronized (user) {
        if (entry.owner != user) {
          continue; // moved by a revoke-all-except meanwhile
        }
        if (!user.closed
            && !entry.removed) { // a closed user's list is the revoke-all's, read without this lock
          entry.removed = true;
          user.remove(entry);
        }
        retention.remove(entry);
        return;
      }
    }
  }

  /** Epoch millis, saturated: the store keeps instants to the millisecond, as the SPI says. */
  private static long millis(Instant instant) {
    try {
      return instant.toEpochMilli();
    } catch (ArithmeticException e) {
      return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** A user's sessions are indexed by id beyond this many. */
  private static final int INDEXED = 16;

  /** The sessions of one user. Its lock guards {@link #entries}; it is only ever held briefly, never with another. */
  private final class UserSessions {
    final String userId;
    final ArrayList<Entry> entries = new ArrayList<>(2);

    /** By session id, once the user has more than {@value #INDEXED} sessions: finding one stays O(1). */
    private @Nullable HashMap<String, Entry> index;

    /** Set once, when revoked or retired empty: its entries are dead and it is no longer in {@code byUser}. */
    volatile boolean closed;

    UserSessions(String userId) {
      this.userId = userId;
    }

    @Nullable Entry find(String sessionId) {
      if (index != null) {
        return index.get(sessionId);
      }
      for (Entry e : entries) {
        if (e.session.id().equals(sessionId)) {
          return e;
        }
      }
      return null;
    }

    void add(Entry e) {
      entries.add(e);
      if (index != null) {
        index.put(e.session.id(), e);
      } else if (entries.size() > INDEXED) {
        index = new HashMap<>();
        for (Entry each : entries) {
          index.put(each.session.id(), each);
        }
      }
    }

    /** Removes an entry, leaving this object open. Holds the lock. */
    void drop(Entry e) {
      entries.remove(e);
      if (index != null) {
        index.remove(e.session.id());
      }
    }

    void dropIf(java.util.function.Predicate<Entry> dead) {
      entries.removeIf(dead);
      if (index != null) {
        index.values().removeIf(dead);
      }
    }

    /** Removes an entry; retires this object when it was the last, so idle users cost nothing. Holds the lock. */
    void remove(Entry entry) {
      drop(entry);
      if (entries.isEmpty()) {
        closed = true;
        byUser.remove(userId, this);
      }
    }
  }

  private final class Entry extends RetentionQueue.Node {
    final TokenHash tokenHash;
    final long epoch;
    volatile Session session;
    volatile @Nullable UserSessions owner;
    volatile boolean removed;

    Entry(TokenHash tokenHash, Session session, long retainUntil, long epoch) {
      this.tokenHash = tokenHash;
      this.session = session;
      this.retainUntil = retainUntil;
      this.epoch = epoch;
    }

    boolean isLive() {
      if (removed || epoch < everyone.get()) {
        return false;
      }
      for (; ; ) {
        UserSessions user = owner;
        if (user == null) {
          return false;
        }
        if (!user.closed) {
          return true;
        }
        if (owner == user) {
          return false;
        }
        // The owner changed while we looked: a revoke-all-except kept this session. Look again.
      }
    }
  }

  /** Settings of an {@link InMemorySessionStore}, each checked when set. */
  public static final class Builder {
    private long maximumSize = 1_000_000;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The most sessions held at once; beyond it those nearest their retain-until go first. Default 1,000,000. */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximumSize must be at least 1, was " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /** The clock that decides expiry; give the registry's clock. Default: the system clock. */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null");
      }
      this.clock = clock;
      return this;
    }

    public InMemorySessionStore build() {
      return new InMemorySessionStore(this);
    }
  }
}
