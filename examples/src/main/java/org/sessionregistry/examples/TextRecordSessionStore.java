package org.sessionregistry.examples;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Ids;
import org.sessionregistry.Session;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.spi.PropsJson;
import org.sessionregistry.spi.RolesText;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;

/**
 * A session store written against the public SPI alone, as a store author would write one for a key-value backend:
 * every session is a line of text under its id, found by its token hash (hex) and by its user, with its props in
 * {@link PropsJson}. Three maps under one lock stand in for the backend; one lock makes every method one atomic step,
 * which is what the SPI asks of a round trip. It passes {@code SessionStoreContract} unchanged, alone and behind the
 * front cache. Not for production: one lock serializes everything, and nothing survives a restart.
 *
 * <p>What a real backend must give the same way: an insert that refuses a duplicate id or token hash; a revoke-all
 * that removes all of a user's sessions in one step (here: under the lock; in SQL: one statement; in Redis: one key);
 * and a touch that only raises, and never re-creates.
 */
public final class TextRecordSessionStore implements SessionStore {
  private final Object lock = new Object();

  /** Session id to its record: user, token hash, instants, roles, device id, props. */
  private final Map<String, String> records = new HashMap<>();

  /** Token hash (hex) to session id. */
  private final Map<String, String> byToken = new HashMap<>();

  /** User id to the ids of its sessions. */
  private final Map<String, Set<String>> byUser = new HashMap<>();

  /** An empty store. It keeps no clock: the registry hands it every instant it needs. */
  public TextRecordSessionStore() {}

  /**
   * The device's sessions and the limit are found, and the sessions they end removed, under the same lock as the
   * insert: one atomic step.
   */
  @Override
  public List<Session> insert(
      Session session,
      TokenHash tokenHash,
      Instant retainUntil,
      SessionLimit limit,
      boolean endSameDevice) {
    String hash = tokenHash.toHex();
    synchronized (lock) {
      if (records.containsKey(session.id()) || byToken.containsKey(hash)) {
        throw new SessionStoreException(
            "text-record store: a session with id "
                + session.id()
                + " or with the same token hash exists already; nothing was written");
      }
      List<String> sameDevice = new ArrayList<>();
      if (endSameDevice) {
        for (String id : byUser.getOrDefault(session.userId(), Set.of())) {
          if (Record.parse(id, records.get(id)).session.deviceId().equals(session.deviceId())) {
            sameDevice.add(id);
          }
        }
      }
      List<Session> ended = new ArrayList<>();
      if (!limit.isUnlimited()) {
        ended.addAll(
            makeRoom(session, limit, sameDevice)); // may refuse: before anything is removed
      }
      for (String id : sameDevice) {
        ended.add(remove(id).session);
      }
      records.put(session.id(), new Record(session, hash, retainUntil).toText());
      byToken.put(hash, session.id());
      byUser.computeIfAbsent(session.userId(), u -> new LinkedHashSet<>()).add(session.id());
      return ended;
    }
  }

  /**
   * Ends the user's least recently active live sessions, but those {@code leaving} anyway, until one more fits, or
   * refuses; holds the lock.
   */
  private List<Session> makeRoom(Session newSession, SessionLimit limit, List<String> leaving) {
    List<Record> live = new ArrayList<>();
    for (String id : byUser.getOrDefault(newSession.userId(), Set.of())) {
      Record r = Record.parse(id, records.get(id));
      if (!r.retainUntil.isBefore(newSession.createdAt()) && !leaving.contains(id)) {
        live.add(r);
      }
    }
    int excess = live.size() - limit.maxSessions() + 1;
    if (excess <= 0) {
      return List.of();
    }
    if (limit.policy() == SessionLimit.Policy.REFUSE_NEW) {
      throw new SessionLimitExceededException(newSession.userId(), limit.maxSessions());
    }
    live.sort(
        Comparator.comparing((Record r) -> r.session.lastActivityAt())
            .thenComparing(r -> r.session.createdAt())
            .thenComparing(r -> r.session.id()));
    List<Session> ended = new ArrayList<>();
    for (Record r : live.subList(0, excess)) {
      ended.add(remove(r.session.id()).session);
    }
    return ended;
  }

  @Override
  public void deleteEveryone() {
    synchronized (lock) {
      records.clear();
      byToken.clear();
      byUser.clear();
    }
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    synchronized (lock) {
      String id = byToken.get(tokenHash.toHex());
      return id == null ? Optional.empty() : Optional.of(Record.parse(id, records.get(id)).session);
    }
  }

