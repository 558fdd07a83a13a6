package org.sessionregistry.redis.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sessionregistry.Ids;
import org.sessionregistry.Session;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.spi.PropsJson;
import org.sessionregistry.spi.RolesText;

/**
 * How a session is written into, and read back from, the members of its user's sorted set (see members.lua). A member
 * is the session id, a two-character part number, then data. The header (part {@code 00}) holds a version character,
 * the retain-until and the last activity, fixed-width, so that the scripts read and rewrite them without parsing. The
 * rest (parts {@code 01} and on, cut by the scripts) holds the other instants, the device id, roles and user
 * id with their lengths, and the props as JSON. The key is named by a digest of the user id ({@link UserDigest}), so
 * the record keeps the user id itself, and readers return only the records of the user they were asked for.
 *
 * <p>Version 3. Version 2 also held two flags of Mattermost's (is_oauth, expired_notify) after the instants; version 1
 * (before user ids of any shape) kept no user id, and lived under keys named by the user id. Neither was released.
 *
 * <p>Failures name the session, never the record's contents: a record may hold props such as {@code csrf}.
 */
public final class RecordCodec {
  private static final char VERSION = '3';
  private static final int ID_END = Ids.LENGTH;
  private static final int DATA = ID_END + 2;
  private static final String HEADER_PART = "00";
  private static final int INSTANT_DIGITS = 13;
  private static final System.Logger LOG = System.getLogger(RecordCodec.class.getName());

  private final String description;

  /** @param description names the store in messages */
  public RecordCodec(String description) {
    this.description = description;
  }

  /** The header's data: version, retain-until, last activity. */
  public static String header(Instant retainUntil, Instant lastActivityAt) {
    return VERSION + millis13(retainUntil.toEpochMilli()) + millis13(lastActivityAt.toEpochMilli());
  }

  /** Everything else, as one string; the insert script cuts it into parts. */
  public static String rest(Session s) {
    StringBuilder b = new StringBuilder(64);
    b.append(millis13(s.createdAt().toEpochMilli()))
        .append(millis13(s.expiresAt().toEpochMilli()))
        .append(deviceField(s.deviceId()))
        .append(sized(RolesText.write(s.roles())))
        .append(s.userId().length())
        .append(':')
        .append(s.userId())
        .append(PropsJson.write(s.props()));
    return b.toString();
  }

  /**
   * The device id as {@link #rest} writes it, its length (in UTF-16 units) then a colon then itself, for the insert
   * script to find the device's sessions by: it follows the two instants that open the rest. The length
   * makes a match exact, whatever follows.
   */
  public static String deviceField(String deviceId) {
    return sized(deviceId);
  }

  private static String sized(String text) {
    return text.length() + ":" + text;
  }

  /** An instant as the 13 digits the scripts compare. */
  public static String millis13(long millis) {
    String digits = Long.toString(millis);
    if (millis < 0 || digits.length() > INSTANT_DIGITS) {
      throw new IllegalArgumentException("instant out of range: " + millis + " ms");
    }
    return "0".repeat(INSTANT_DIGITS - digits.length()) + digits;
  }

  /**
   * The sessions of these members, which come sorted (a session's parts together, header first). After a deletion
   * ({@code deleted}), a session this store cannot read (a newer version, damage) is skipped with a warning: the
   * deletion happened, and the caller must hear of the others. Records of another user than {@code userId} (one whose
   * digest names the same key: a SHA-256 collision) are skipped.
   */
  public List<Session> readAll(String userId, List<String> members, boolean deleted) {
    List<Session> all = readAll(members, deleted);
    all.removeIf(s -> !s.userId().equals(userId));
    return all;
  }

  /** The sessions of these members, whatever their user; see {@link #readAll(String, List, boolean)}. */
  public List<Session> readAll(List<String> members, boolean deleted) {
    List<Session> sessions = new ArrayList<>(members.size());
    forEachRecord(
        members,
        record -> {
          try {
            sessions.add(read(record));
          } catch (SessionStoreException e) {
            if (!deleted) {
              throw e;
            }
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
          }
        });
    return sessions;
  }

