package org.sessionregistry.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Session;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.Ids;
import org.sessionregistry.spi.PropsJson;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Sessions in Redis, standalone or Cluster, through Jedis ({@link RedisClient} or {@link RedisClusterClient}).
 *
 * <p>Layout: one key per user, {@code ns:{<user id>}} under a configurable namespace {@code ns}: a sorted set whose
 * scores are all 0, so that members sort by their bytes. A session is a header member (session id, part {@code 00},
 * retain-until, last activity) and the rest of its record in parts {@code 01}, {@code 02}, ... (the user id is the
 * key's); while the set is small the parts are at most 64 bytes, so Redis keeps the whole set as one compact listpack.
 * Every token this store issues starts with its user id, and the registry derives each session id from its token's
 * hash ({@link TokenHash#sessionId()}), so a token alone names its key and its members. Each operation is one round
 * trip:
 * <ul>
 *   <li>authenticate: one {@code ZRANGEBYLEX} over the session id's range;
 *   <li>list: one {@code ZRANGE key 0 -1};
 *   <li>revoke-all: one {@code UNLINK} of the user's key, whatever the number of sessions (Redis frees a large one in
 *       the background); with a listener, which needs the sessions back, or keeping one session, a script;
 *   <li>create, touch, revoke one: one {@code EVALSHA} of an atomic Lua script (falling back to {@code EVAL} once on
 *       {@code NOSCRIPT}).
 * </ul>
 * One key per user keeps every write atomic on a Cluster too (one hash slot, no cross-slot script), and revoke-all
 * costs one command however many sessions there are.
 *
 * <p>Expiry: the key's TTL is raised to cover its longest-lived session, so a user's key goes when the last session
 * does; sessions past their retain-until before that are skipped by readers (the registry checks expiry itself) and
 * removed by the user's creates (each looks at 128 members at most: all of a small set, a random window of a large
 * one) and by touch, without keyspace notifications. TTLs and retain-until come
 * from this store's clock. {@link #purgeExpired} has nothing to do. No whole-database command is ever used.
 *
 * <pre>{@code
 * SessionStore store = RedisSessionStore.builder().standalone("127.0.0.1", 6379).build();
 * SessionStore cluster = RedisSessionStore.builder()
 *     .cluster(Set.of(new HostAndPort("10.0.0.1", 6379), new HostAndPort("10.0.0.2", 6379)))
 *     .namespace("myapp:sessions")
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. Failures surface as {@link SessionStoreUnavailableException} (Redis down or timing out) or
 * {@link SessionStoreException}; the client reconnects by itself when Redis is back. Needs Redis 6.2 or later.
 */
public final class RedisSessionStore implements SessionStore {
  private static final char RECORD_VERSION = '1';
  /** A member is the session id, a part number, then data (see members.lua). */
  private static final int ID_END = Ids.LENGTH;
  private static final int DATA = ID_END + 2;
  private static final String HEADER_PART = "00";
  private static final System.Logger LOG = System.getLogger(RedisSessionStore.class.getName());

  private final UnifiedJedis redis;
  private final boolean ownsClient;
  private final String namespace;
  private final Clock clock;
  private final String description;
  private final Script insert = new Script("insert.lua");
  private final Script touch = new Script("touch.lua");
  private final Script delete = new Script("delete.lua");
  private final Script deleteAll = new Script("delete_all.lua");

  private RedisSessionStore(UnifiedJedis redis, boolean ownsClient, String namespace, Clock clock,
      String description) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.namespace = namespace;
    this.clock = clock;
    this.description = "Redis session store (" + description + ", namespace " + namespace + ")";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The user id: it names the user's key. */
  @Override
  public String tokenPrefix(String userId) {
    return userId;
  }

  @Override
  public void insert(Session session, TokenHash tokenHash, Instant retainUntil) {
    if (!session.userId().equals(tokenHash.routingPrefix()) || !session.id().equals(tokenHash.sessionId())) {
      throw new SessionStoreException(description + ": session " + session.id() + " does not match its token (the "
          + "token must start with the user id, and the session id must be the token hash's); nothing was written");
    }
    Object result = call("create a session", () -> insert.run(List.of(key(session.userId())),
        List.of(session.id(), header(retainUntil, session.lastActivityAt()), rest(session),
            String.valueOf(ttlMillis(retainUntil)), now())));
    if (!Long.valueOf(1).equals(result)) {
      throw new SessionStoreException(description + ": a session with id " + session.id()
          + " exists already; nothing was written");
    }
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    String userId = tokenHash.routingPrefix();
    if (!Ids.isValidId(userId)) {
      return Optional.empty();
    }
    String id = tokenHash.sessionId();
    List<String> members = call("authenticate a token", () -> redis.zrangeByLex(key(userId), "[" + id, "(" + id + "~"));
    return readAll(userId, members, false).stream().findFirst();
  }

  @Override
  public List<Session> findByUser(String userId) {
    return readAll(userId, call("list sessions", () -> redis.zrange(key(userId), 0, -1)), false);
  }

  @Override
  public boolean touch(String userId, String sessionId, Instant lastActivityAt, Instant retainUntil) {
    Object result = call("record activity", () -> touch.run(List.of(key(userId)),
        List.of(sessionId, millis13(lastActivityAt.toEpochMilli()), millis13(retainUntil.toEpochMilli()),
            String.valueOf(ttlMillis(retainUntil)), now())));
    return Long.valueOf(1).equals(result);
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    Object members = call("revoke a session", () -> delete.run(List.of(key(userId)), List.of(sessionId)));
    return readAll(userId, strings(members), true).stream().findFirst();
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    return readAll(userId, strings(call("revoke all sessions of a user", () -> deleteAll.run(List.of(key(userId)),
        List.of(keepSessionId == null ? "" : keepSessionId, "1")))), true);
  }

  /** One {@code UNLINK} of the user's key (freed in the background by Redis); a script when one session stays. */
  @Override
  public void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
    String key = key(userId);
    call("revoke all sessions of a user", () -> keepSessionId == null
        ? redis.unlink(key)
        : deleteAll.run(List.of(key), List.of(keepSessionId, "0")));
  }

  /** Redis expires sessions by their key's TTL and the scripts' pruning; there is nothing to purge or report. */
  @Override
  public List<Session> purgeExpired(Instant now, int limit) {
    return List.of();
  }

  /** Closes the client if this store built it ({@link Builder#standalone}, {@link Builder#cluster}). */
  @Override
  public void close() {
    if (ownsClient) {
      redis.close();
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /** The user's key: a hash tag of the user id alone, so that a Cluster keeps it in the user's slot. */
  String key(String userId) {
    return namespace + ":{" + userId + "}";
  }

  private static byte[] sha1(String s) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
  }

  private String now() {
    return String.valueOf(clock.millis());
  }

  private long ttlMillis(Instant retainUntil) {
    // The store's own clock, not Redis's: a TTL is relative, so clocks need not agree. At least 1 ms: a zero or
    // negative TTL would delete the key at once.
    return Math.max(1, retainUntil.toEpochMilli() - clock.millis() + 1);
  }

  private <T> T call(String operation, Supplier<T> command) {
    try {
      return command.get();
    } catch (JedisException e) {
      if (isUnavailable(e)) {
        throw new SessionStoreUnavailableException(description + " is unavailable, could not " + operation + ": "
            + sentence(e.getMessage()) + " The outcome is unknown; the client reconnects when Redis is back.", e);
      }
      throw new SessionStoreException(description + " failed to " + operation + ": " + e.getMessage(), e);
    }
  }

  /**
   * Down, timing out, out of pooled connections, or answering that it cannot serve now (a Cluster resharding or
   * failing over, a replica, a server loading its data or busy with a script).
   */
  private static boolean isUnavailable(JedisException e) {
    if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException
        || e.getCause() instanceof java.util.NoSuchElementException) {
      return true;
    }
    String m = String.valueOf(e.getMessage());
    for (String state : UNAVAILABLE_REPLIES) {
      if (m.startsWith(state) || m.contains(" " + state + " ")) {
        return true;
      }
    }
    return false;
  }

  private static final List<String> UNAVAILABLE_REPLIES =
      List.of("TRYAGAIN", "CLUSTERDOWN", "LOADING", "BUSY", "READONLY", "MASTERDOWN", "MOVED", "ASK");


  /** A message as a sentence: one final period. */
  private static String sentence(@Nullable String message) {
    String m = message == null ? "no detail" : message.strip();
    return m.endsWith(".") ? m : m + ".";
  }

  // A session is one or more members (see members.lua): its id, a part number, then data. The header (part 00) holds
  // a version character, the retain-until and the last activity, fixed-width, so that the scripts read and rewrite
  // them without parsing. The rest (parts 01 and on, cut by the scripts) holds the other instants, the flags,
  // length-prefixed device id and roles, and the props as JSON. The user id is the key's.

  private static String header(Instant retainUntil, Instant lastActivityAt) {
    return RECORD_VERSION + millis13(retainUntil.toEpochMilli()) + millis13(lastActivityAt.toEpochMilli());
  }

  private static String rest(Session s) {
    StringBuilder b = new StringBuilder(64);
    b.append(millis13(s.createdAt().toEpochMilli())).append(millis13(s.expiresAt().toEpochMilli()))
        .append(s.oauth() ? '1' : '0').append(s.expiredNotify() ? '1' : '0')
        .append(s.deviceId().length()).append(':').append(s.deviceId())
        .append(s.roles().length()).append(':').append(s.roles())
        .append(PropsJson.write(s.props()));
    return b.toString();
  }

  private static boolean isHeader(String member) {
    return member.startsWith(HEADER_PART, ID_END);
  }

  /**
   * The sessions of these members, which come sorted (a session's parts together, header first). After a deletion
   * ({@code deleted}), a session this store cannot read (a newer version, damage) is skipped with a warning: the
   * deletion happened, and the caller must hear of the others.
   */
  private List<Session> readAll(String userId, List<String> members, boolean deleted) {
    List<Session> sessions = new ArrayList<>(members.size());
    for (int first = 0; first < members.size(); ) {
      String id = members.get(first).substring(0, ID_END);
      int end = first + 1;
      while (end < members.size() && members.get(end).startsWith(id)) {
        end++;
      }
      try {
        sessions.add(read(userId, members.subList(first, end)));
      } catch (SessionStoreException e) {
        if (!deleted) {
          throw e;
        }
        LOG.log(System.Logger.Level.WARNING, e.getMessage());
      }
      first = end;
    }
    return sessions;
  }

  /** One session from its members, header first. Failures name the session, never the record's contents. */
  private Session read(String userId, List<String> members) {
    String h = members.get(0);
    String id = h.substring(0, Math.min(ID_END, h.length()));
    if (!isHeader(h) || h.length() <= DATA) {
      throw new SessionStoreException(description + " holds session " + id + " without a header");
    }
    if (h.charAt(DATA) != RECORD_VERSION) {
      throw new SessionStoreException(description + " holds session " + id + " in record version " + h.charAt(DATA)
          + ", which this store does not know");
    }
    try {
      long lastActivity = Long.parseLong(h, DATA + 14, DATA + 27, 10);
      StringBuilder rest = new StringBuilder(64);
      for (int i = 1; i < members.size(); i++) {
        rest.append(members.get(i), DATA, members.get(i).length());
      }
      String r = rest.toString();
      int p = 0;
      long created = Long.parseLong(r, p, p += 13, 10);
      long expires = Long.parseLong(r, p, p += 13, 10);
      boolean oauth = r.charAt(p++) == '1';
      boolean expiredNotify = r.charAt(p++) == '1';
      int colon = r.indexOf(':', p);
      int length = Integer.parseInt(r, p, colon, 10);
      String deviceId = r.substring(colon + 1, p = colon + 1 + length);
      colon = r.indexOf(':', p);
      length = Integer.parseInt(r, p, colon, 10);
      String roles = r.substring(colon + 1, p = colon + 1 + length);
      return new Session(id, userId, Instant.ofEpochMilli(created), Instant.ofEpochMilli(expires),
          Instant.ofEpochMilli(lastActivity), deviceId, roles, oauth, expiredNotify, PropsJson.read(r.substring(p)));
    } catch (RuntimeException e) {
      // Neither the parser's message nor the exception as a cause: either may quote the record, props (csrf) included.
      throw new SessionStoreException(description + " holds a record of session " + id + " that it cannot read ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object reply) {
    return (List<String>) reply;
  }

  private static String millis13(long millis) {
    String digits = Long.toString(millis);
    if (millis < 0 || digits.length() > 13) {
      throw new IllegalArgumentException("instant out of range: " + millis + " ms");
    }
    return "0".repeat(13 - digits.length()) + digits;
  }

  /** A Lua script run with EVALSHA, and with EVAL when the server does not have it cached (NOSCRIPT). */
  private final class Script {
    final String source;
    final String sha1;

    /** The script of this resource, after the shared prelude members.lua. */
    Script(String resource) {
      StringBuilder text = new StringBuilder();
      for (String part : List.of("members.lua", resource)) {
        try (InputStream in = RedisSessionStore.class.getResourceAsStream(part)) {
          if (in == null) {
            throw new IllegalStateException("the jar lacks " + part);
          }
          text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + part, e);
        }
      }
      source = text.toString();
      sha1 = HexFormat.of().formatHex(sha1(source));
    }

    Object run(List<String> keys, List<String> args) {
      try {
        return redis.evalsha(sha1, keys, args);
      } catch (JedisNoScriptException e) {
        return redis.eval(source, keys, args);
      }
    }
  }

  /** Settings of a {@link RedisSessionStore}: give one of {@link #client}, {@link #standalone}, {@link #cluster}. */
  public static final class Builder {
    private @Nullable UnifiedJedis client;
    private @Nullable Supplier<UnifiedJedis> pending;
    private String where = "";
    private String namespace = "sr";
    private Clock clock = Clock.systemUTC();
    private Duration timeout = Duration.ofSeconds(2);
    private int maxConnections = 16;
    private @Nullable String user;
    private @Nullable String password;

    private Builder() {}

    /**
     * The application's client ({@link RedisClient}, {@link RedisClusterClient}, any {@link UnifiedJedis}); the store
     * never closes it. {@code description} names it in error messages (no password in it, please).
     */
    public Builder client(UnifiedJedis client, String description) {
      this.client = require(client, "client");
      this.where = require(description, "description");
      this.pending = null;
      return this;
    }

    /** A standalone Redis the store connects to with a client of its own, closed with the store. */
    public Builder standalone(String host, int port) {
      require(host, "host");
      requirePort(port);
      this.where = "redis://" + host + ":" + port;
      this.client = null;
      this.pending = () -> RedisClient.builder().hostAndPort(host, port).clientConfig(config())
          .poolConfig(poolConfig()).build();
      return this;
    }

    /** A Redis Cluster, found from any of its nodes, with a client of its own, closed with the store. */
    public Builder cluster(Set<HostAndPort> nodes) {
      require(nodes, "nodes");
      if (nodes.isEmpty()) {
        throw new IllegalArgumentException("nodes must name at least one cluster node");
      }
      this.where = "Redis Cluster at " + nodes;
      this.client = null;
      // Retries (redirections, a failover) within the timeout, not five times it.
      this.pending = () -> RedisClusterClient.builder().nodes(Set.copyOf(nodes)).clientConfig(config())
          .poolConfig(poolConfig()).maxTotalRetriesDuration(timeout).build();
      return this;
    }

    /** For {@link #standalone} and {@link #cluster}: ACL user and password. */
    public Builder credentials(String user, String password) {
      this.user = require(user, "user");
      this.password = require(password, "password");
      return this;
    }

    /**
     * For {@link #standalone} and {@link #cluster}: how long to wait to connect, for a pooled connection, and for an
     * answer (with a Cluster's redirections and retries), before failing with {@link SessionStoreUnavailableException}.
     * Default 2 seconds.
     */
    public Builder timeout(Duration timeout) {
      require(timeout, "timeout");
      if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("timeout must be 1 ms to 24 days, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** What every key starts with, so that several applications can share a Redis. Default {@code sr}. */
    public Builder namespace(String namespace) {
      require(namespace, "namespace");
      if (namespace.isEmpty() || namespace.length() > 64 || namespace.contains("{") || namespace.contains("}")) {
        throw new IllegalArgumentException(
            "namespace must be 1 to 64 characters without braces, was \"" + namespace + "\"");
      }
      this.namespace = namespace;
      return this;
    }

    /** The clock TTLs are computed from; give the registry's. Default: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = require(clock, "clock");
      return this;
    }

    /** @throws IllegalStateException if no client, standalone or cluster was given */
    public RedisSessionStore build() {
      if (client != null) {
        return new RedisSessionStore(client, false, namespace, clock, where);
      }
      if (pending == null) {
        throw new IllegalStateException("give one of client(...), standalone(...) or cluster(...)");
      }
      try {
        return new RedisSessionStore(pending.get(), true, namespace, clock, where);
      } catch (JedisException e) {
        throw new SessionStoreUnavailableException("Redis session store (" + where + ") could not start its client: "
            + e.getMessage(), e);
      }
    }

    /**
     * For {@link #standalone} and {@link #cluster}: connections kept per Redis node. A call waits for a free one at
     * most the timeout. Default 16.
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1 || maxConnections > 10_000) {
        throw new IllegalArgumentException("maxConnections must be 1 to 10,000, was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    private ConnectionPoolConfig poolConfig() {
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(maxConnections);
      pool.setMaxIdle(maxConnections);
      pool.setMaxWait(timeout);
      return pool;
    }

    private JedisClientConfig config() {
      DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
          .connectionTimeoutMillis((int) timeout.toMillis())
          .socketTimeoutMillis((int) timeout.toMillis())
          .clientName("session-registry");
      if (user != null) {
        b.user(user).password(password);
      }
      return b.build();
    }

    private static void requirePort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
      }
    }

    private static <T> T require(@Nullable T value, String name) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }
  }
}