  @Override
  public List<Session> findByUser(String userId) {
    synchronized (lock) {
      List<Session> sessions = new ArrayList<>();
      for (String id : byUser.getOrDefault(userId, Set.of())) {
        sessions.add(Record.parse(id, records.get(id)).session);
      }
      return sessions;
    }
  }

  @Override
  public boolean touch(
      String userId,
      String sessionId,
      Instant lastActivityAt,
      @Nullable Instant expiresAt,
      Instant retainUntil) {
    synchronized (lock) {
      String text = records.get(sessionId);
      if (text == null) {
        return false; // never re-creates
      }
      Record r = Record.parse(sessionId, text);
      if (!r.session.userId().equals(userId)) {
        return false;
      }
      Instant activity = later(r.session.lastActivityAt(), lastActivityAt);
      Instant expiry =
          expiresAt == null ? r.session.expiresAt() : later(r.session.expiresAt(), expiresAt);
      records.put(
          sessionId,
          new Record(
                  r.session.withActivity(activity, expiry),
                  r.tokenHash,
                  later(r.retainUntil, retainUntil))
              .toText());
      return true;
    }
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    synchronized (lock) {
      String text = records.get(sessionId);
      if (text == null || !Record.parse(sessionId, text).session.userId().equals(userId)) {
        return Optional.empty();
      }
      return Optional.of(remove(sessionId).session);
    }
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    synchronized (lock) {
      List<Session> removed = new ArrayList<>();
      for (String id : List.copyOf(byUser.getOrDefault(userId, Set.of()))) {
        if (!id.equals(keepSessionId)) {
          removed.add(remove(id).session);
        }
      }
      return removed;
    }
  }

  @Override
  public List<Session> purgeExpired(Instant now, int limit) {
    synchronized (lock) {
      List<Session> purged = new ArrayList<>();
      for (Iterator<Map.Entry<String, String>> it = Map.copyOf(records).entrySet().iterator();
          it.hasNext() && purged.size() < limit; ) {
        Map.Entry<String, String> e = it.next();
        if (Record.parse(e.getKey(), e.getValue()).retainUntil.isBefore(now)) {
          purged.add(remove(e.getKey()).session);
        }
      }
      return purged;
    }
  }

  /** Removes a session from all three maps; the caller holds the lock and knows it exists. */
  private Record remove(String id) {
    Record r = Record.parse(id, records.remove(id));
    byToken.remove(r.tokenHash);
    Set<String> ids = byUser.get(r.session.userId());
    ids.remove(id);
    if (ids.isEmpty()) {
      byUser.remove(r.session.userId());
    }
    return r;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /**
   * A session as one line of tab-separated fields, as a key-value backend would keep it. User ids and roles hold no tab
   * (no control character, no whitespace in a role); a device id may hold any character, a tab too, so it is written
   * with its length first, and the props last, as JSON.
   */
  private record Record(Session session, String tokenHash, Instant retainUntil) {

    String toText() {
      return String.join(
              "\t",
              session.userId(),
              tokenHash,
              millis(session.createdAt()),
              millis(session.expiresAt()),
              millis(session.lastActivityAt()),
              millis(retainUntil),
              RolesText.write(session.roles()))
          + "\t"
          + session.deviceId().length()
          + ":"
          + session.deviceId()
          + PropsJson.write(session.props());
    }

    static Record parse(String id, String text) {
      String[] f = text.split("\t", 8);
      String userId = f[0];
      if (!Ids.isValidUserId(userId)) {
        throw new SessionStoreException(
            "text-record store: session " + id + " has no valid user id");
      }
      String rest = f[7];
      int colon = rest.indexOf(':');
      int end = colon + 1 + Integer.parseInt(rest.substring(0, colon));
      String deviceId = rest.substring(colon + 1, end);
      Session s =
          new Session(
              id,
              userId,
              instant(f[2]),
              instant(f[3]),
              instant(f[4]),
              deviceId,
              RolesText.read(f[6]),
              PropsJson.read(rest.substring(end)));
      return new Record(s, f[1], instant(f[5]));
    }

    private static String millis(Instant i) {
      return Long.toString(i.toEpochMilli());
    }

    private static Instant instant(String millis) {
      return Instant.ofEpochMilli(Long.parseLong(millis));
    }
  }
}
