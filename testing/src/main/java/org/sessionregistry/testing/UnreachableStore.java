package org.sessionregistry.testing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * A store that cannot be reached: every call fails with {@link SessionStoreUnavailableException}. For testing that
 * what sits on a registry fails closed (a token that could not be checked is refused, an endpoint answers 503).
 */
public final class UnreachableStore implements SessionStore {

  private static SessionStoreUnavailableException down() {
    return new SessionStoreUnavailableException(
        "test store is unreachable", new java.io.IOException("unreachable"));
  }

  @Override
  public List<Session> insert(
      Session session,
      TokenHash tokenHash,
      Instant retainUntil,
      SessionLimit limit,
      boolean endSameDevice) {
    throw down();
  }

  @Override
  public void deleteEveryone() {
    throw down();
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    throw down();
  }

  @Override
  public List<Session> findByUser(String userId) {
    throw down();
  }

  @Override
  public boolean touch(
      String userId,
      String sessionId,
      Instant lastActivityAt,
      @Nullable Instant expiresAt,
      Instant retainUntil) {
    throw down();
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    throw down();
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    throw down();
  }

  @Override
  public List<Session> purgeExpired(Instant now, int limit) {
    throw down();
  }
}
