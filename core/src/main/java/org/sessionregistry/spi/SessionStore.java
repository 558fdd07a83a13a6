package org.sessionregistry.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.ListingUnsupportedException;
import org.sessionregistry.Session;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionPage;
import org.sessionregistry.SessionStoreException;

/**
 * Where sessions live: implemented by store authors, used only by {@link org.sessionregistry.SessionRegistry}.
 *
 * <p>Every method is <b>one round trip</b> to the store and atomic on its own, whatever the number of sessions it
 * touches. A store keeps each session with a <em>retain-until</em> instant, past which it may drop the session on its
 * own (TTL, cache expiry) or in {@link #purgeExpired}; the registry still checks expiry itself with its clock, so a store
 * may return sessions past that instant.
 *
 * <p>Writes are scoped by user id, so a store can keep all of a user's sessions together (one partition, one Redis hash
 * slot) and revoke them in one step. A write never re-creates a session that is gone: only {@link #insert} creates.
 *
 * <p>Instants are whole milliseconds (Mattermost's precision); a store keeps them exactly.
 *
 * <p>Implementations are thread-safe. Arguments are valid and non-null unless marked; the registry checks them.
 * Every method may throw {@link SessionStoreException} when the store fails; then the caller cannot know whether a
 * write was applied, and the store must not be left half-written.
 */
public interface SessionStore extends AutoCloseable {

  /**
   * Adds a new session, findable by id and by token hash, within its user's limit, in one atomic step. The registry
   * gives every session the id {@link TokenHash#sessionId()} of its token hash, so a store may find a session by token
   * through its id alone.
   *
   * <p>The user's live sessions are those whose retain-until is not before the new session's creation. When there are
   * {@code limit.maxSessions()} of them or more, {@link SessionLimit.Policy#REFUSE_NEW} throws and writes nothing;
   * {@link SessionLimit.Policy#END_LEAST_RECENTLY_ACTIVE} removes the least recently active of them (oldest last
   * activity, then oldest creation, then lowest id) until the new one fits, in the same step: concurrent inserts for
   * one user never leave more than the limit live, and nobody ever sees more. An unlimited limit checks nothing.
   *
   * <p>With {@code endSameDevice} (only ever given with a non-empty {@link Session#deviceId()}), the user's sessions
   * with the same device id are removed first, in the same atomic step, and do not count against the limit: a device
   * that logs in again replaces its session, and concurrent inserts for one device leave exactly one of them.
   *
   * @return the sessions removed (of the same device, and to make room), in any order; empty when none
   * @throws SessionLimitExceededException if the user is at the limit and the policy refuses (nothing written)
   * @throws SessionStoreException if a session with the same id or token hash exists (the existing one is unchanged)
   */
  List<Session> insert(
      Session session,
      TokenHash tokenHash,
      Instant retainUntil,
      SessionLimit limit,
      boolean endSameDevice);

  /** The session whose token has this hash, or empty. Read only. */
  Optional<Session> findByToken(TokenHash tokenHash);

  /** All sessions of the user, in any order; empty when none. Read only. */
  List<Session> findByUser(String userId);

  /**
   * Records activity: raises the session's last activity to {@code lastActivityAt}, its expiry to {@code expiresAt}
   * (a session extended with activity; null leaves the expiry alone, and costs nothing to read) and its retain-until
   * to {@code retainUntil}, each only if the stored value is earlier. Never moves any of them backwards, never
   * re-creates a removed session, changes no other field. Idempotent.
   *
   * @return whether the session exists (and now has at least that last activity and expiry)
   */
  boolean touch(
      String userId,
      String sessionId,
      Instant lastActivityAt,
      @Nullable Instant expiresAt,
      Instant retainUntil);

  /**
   * Removes one session of the user. Idempotent.
   *
   * @return the removed session, or empty if the user had no session with that id
   */
  Optional<Session> delete(String userId, String sessionId);

