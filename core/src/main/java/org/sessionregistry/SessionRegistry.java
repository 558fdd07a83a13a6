package org.sessionregistry;

import static org.sessionregistry.internal.Arguments.require;
import static org.sessionregistry.internal.Arguments.requireId;
import static org.sessionregistry.internal.Arguments.requireMaxLength;
import static org.sessionregistry.internal.Arguments.requireNonNull;
import static org.sessionregistry.internal.Arguments.requireUserId;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.RegistryObserver.Operation;
import org.sessionregistry.RegistryObserver.Outcome;
import org.sessionregistry.internal.IdCodec;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * Issues login sessions, checks their tokens, lists them sanitized and revokes them, over a {@link SessionStore}.
 *
 * <pre>{@code
 * SessionRegistry registry = SessionRegistry.builder()
 *     .store(InMemorySessionStore.create())
 *     .sessionLifetime(Duration.ofDays(30))
 *     .idleTimeout(Duration.ofHours(8))
 *     .build();
 *
 * IssuedSession issued = registry.create(userId);            // give issued.token() to the client, once
 * Optional<Session> session = registry.authenticate(token);  // on every request
 * session.ifPresent(registry::touch);                        // records activity, at most once per touch interval
 * if (registry.mayManageSessionsOf(caller, userId)) {        // the application's rule (SessionAccessRule)
 *   registry.revokeAll(userId);                              // one atomic store round trip
 * }
 * }</pre>
 *
 * <p>Each operation costs at most one store round trip, except {@link #authenticate} of an expired session (which also
 * removes it) and {@link #touch} when a write is due (a read was made before it). Revoking all of a user's sessions is
 * one atomic store operation: when {@link #revokeAll(String)} returns, no session of the user that existed when it was
 * called authenticates, is listed or can be touched back; a session created concurrently is either revoked too or left
 * whole.
 *
 * <p>Thread-safe. Arguments are checked before the store is called: a bad one fails with an
 * {@link IllegalArgumentException} naming it, and nothing changes. A store failure surfaces as a
 * {@link SessionStoreException}; a session that could not be checked is never reported valid. Tokens never appear in
 * messages, logs or {@code toString()}.
 */
public final class SessionRegistry implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(SessionRegistry.class.getName());

  /** Newest last activity, then newest creation, then id; written out, as a list sorts by it about 7 times a session. */
  private static final Comparator<Session> NEWEST_ACTIVITY_FIRST =
      (a, b) -> {
        int c = b.lastActivityAt().compareTo(a.lastActivityAt());
        if (c == 0) {
          c = b.createdAt().compareTo(a.createdAt());
        }
        return c != 0 ? c : a.id().compareTo(b.id());
      };

  private final SessionStore store;
  private final Clock clock;
  private final Duration sessionLifetime;
  private final @Nullable Duration idleTimeout;
  private final Duration touchInterval;
  private final boolean extendWithActivity;
  private final @Nullable Duration maxSessionLifetime;
  private final List<SessionListener> listeners;
  private final RegistryObserver observer;

  /** Whether an observer was given: only then is the clock read for it. */
  private final boolean observed;

  private final SessionAccessRule accessRule;
  private final UserRoles userRoles;

  /** Whether the application gave its user directory: then an unknown caller holds no role at all. */
  private final boolean userRolesGiven;

  private final UserCredentials credentials;
  private final SessionLimit limit;
  private final Set<String> secretProps;

  private SessionRegistry(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    this.sessionLifetime = b.sessionLifetime;
    this.idleTimeout = b.idleTimeout;
    this.touchInterval = b.effectiveTouchInterval();
    this.extendWithActivity = b.extendWithActivity;
    this.maxSessionLifetime = b.maxSessionLifetime;
    this.listeners = List.copyOf(b.listeners);
    this.observer = b.observer;
    this.observed = b.observer != RegistryObserver.none();
    this.accessRule = b.accessRule;
    this.userRoles = b.userRoles;
    this.userRolesGiven = b.userRolesGiven;
    this.credentials = b.credentials;
    this.limit = b.limit;
    this.secretProps = Set.copyOf(b.secretProps);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Issues a session with the default details ({@link NewSession#forUser}). */
  public IssuedSession create(String userId) {
    return create(NewSession.forUser(userId)); // which checks the id
  }

  /**
   * Issues a session. The token is returned here once and never again; the store keeps its hash.
   *
   * <p>With a session limit ({@link Builder#maxSessionsPerUser}, or the request's own, {@link NewSession#withLimit}),
   * the create and whatever it ends to make room are one atomic store operation; listeners hear of the sessions it
   * ended ({@link RevocationReason#SESSION_LIMIT}) before the creation.
   *
   * <p>With {@link NewSession#replacingSameDevice()}, the user's earlier sessions with the same device id end in the
   * same atomic store operation ({@link RevocationReason#REPLACED_BY_SAME_DEVICE}), before the limit is counted.
   *
   * <p>A create that races a revoke-all of the same user may return a session that the revoke-all already ended: the
   * two calls overlapped, and the session was created first. Listeners then hear of its revocation before its
   * creation.
   *
   * @throws IllegalArgumentException if a detail is invalid (the message names it); nothing is stored
   * @throws SessionLimitExceededException if the user is at its limit and the policy refuses; nothing is stored
   */
  public IssuedSession create(NewSession request) {
    requireNonNull(request, "request");
    requireUserId(request.userId(), "userId");
    requireMaxLength(request.deviceId(), "deviceId", Session.MAX_DEVICE_ID_LENGTH);
    long start = start();
    try {
      IssuedSession issued = insert(request);
      ended(Operation.CREATE, Outcome.OK, start);
      return issued;
    } catch (RuntimeException e) {
      failed(Operation.CREATE, start, e);
      throw e;
    }
  }

  private IssuedSession insert(NewSession request) {
    Instant now = now();
    String token = IdCodec.newToken(store.tokenPrefix(request.userId()));
    TokenHash tokenHash = TokenHash.of(token);
    Session session =
        new Session(
            tokenHash.sessionId(),
            request.userId(),
            now,
            now.plus(sessionLifetime),
            now,
            request.deviceId(),
            request.roles(),
            request.props());
    boolean endSameDevice = request.replaceSameDevice() && !request.deviceId().isEmpty();
    List<Session> ended =
        store.insert(
            session,
            tokenHash,
            retainUntil(session),
            request.limit() == null ? limit : request.limit(),
            endSameDevice);
    for (Session s : ended) {
      // The device's sessions end whatever their state: one past its expiry, not purged yet, had
      // expired.
      sessionEnded(
          s,
          isExpired(s, now)
              ? RevocationReason.EXPIRED
              : endSameDevice && s.deviceId().equals(session.deviceId())
                  ? RevocationReason.REPLACED_BY_SAME_DEVICE
                  : RevocationReason.SESSION_LIMIT);
    }
    notifyCreated(session);
    return new IssuedSession(session, token);
  }

  /**
   * The live session the token belongs to. Empty when the token is unknown, revoked, expired (absolute or idle
   * timeout), not shaped like a token, or its user no longer exists or changed its credentials since (see
   * {@link UserCredentials}). Reads only, except that a session found dead for good (past its absolute expiry, or
   * outlived by its credentials) is removed.
   *
   * @throws IllegalArgumentException if the token is null
   * @throws SessionStoreException if the store could not be asked; the token must then be refused
   */
  public Optional<Session> authenticate(String token) {
    requireNonNull(token, "token");
    long start = start();
    try {
      Optional<Session> found = find(token);
      ended(Operation.AUTHENTICATE, found.isPresent() ? Outcome.HIT : Outcome.MISS, start);
      return found;
    } catch (RuntimeException e) {
      failed(Operation.AUTHENTICATE, start, e);
      throw e;
    }
  }

  private Optional<Session> find(String token) {
    if (!IdCodec.isTokenShaped(token)) {
      return Optional.empty();
    }
    Optional<Session> found = store.findByToken(TokenHash.of(token));
    if (found.isEmpty()) {
      return found;
    }
    Session session = found.get();
    Instant now = now();
    if (isExpired(session, now)) {
      // Past a fixed absolute expiry it is gone for good: remove it. Idle, and an expiry that
      // activity extends, are
      // left to the store's retain-until, which only the stored state moves: another node may have
      // recorded activity
      // this copy (a front cache's) does not show yet, and removing it would end a session the
      // store keeps alive.
      if (!extendWithActivity && now.isAfter(session.expiresAt())) {
        remove(session, RevocationReason.EXPIRED);
      }
      return Optional.empty();
    }
    if (!credentialsValid(session)) {
      remove(session, RevocationReason.CREDENTIALS_CHANGED);
      return Optional.empty();
    }
    return found;
  }

  /**
   * Records activity on a session now: writes its last activity only if the last write is at least the touch interval
   * old, and never moves it backwards. With {@link Builder#extendWithActivity}, the same write moves its expiry to now
   * plus the session lifetime (never beyond {@link Builder#maxSessionLifetime} from its creation, never earlier than it
   * was). Cannot bring back a session that was revoked or has expired. When no write is due, the store is not called
   * and the session is returned as given.
   *
   * @param session a session from {@link #authenticate}
   * @return the session with its recorded last activity and expiry, or empty if it has expired or (when a write was
   *     due) no longer exists
   */
  public Optional<Session> touch(Session session) {
    requireNonNull(session, "session");
    long start = start();
    try {
      Optional<Session> touched = record(session);
      ended(Operation.TOUCH, touched.isPresent() ? Outcome.OK : Outcome.NOT_FOUND, start);
      return touched;
    } catch (RuntimeException e) {
      failed(Operation.TOUCH, start, e);
      throw e;
    }
  }

  private Optional<Session> record(Session session) {
    Instant now = now();
    if (isExpired(session, now)) {
      return Optional.empty();
    }
    if (Duration.between(session.lastActivityAt(), now).compareTo(touchInterval) < 0) {
      return Optional.of(session);
    }
    Session touched = session.withActivity(now, extendedExpiry(session, now));
    Instant extended = touched.expiresAt().equals(session.expiresAt()) ? null : touched.expiresAt();
    return store.touch(session.userId(), session.id(), now, extended, retainUntil(touched))
        ? Optional.of(touched)
        : Optional.empty();
  }

  /**
   * The user's live sessions, sanitized (no secret props such as {@code csrf}; sessions never carry tokens), newest
   * last activity first. Empty when none.
   */
  public List<Session> list(String userId) {
    requireUserId(userId, "userId");
    long start = start();
    List<Session> stored;
    try {
      stored = store.findByUser(userId);
    } catch (RuntimeException e) {
      failed(Operation.LIST, start, e);
      throw e;
    }
    List<Session> live = liveAndSanitized(stored, now());
    live.sort(NEWEST_ACTIVITY_FIRST);
    ended(Operation.LIST, Outcome.OK, start);
    return live;
  }

  /** The live ones of the stored sessions, without secret props, in the stored order. */
  private List<Session> liveAndSanitized(List<Session> stored, Instant now) {
    List<Session> live = new ArrayList<>(stored.size());
    for (Session s : stored) {
      if (!isExpired(s, now)) {
        live.add(s.withoutProps(secretProps));
      }
    }
    return live;
  }

  /**
   * One page of a walk over every live session of every user, sanitized as {@link #list} (no token, no secret props),
   * in the store's order. Start with an empty cursor and pass each page's {@link SessionPage#nextCursor} to the next
   * call until it is empty. Every session alive throughout the walk is returned at least once; on memory and SQL
   * exactly once, by session id, at most {@code limit} per page. On Redis a session may come twice, and a page holds the
   * sessions of about {@code limit} users (see the store). A page may hold fewer sessions than {@code limit}, even
   * none, before the last. Each call is one store operation (a keyset seek, never an offset); the front cache is not
   * consulted.
   *
   * @param cursor empty for the first page, else the {@link SessionPage#nextCursor} of the previous page
   * @param limit 1 to 1000
   * @throws BadCursorException if the cursor is not one the store gave (nothing is read)
   * @throws IllegalArgumentException if the limit is out of range
   * @throws ListingUnsupportedException if the store cannot walk every session
   */
  public SessionPage listAll(String cursor, int limit) {
    requireNonNull(cursor, "cursor");
    require(limit >= 1 && limit <= 1000, "limit must be 1 to 1000, was " + limit);
    if (cursor.length() > 512 || !cursor.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new BadCursorException("more than 512 characters, or not printable ASCII");
    }
    if (!store.supportsListing()) {
      throw new ListingUnsupportedException(store.toString());
    }
    long start = start();
    SessionPage page;
    Instant now = now();
    try {
      page = store.listAll(cursor, limit, now);
    } catch (RuntimeException e) {
      failed(Operation.LIST, start, e);
      throw e;
    }
    List<Session> live = liveAndSanitized(page.sessions(), now);
    ended(Operation.LIST, Outcome.OK, start);
    return new SessionPage(live, page.nextCursor());
  }

  /**
   * How many sessions the store holds, not past their retain-until: exact on memory and SQL, a cached approximation
   * on Redis ({@link SessionCount#exact()} says which). Sessions expired by the idle timeout but not yet dropped by the
   * store may count.
   *
   * @throws ListingUnsupportedException if the store cannot count every session
   */
  public SessionCount count() {
    if (!store.supportsListing()) {
      throw new ListingUnsupportedException(store.toString());
    }
    return store.countAll(now());
  }

  /**
   * Revokes one session of the user.
   *
   * @return whether a live session was revoked; false if the user has no such session (idempotent)
   */
  public boolean revoke(String userId, String sessionId) {
    requireUserId(userId, "userId");
    requireId(sessionId, "sessionId");
    return revoke(userId, sessionId, RevocationReason.REVOKE);
  }

  /**
   * Ends the caller's own session, as its holder logging out.
   *
   * @return whether the session was live and is now revoked
   */
  public boolean logout(Session session) {
    requireNonNull(session, "session");
    return revoke(session.userId(), session.id(), RevocationReason.LOGOUT);
  }

  /**
   * Revokes every session of the user in one atomic store operation. It returns nothing, so that a store need not read
   * the sessions back (on Redis that would cost more than the revoke); listeners hear of each one, and {@link #list}
   * before tells how many there are.
   */
  public void revokeAll(String userId) {
    requireUserId(userId, "userId");
    revokeAll(userId, null);
  }

  /**
   * Revokes every session of the user but one, typically the caller's own, in one atomic store operation. The kept
   * session stays valid throughout. If it is not one of the user's sessions, all are revoked.
   */
  public void revokeAllExcept(String userId, String keepSessionId) {
    requireUserId(userId, "userId");
    requireId(keepSessionId, "keepSessionId");
    revokeAll(userId, keepSessionId);
  }

  /**
   * Removes up to {@code limit} expired sessions that the store still keeps, telling listeners ({@code EXPIRED}).
   * Safe to run on several nodes at once. Stores that expire sessions on their own may remove none.
   *
   * @return how many sessions were removed
   */
  public int purgeExpired(int limit) {
    require(limit > 0, "limit must be positive, was " + limit);
    long start = start();
    List<Session> purged;
    try {
      purged = store.purgeExpired(now(), limit);
    } catch (RuntimeException e) {
      failed(Operation.PURGE, start, e);
      throw e;
    }
    purged.forEach(s -> sessionEnded(s, RevocationReason.EXPIRED));
    ended(Operation.PURGE, Outcome.OK, start);
    return purged.size();
  }

  /**
   * Revokes every session of every user, the caller's own included: when it returns, no session created before it
   * was called authenticates, on any node; a session created meanwhile may survive. Listeners hear one
   * {@link SessionListener#everyoneRevoked()}. For an emergency (a leaked database, a compromised node): every user
   * has to log in again. What it costs depends on the store (see each store's documentation); it never makes
   * {@link #authenticate} cost more.
   */
  public void revokeEveryone() {
    long start = start();
    try {
      store.deleteEveryone();
    } catch (RuntimeException e) {
      failed(Operation.REVOKE_EVERYONE, start, e);
      throw e;
    }
    ended(Operation.REVOKE_EVERYONE, Outcome.OK, start);
    for (SessionListener l : listeners) {
      try {
        l.everyoneRevoked();
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "session listener " + l + " failed on the revocation of every session",
            e);
      }
    }
  }

  /**
   * Whether the caller may list and revoke the sessions of {@code userId}: always its own; another user's as the
   * application's {@link SessionAccessRule} decides (by default, never). Nothing at all while the caller's user no
   * longer exists or changed its credentials after the session was created ({@link UserCredentials}). Decided by the
   * caller's <em>current</em> roles ({@link #currentRoles}). Pass a session that {@link #authenticate} returned: the
   * check trusts the session it is given. Ask once per request, then call the operation:
   *
   * <pre>{@code
   * if (!registry.mayManageSessionsOf(caller, userId)) {
   *   throw new Forbidden();  // the application's 403
   * }
   * registry.revokeAll(userId);
   * }</pre>
   */
  public boolean mayManageSessionsOf(Session caller, String userId) {
    requireNonNull(caller, "caller");
    requireUserId(userId, "userId");
    if (!credentialsValid(caller)) {
      return false;
    }
    if (caller.userId().equals(userId)) {
      return true;
    }
    return accessRule.mayManageSessionsOf(
        subject(caller), new SessionAccessRule.Subject(userId, userRoles));
  }

  /**
   * Whether the caller may revoke every session of every user ({@link #revokeEveryone()}), as the application's
   * {@link SessionAccessRule} decides (by default, no one); never while its credentials are not valid.
   */
  public boolean mayRevokeEveryone(Session caller) {
    requireNonNull(caller, "caller");
    return credentialsValid(caller) && accessRule.mayRevokeEveryone(subject(caller));
  }

  /**
   * The session's user's roles now: from {@link UserRoles} (none when the application's directory does not know the
   * user; the roles the session was issued with only when no directory was given), and none at all while the user no
   * longer exists or changed its credentials after the session was created. What a request's authorization should
   * read: a demoted admin is no admin on its next request.
   */
  public Set<String> currentRoles(Session session) {
    requireNonNull(session, "session");
    return credentialsValid(session) ? subject(session).roles() : Set.of();
  }

  /** Closes the store. */
  @Override
  public void close() {
    try {
      store.close();
    } catch (Exception e) {
      throw new SessionStoreException("closing the session store failed: " + e.getMessage(), e);
    }
  }

  /** The caller as the access rule sees it: its current roles, or its session's when the application gave no directory. */
  private SessionAccessRule.Subject subject(Session caller) {
    Set<String> current = userRoles.rolesOf(caller.userId());
    if (current != null) {
      return new SessionAccessRule.Subject(caller.userId(), current, true);
    }
    return userRolesGiven
        ? new SessionAccessRule.Subject(caller.userId(), Set.of(), false)
        : new SessionAccessRule.Subject(caller.userId(), caller.roles(), true);
  }

  private boolean revoke(String userId, String sessionId, RevocationReason reason) {
    long start = start();
    Optional<Session> removed;
    try {
      removed = store.delete(userId, sessionId);
    } catch (RuntimeException e) {
      failed(Operation.REVOKE, start, e);
      throw e;
    }
    boolean live = removed.isPresent() && !isExpired(removed.get(), now());
    removed.ifPresent(s -> sessionEnded(s, live ? reason : RevocationReason.EXPIRED));
    ended(Operation.REVOKE, live ? Outcome.OK : Outcome.NOT_FOUND, start);
    return live;
  }

  private void revokeAll(String userId, @Nullable String keepSessionId) {
    Operation operation =
        keepSessionId == null ? Operation.REVOKE_ALL : Operation.REVOKE_ALL_EXCEPT;
    long start = start();
    try {
      if (listeners.isEmpty()) {
        // Nobody needs the sessions back (an observer counts the operation, not its sessions): the
        // store may skip
        // reading them.
        store.deleteAllOfUserWithoutReading(userId, keepSessionId);
      } else {
        List<Session> removed = store.deleteAllOfUser(userId, keepSessionId);
        Instant now = now();
        for (Session s : removed) {
          notifyRevoked(
              s, isExpired(s, now) ? RevocationReason.EXPIRED : RevocationReason.REVOKE_ALL);
        }
      }
    } catch (RuntimeException e) {
      failed(operation, start, e);
      throw e;
    }
    ended(operation, Outcome.OK, start);
  }

  /** Removes a session found dead for good; the answer is "not valid" whether or not the removal works. */
  private void remove(Session session, RevocationReason reason) {
    try {
      store.delete(session.userId(), session.id()).ifPresent(s -> sessionEnded(s, reason));
    } catch (SessionStoreException e) {
      // The store drops it at its retain-until instant anyway.
      LOG.log(Level.DEBUG, "could not remove session " + session.id() + " (" + reason + ")", e);
    }
  }

  /** Whether the session's user still exists, and the session is not older than its user's credentials. */
  private boolean credentialsValid(Session session) {
    Instant since = credentials.validSince(session.userId());
    return since != null && !session.createdAt().isBefore(since);
  }

  /** The expiry activity now gives the session: now plus the lifetime, within the maximum, and never earlier. */
  private Instant extendedExpiry(Session session, Instant now) {
    if (!extendWithActivity) {
      return session.expiresAt();
    }
    Instant extended = now.plus(sessionLifetime);
    if (maxSessionLifetime != null) {
      Instant cap = session.createdAt().plus(maxSessionLifetime);
      if (extended.isAfter(cap)) {
        extended = cap;
      }
    }
    return extended.isAfter(session.expiresAt()) ? extended : session.expiresAt();
  }

  /** Mattermost keeps milliseconds; so does every store. */
  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }

  private boolean isExpired(Session s, Instant now) {
    long nowMillis = now.toEpochMilli();
    return nowMillis > s.expiresAt().toEpochMilli()
        || (idleTimeout != null
            && nowMillis > s.lastActivityAt().toEpochMilli() + idleTimeout.toMillis());
  }

  /** When the store may drop the session: its absolute expiry, or sooner when idle. */
  private Instant retainUntil(Session s) {
    if (idleTimeout == null) {
      return s.expiresAt();
    }
    Instant idleEnd = s.lastActivityAt().plus(idleTimeout);
    return idleEnd.isBefore(s.expiresAt()) ? idleEnd : s.expiresAt();
  }

  /** The clock reading an operation's time starts from; none without an observer. */
  private long start() {
    return observed ? System.nanoTime() : 0L;
  }

  private void ended(Operation operation, Outcome outcome, long start) {
    if (observed) {
      observe(operation, outcome, System.nanoTime() - start);
    }
  }

  private void failed(Operation operation, long start, RuntimeException e) {
    if (observed) {
      Outcome outcome =
          e instanceof SessionLimitExceededException
              ? Outcome.REFUSED_BY_LIMIT
              : e instanceof SessionStoreUnavailableException
                  ? Outcome.STORE_UNAVAILABLE
                  : Outcome.STORE_ERROR;
      observe(operation, outcome, System.nanoTime() - start);
    }
  }

  private void observe(Operation operation, Outcome outcome, long nanos) {
    try {
      observer.operationEnded(operation, outcome, nanos);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "registry observer " + observer + " failed", e);
    }
  }

  /** A session the store ended and read back: the observer counts it, the listeners hear of it. */
  private void sessionEnded(Session session, RevocationReason reason) {
    if (observed) {
      try {
        observer.sessionsEnded(reason, 1);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "registry observer " + observer + " failed", e);
      }
    }
    notifyRevoked(session, reason);
  }

  private void notifyCreated(Session session) {
    for (SessionListener l : listeners) {
      try {
        l.sessionCreated(session);
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "session listener " + l + " failed on creation of session " + session.id(),
            e);
      }
    }
  }

  private void notifyRevoked(Session session, RevocationReason reason) {
    for (SessionListener l : listeners) {
      try {
        l.sessionRevoked(session, reason);
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "session listener " + l + " failed on revocation of session " + session.id(),
            e);
      }
    }
  }

  /**
   * Settings of a {@link SessionRegistry}. Each setter checks its value at once and fails with an
   * {@link IllegalArgumentException} naming the setting and the bad value; {@link #build()} checks the rules between
   * settings.
   */
  public static final class Builder {
    private static final Duration MAX_DURATION = Duration.ofDays(36_500);
    private @Nullable SessionStore store;
    private Clock clock = Clock.systemUTC();
    private Duration sessionLifetime = Duration.ofDays(30);
    private @Nullable Duration idleTimeout;
    private @Nullable Duration touchInterval;
    private boolean extendWithActivity;
    private @Nullable Duration maxSessionLifetime;
    private final List<SessionListener> listeners = new ArrayList<>();
    private RegistryObserver observer = RegistryObserver.none();
    private SessionAccessRule accessRule = SessionAccessRule.selfOnly();
    private UserRoles userRoles = UserRoles.unknown();
    private boolean userRolesGiven;
    private UserCredentials credentials = UserCredentials.unchecked();
    private SessionLimit limit = SessionLimit.unlimited();
    private final Set<String> secretProps = new LinkedHashSet<>(Set.of("csrf"));

    private Builder() {}

    /**
     * Where sessions live. Required. To answer repeated authentications from memory in front of a remote store, give
     * it wrapped in a front cache: {@code store(frontCache.over(store))} (see
     * {@link org.sessionregistry.cache.FrontCache}).
     */
    public Builder store(SessionStore store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * The clock for creation, activity and expiry, read in whole milliseconds. Default: the system clock, UTC. A store
     * with a clock of its own (the in-memory store) must be given the same one.
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long a session lives: from its creation (the absolute timeout), or from its last recorded activity when
     * {@link #extendWithActivity extended with activity}. Default 30 days; at most 100 years.
     */
    public Builder sessionLifetime(Duration sessionLifetime) {
      requireStoredDuration(sessionLifetime, "sessionLifetime");
      this.sessionLifetime = sessionLifetime;
      return this;
    }

    /** How long a session lives without activity (see {@link SessionRegistry#touch}). Default: no idle timeout. */
    public Builder idleTimeout(Duration idleTimeout) {
      requireStoredDuration(idleTimeout, "idleTimeout");
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * The least time between two writes of a session's last activity; touches in between cost nothing. Zero writes on
     * every touch. Must be shorter than the idle timeout (and, extending with activity, than the lifetime). Default 5
     * minutes, as Mattermost; half the idle timeout (or the extended lifetime) when that is shorter than 10 minutes, so
     * that an active session never lapses between two writes.
     */
    public Builder touchInterval(Duration touchInterval) {
      requireNonNull(touchInterval, "touchInterval");
      require(
          !touchInterval.isNegative(), "touchInterval must not be negative, was " + touchInterval);
      this.touchInterval = touchInterval;
      return this;
    }

    /**
     * Whether activity extends a session: each write of its activity ({@link SessionRegistry#touch}, at most once per
     * touch interval) also moves its expiry to that moment plus the session lifetime, so an active user is never
     * logged out in the middle of work. Mattermost's "Extend session length with activity", which Mattermost turns on
     * by default. The idle timeout and {@link #maxSessionLifetime} still bound the session. Default false: the expiry
     * is fixed at creation.
     */
    public Builder extendWithActivity(boolean extendWithActivity) {
      this.extendWithActivity = extendWithActivity;
      return this;
    }

    /**
     * The longest a session extended with activity may live from its creation, however active: an absolute bound for
     * {@link #extendWithActivity}. Not below the session lifetime; at most 100 years. Default: none.
     */
    public Builder maxSessionLifetime(Duration maxSessionLifetime) {
      requireStoredDuration(maxSessionLifetime, "maxSessionLifetime");
      this.maxSessionLifetime = maxSessionLifetime;
      return this;
    }

    /**
     * Adds a listener told of creations and revocations, in the order added. A listener costs a revoke-all its one-row
     * path: the store reads back every session it ends, so that the listener can hear of each (on Redis and JDBC that
     * grows with the user's sessions). For counting, give an {@link #observer} instead.
     */
    public Builder listener(SessionListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * What is told each operation's time and outcome, and the sessions ended (for metrics: see
     * {@link RegistryObserver}); it never makes the store read anything back. Default: {@link RegistryObserver#none()}.
     */
    public Builder observer(RegistryObserver observer) {
      this.observer = requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Who may manage whose sessions ({@link SessionRegistry#mayManageSessionsOf}). Default:
     * {@link SessionAccessRule#selfOnly()}.
     */
    public Builder accessRule(SessionAccessRule accessRule) {
      this.accessRule = requireNonNull(accessRule, "accessRule");
      return this;
    }

    /**
     * Users' current roles, which the access rule and {@link SessionRegistry#currentRoles} read. Default:
     * {@link UserRoles#unknown()}, where a caller's roles are those its session was issued with.
     */
    public Builder userRoles(UserRoles userRoles) {
      this.userRoles = requireNonNull(userRoles, "userRoles");
      this.userRolesGiven = true;
      return this;
    }

    /**
     * Whether users still exist and since when their credentials are valid: a session of a user that no longer exists,
     * or created before its user's credentials changed, never authenticates and grants nothing. Default:
     * {@link UserCredentials#unchecked()}.
     */
    public Builder userCredentials(UserCredentials credentials) {
      this.credentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * At most {@code maxSessions} live sessions per user; a create beyond it ends the least recently active ones or is
     * refused, as {@code policy} says, in the same atomic store operation as the create (see {@link SessionLimit}).
     * Default: no limit.
     */
    public Builder maxSessionsPerUser(int maxSessions, SessionLimit.Policy policy) {
      require(maxSessions >= 1, "maxSessionsPerUser must be at least 1, was " + maxSessions);
      requireNonNull(policy, "policy");
      this.limit = new SessionLimit(maxSessions, policy);
      return this;
    }

    /** Adds a prop that listings never show, beside {@code csrf}. */
    public Builder secretProp(String key) {
      requireNonNull(key, "key");
      require(!key.isEmpty(), "secret prop key must not be empty");
      secretProps.add(key);
      return this;
    }

    /**
     * @throws IllegalStateException if the store is missing, the touch interval is not shorter than the idle timeout
     *     (or, extending with activity, than the session lifetime), or the maximum lifetime is below the lifetime
     */
    public SessionRegistry build() {
      if (store == null) {
        throw new IllegalStateException("store must be set: SessionRegistry.builder().store(...)");
      }
      Duration touchInterval = effectiveTouchInterval();
      if (idleTimeout != null && touchInterval.compareTo(idleTimeout) >= 0) {
        throw new IllegalStateException(
            "touchInterval ("
                + touchInterval
                + ") must be shorter than idleTimeout ("
                + idleTimeout
                + "), or active sessions would time out between two writes of their activity");
      }
      if (extendWithActivity && touchInterval.compareTo(sessionLifetime) >= 0) {
        throw new IllegalStateException(
            "touchInterval ("
                + touchInterval
                + ") must be shorter than sessionLifetime ("
                + sessionLifetime
                + ") when sessions extend with activity, or active sessions would expire between two"
                + " writes of their activity");
      }
      if (maxSessionLifetime != null && maxSessionLifetime.compareTo(sessionLifetime) < 0) {
        throw new IllegalStateException(
            "maxSessionLifetime ("
                + maxSessionLifetime
                + ") must not be shorter than"
                + " sessionLifetime ("
                + sessionLifetime
                + "): no session could live its lifetime");
      }
      return new SessionRegistry(this);
    }

    private Duration effectiveTouchInterval() {
      if (touchInterval != null) {
        return touchInterval;
      }
      Duration shortest = extendWithActivity ? sessionLifetime : Duration.ofMinutes(10);
      if (idleTimeout != null && idleTimeout.compareTo(shortest) < 0) {
        shortest = idleTimeout;
      }
      return shortest.compareTo(Duration.ofMinutes(10)) < 0
          ? shortest.dividedBy(2)
          : Duration.ofMinutes(5);
    }

    /** Positive, whole milliseconds (what stores keep), and at most 100 years (what instants can add). */
    private static void requireStoredDuration(@Nullable Duration value, String name) {
      requireNonNull(value, name);
      require(!value.isNegative() && !value.isZero(), name + " must be positive, was " + value);
      require(
          value.compareTo(MAX_DURATION) <= 0, name + " must be at most 100 years, was " + value);
      require(value.getNano() % 1_000_000 == 0, name + " must be whole milliseconds, was " + value);
    }
  }
}
