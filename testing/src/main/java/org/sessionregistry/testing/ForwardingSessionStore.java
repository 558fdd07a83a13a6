package org.sessionregistry.testing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Session;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionPage;
import org.sessionregistry.spi.PoolStatus;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * A store that passes every call, the optional ones too, to another: for tests that count, slow down or fail a few
 * calls by overriding them, and for decorators of a store.
 */
public class ForwardingSessionStore implements SessionStore {
  private final SessionStore store;

  public ForwardingSessionStore(SessionStore store) {
    this.store = java.util.Objects.requireNonNull(store, "store");
  }

  @Override
  public List<Session> insert(
      Session session,
      TokenHash tokenHash,
      Instant retainUntil,
      SessionLimit limit,
      boolean endSameDevice) {
    return store.insert(session, tokenHash, retainUntil, limit, endSameDevice);
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    return store.findByToken(tokenHash);
  }

  @Override
  public List<Session> findByUser(String userId) {
    return store.findByUser(userId);
  }

  @Override
  public boolean touch(
      String userId,
      String sessionId,
      Instant lastActivityAt,
      @Nullable Instant expiresAt,
      Instant retainUntil) {
    return store.touch(userId, sessionId, lastActivityAt, expiresAt, retainUntil);
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    return store.delete(userId, sessionId);
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    return store.deleteAllOfUser(userId, keepSessionId);
  }

  @Override
  public void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
    store.deleteAllOfUserWithoutReading(userId, keepSessionId);
  }

  @Override
  public void deleteEveryone() {
    store.deleteEveryone();
  }

  @Override
  public List<Session> purgeExpired(Instant now, int limit) {
    return store.purgeExpired(now, limit);
  }

  @Override
  public String tokenPrefix(String userId) {
    return store.tokenPrefix(userId);
  }

  @Override
  public void probe() {
    store.probe();
  }

  @Override
  public boolean supportsListing() {
    return store.supportsListing();
  }

  @Override
  public SessionPage listAll(String cursor, int limit, Instant now) {
    return store.listAll(cursor, limit, now);
  }

  @Override
  public SessionCount countAll(Instant now) {
    return store.countAll(now);
  }

  @Override
  public boolean countsExactly() {
    return store.countsExactly();
  }

  @Override
  public @Nullable PoolStatus poolStatus() {
    return store.poolStatus();
  }

  @Override
  public void close() {
    store.close();
  }
}