  /**
   * Removes every session of the user, except {@code keepSessionId} when it is given and belongs to the user, in one
   * atomic step: a concurrent {@link #findByToken} sees all of them or none of them, a concurrent {@link #insert} for
   * the user is either removed too or left whole, and the kept session is never seen missing. Idempotent.
   *
   * @return the removed sessions, in any order
   */
  List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId);

  /**
   * Removes like {@link #deleteAllOfUser}, with the same atomicity, without reading the sessions back: for when nobody
   * needs them (no listener), so that a store can skip the reading (Redis: one {@code UNLINK} of the user's key, where
   * reading N sessions back would cost more than the removal). The default removes with {@link #deleteAllOfUser}.
   */
  default void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
    deleteAllOfUser(userId, keepSessionId);
  }

  /**
   * Removes every session of every user, in one step as far as the store can: when it returns, no session that
   * existed when it was called can be found, listed or touched. Nothing is read back. Sessions inserted concurrently
   * may survive. May take time in proportion to the number of sessions.
   */
  void deleteEveryone();

  /**
   * Removes up to {@code limit} sessions whose retain-until is before {@code now}. Safe to call from several nodes at
   * once. Stores that expire sessions on their own (caches, TTLs) may remove fewer or none.
   *
   * @return the removed sessions
   */
  List<Session> purgeExpired(Instant now, int limit);

  /**
   * Whether this store walks and counts every session ({@link #listAll}, {@link #countAll}). Default false: both then
   * throw {@link ListingUnsupportedException}.
   */
  default boolean supportsListing() {
    return false;
  }

  /**
   * One page of a walk over every session of every user, from {@code cursor} (empty: the first page), read only.
   *
   * <p>The walk returns every session that exists throughout it at least once, and never a session that did not
   * exist during it; a session created or removed meanwhile may or may not appear. Sessions past their retain-until
   * at {@code now} are left out (the registry checks expiry itself as well). A store that keeps a stable order (memory,
   * SQL: by session id) returns each session once, at most {@code limit} per page, and seeks to the cursor (a keyset,
   * never an offset); one that cannot (Redis: {@code SCAN}) documents its duplicates and page sizes. A page may hold
   * fewer than {@code limit} sessions, even none, before the last one.
   *
   * @param cursor empty, or a {@link SessionPage#nextCursor} this store gave; the registry checks it is at most 512
   *     printable ASCII characters
   * @param limit 1 to 1000
   * @throws org.sessionregistry.BadCursorException if the cursor is not one this store gave
   * @throws ListingUnsupportedException unless {@link #supportsListing}
   */
  default SessionPage listAll(String cursor, int limit, Instant now) {
    throw new ListingUnsupportedException(toString());
  }

  /**
   * How many sessions are not past their retain-until at {@code now}. Exact on a store that can count them in one
   * query; otherwise an approximation that says so ({@link SessionCount#exact()}), never a full walk per call.
   *
   * @throws ListingUnsupportedException unless {@link #supportsListing}
   */
  default SessionCount countAll(Instant now) {
    throw new ListingUnsupportedException(toString());
  }

  /**
   * Whether {@link #countAll} is exact, known without counting: a live-sessions gauge is made only for such a store,
   * and deciding must not cost a walk. Default false.
   */
  default boolean countsExactly() {
    return false;
  }

  /**
   * What every token of this user starts with, so that the store can find the user's sessions from a token alone (the
   * Redis store keeps all of a user's sessions under one key named by a digest of the user id): empty, or up to 64
   * ASCII letters and digits, the same for every call with the same user. It is no secret, and costs no random bits:
   * 26 random characters (128 bits) follow it, and {@link TokenHash#routingPrefix()} gives it back. Derive it from the
   * user id by a hash, never by copying it: a token must not show whose it is, and user ids may be any text
   * ({@link org.sessionregistry.Ids#isValidUserId}). Default: empty.
   */
  default String tokenPrefix(String userId) {
    return "";
  }

  /**
   * Proves that the store answers, by one round trip that reads and writes no session ({@code SELECT 1} on SQL,
   * {@code PING} on Redis), for health checks: the registry does not count it as an operation. Returns normally when
   * the store answered.
   *
   * <p>The default reads the sessions of a random user id that has none ({@link #findByUser}): one read, right for
   * any store; a store with a cheaper round trip overrides it.
   *
   * @throws SessionStoreException if the store did not answer, or answered with an error
   */
  default void probe() {
    findByUser(org.sessionregistry.Ids.newId());
  }

  /**
   * The store's own connection pool as it is now, read without a round trip, for metrics; null (the default) when the
   * store has none of its own, or its pool reports elsewhere (the JDBC store binds HikariCP's own meters).
   */
  default @Nullable PoolStatus poolStatus() {
    return null;
  }

  /** Releases the store's resources (pools, connections). The store is unusable afterwards. */
  @Override
  default void close() {}
}