  /** Each session's members (they come sorted: a session's parts together, header first). */
  private static void forEachRecord(
      List<String> members, java.util.function.Consumer<List<String>> record) {
    for (int first = 0; first < members.size(); ) {
      String id = members.get(first).substring(0, Math.min(ID_END, members.get(first).length()));
      int end = first + 1;
      while (end < members.size() && members.get(end).startsWith(id)) {
        end++;
      }
      record.accept(members.subList(first, end));
      first = end;
    }
  }

  /**
   * The sessions of these members (whatever their user) not past their retain-until at {@code nowMillis}, for a walk
   * over every session: a record this store cannot read is skipped with a warning, so that one damaged record does
   * not stop the walk.
   */
  public List<Session> readLive(List<String> members, long nowMillis) {
    List<Session> sessions = new ArrayList<>(members.size());
    forEachRecord(
        members,
        record -> {
          if (isLiveHeader(record.get(0), nowMillis)) {
            try {
              sessions.add(read(record));
            } catch (SessionStoreException e) {
              LOG.log(System.Logger.Level.WARNING, e.getMessage());
            }
          }
        });
    return sessions;
  }

  /** How many of these members are the header of a session not past its retain-until at {@code nowMillis}. */
  public static int countLive(List<String> members, long nowMillis) {
    int n = 0;
    for (String member : members) {
      if (member.startsWith(HEADER_PART, ID_END) && isLiveHeader(member, nowMillis)) {
        n++;
      }
    }
    return n;
  }

  /** Whether a header member's retain-until is not before {@code nowMillis}; false for what is no header. */
  private static boolean isLiveHeader(String member, long nowMillis) {
    int from = DATA + 1;
    if (member.length() < from + INSTANT_DIGITS || !member.startsWith(HEADER_PART, ID_END)) {
      return false;
    }
    for (int i = from; i < from + INSTANT_DIGITS; i++) {
      if (member.charAt(i) < '0' || member.charAt(i) > '9') {
        return false;
      }
    }
    return Long.parseLong(member, from, from + INSTANT_DIGITS, 10) >= nowMillis;
  }

  /** One session from its members, header first. */
  private Session read(List<String> members) {
    String header = members.get(0);
    String id = header.substring(0, Math.min(ID_END, header.length()));
    if (!header.startsWith(HEADER_PART, ID_END) || header.length() <= DATA) {
      throw new SessionStoreException(description + " holds session " + id + " without a header");
    }
    if (header.charAt(DATA) != VERSION) {
      throw new SessionStoreException(
          description
              + " holds session "
              + id
              + " in record version "
              + header.charAt(DATA)
              + ", which this store does not know");
    }
    try {
      Reader h = new Reader(header, DATA + 1);
      h.instant(); // the retain-until: the scripts' business
      Instant lastActivity = h.instant();
      StringBuilder rest = new StringBuilder(64);
      for (String part : members.subList(1, members.size())) {
        rest.append(part, DATA, part.length());
      }
      Reader r = new Reader(rest.toString(), 0);
      Instant created = r.instant();
      Instant expires = r.instant();
      String deviceId = r.sized();
      Set<String> roles = RolesText.read(r.sized());
      String userId = r.sized();
      return new Session(
          id,
          userId,
          created,
          expires,
          lastActivity,
          deviceId,
          roles,
          PropsJson.read(r.remaining()));
    } catch (RuntimeException e) {
      // Neither the parser's message nor the exception as a cause: either may quote the record,
      // props (csrf) included.
      throw new SessionStoreException(
          description
              + " holds a record of session "
              + id
              + " that it cannot read ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** Reads a record's fields in order, each call consuming one. */
  private static final class Reader {
    private final String text;
    private int at;

    Reader(String text, int at) {
      this.text = text;
      this.at = at;
    }

    Instant instant() {
      int from = at;
      at += INSTANT_DIGITS;
      return Instant.ofEpochMilli(Long.parseLong(text, from, at, 10));
    }

    /** A length, a colon, then that many characters. */
    String sized() {
      int colon = text.indexOf(':', at);
      int length = Integer.parseInt(text, at, colon, 10);
      at = colon + 1 + length;
      return text.substring(colon + 1, at);
    }

    String remaining() {
      return text.substring(at);
    }
  }
}
