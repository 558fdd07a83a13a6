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
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.Session;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.internal.PropsJson;
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
 * <p>Layout, under a configurable namespace {@code ns}, where {@code tt} is a two-character tag derived from the user
 * id, and every token of that user starts with it:
 * <ul>
 *   <li>{@code ns:{tt}:t:<token hash>}: a string holding the session record, expiring with the session (TTL);
 *   <li>{@code ns:{tt}:u:<user id>}: a hash, session id to token hash: the user's index, expiring with its last session.
 * </ul>
 * The hash tag puts all of a user's keys in one Cluster slot, so writes are atomic Lua scripts there too, and the token
 * alone names its key: authenticate is one {@code GET}. Every other operation is one {@code EVALSHA} round trip
 * (falling back to {@code EVAL} once on {@code NOSCRIPT}) whose work inside Redis does not grow in commands with the
 * number of sessions: revoke-all reads the index, fetches and unlinks the token keys with one {@code MGET} and one
 * {@code UNLINK}, and drops the index. The index cleans itself on every write and list: entries whose session expired
 * are removed, so nothing depends on keyspace notifications. No whole-database command is ever used.
 *
 * <p>The tag costs each token 10 of its random bits (120 remain). Sessions expire by Redis TTL, computed from this
 * store's clock; {@link #purgeExpired} has nothing to do.
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
 * {@link SessionStoreException}; the client reconnects by itself when Redis is back.
 */
public final class RedisSessionStore implements SessionStore {
  private static final String ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";
  private static final char RECORD_VERSION = '1';
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final System.Logger LOG = System.getLogger(RedisSessionStore.class.getName());

  private final UnifiedJedis redis;
  private final boolean ownsClient;
  private final String namespace;
  private final Clock clock;
  private final String description;
  private final Script insert = new Script("insert.lua");
  private final Script list = new Script("list.lua");
  private final Script touch = new Script("touch.lua");
  private final Script delete = new Script("delete.lua");
  private final Script deleteAll = new Script("delete_all.lua");
  private final Script deleteAllCounting = new Script("delete_all_counting.lua");

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

  @Override
  public String tokenPrefix(String userId) {
    return tag(userId);
  }

  @Override
  public void insert(Session session, TokenHash tokenHash, Instant retainUntil) {
    String tag = tag(session.userId());
    if (!tag.equals(tokenHash.routingPrefix())) {
      throw new SessionStoreException(description + ": the token of session " + session.id()
          + " does not start with its user's tag " + tag + "; nothing was written");
    }
    String hash = encode(tokenHash);
    Object result = call("create a session", () -> insert.run(
        List.of(indexKey(tag, session.userId()), tokenKeyPrefix(tag) + hash),
        List.of(session.id(), hash + millis13(retainUntil.toEpochMilli()), write(session),
            String.valueOf(ttlMillis(retainUntil)), now())));
    if (!Long.valueOf(1).equals(result)) {
      throw new SessionStoreException(description + ": a session with id " + session.id()
          + " or with the same token hash exists already; nothing was written");
    }
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    String tag = tokenHash.routingPrefix();
    if (tag.length() != 2) {
      return Optional.empty();
    }
    String record = call("authenticate a token", () -> redis.get(tokenKeyPrefix(tag) + encode(tokenHash)));
    return record == null ? Optional.empty() : Optional.of(read(record));
  }

  @Override
  public List<Session> findByUser(String userId) {
    String tag = tag(userId);
    return readAll(call("list sessions",
        () -> list.run(List.of(indexKey(tag, userId)), List.of(tokenKeyPrefix(tag), now()))), false);
  }

  @Override
  public boolean touch(String userId, String sessionId, Instant lastActivityAt, Instant retainUntil) {
    String tag = tag(userId);
    Object result = call("record activity", () -> touch.run(List.of(indexKey(tag, userId)),
        List.of(tokenKeyPrefix(tag), sessionId, millis13(lastActivityAt.toEpochMilli()),
            String.valueOf(ttlMillis(retainUntil)), millis13(retainUntil.toEpochMilli()), now())));
    return Long.valueOf(1).equals(result);
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    String tag = tag(userId);
    Object record = call("revoke a session",
        () -> delete.run(List.of(indexKey(tag, userId)), List.of(tokenKeyPrefix(tag), sessionId, now())));
    return record instanceof String r ? readAll(List.of(r), true).stream().findFirst() : Optional.empty();
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    String tag = tag(userId);
    return readAll(call("revoke all sessions of a user", () -> deleteAll.run(List.of(indexKey(tag, userId)),
        List.of(tokenKeyPrefix(tag), keepSessionId == null ? "" : keepSessionId, now()))), true);
  }

  /**
   * Without reading the records back: the index's retain-until of each entry says whether it was live, and one
   * {@code EXISTS} checks that every live record is within reach before anything is unlinked.
   */
  @Override
  public int deleteAllOfUserCounting(String userId, @Nullable String keepSessionId, Instant now,
      java.util.function.Predicate<Session> live) {
    String tag = tag(userId);
    Object count = call("revoke all sessions of a user", () -> deleteAllCounting.run(List.of(indexKey(tag, userId)),
        List.of(tokenKeyPrefix(tag), keepSessionId == null ? "" : keepSessionId, String.valueOf(now.toEpochMilli()))));
    return ((Long) count).intValue();
  }

  /** Redis expires sessions by their TTL; there is nothing to purge or report. */
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

  /** The key of the user's index. */
  String indexKey(String tag, String userId) {
    return namespace + ":{" + tag + "}:u:" + userId;
  }

  /** What a token key starts with; the token hash follows. */
  String tokenKeyPrefix(String tag) {
    return namespace + ":{" + tag + "}:t:";
  }

  /**
   * Two characters of the token alphabet from the user id: the first 10 bits of its SHA-256, so that any ids, even
   * sequential ones, spread evenly over the 1,024 tags (fixed forever: keys and tokens depend on it).
   */
  static String tag(String userId) {
    byte[] h = sha256(userId);
    int bits = ((h[0] & 0xff) << 2) | ((h[1] & 0xff) >>> 6);
    return new String(new char[] {ALPHABET.charAt(bits >>> 5), ALPHABET.charAt(bits & 31)});
  }

  private static byte[] sha256(String s) {
    return digest("SHA-256", s);
  }

  private static byte[] sha1(String s) {
    return digest("SHA-1", s);
  }

  private static byte[] digest(String algorithm, String s) {
    try {
      return MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }

  /**
   * The first 128 bits of the token hash, 22 characters of base64url: enough to find a token among any number of
   * sessions (a collision needs about 2^64 of them) and 21 bytes smaller per key name and per index entry.
   */
  static String encode(TokenHash hash) {
    return BASE64.encodeToString(java.util.Arrays.copyOf(hash.toBytes(), 16));
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

  // The record: a version character, then fixed-width fields (last activity first, so that touch.lua can rewrite it
  // without parsing), then length-prefixed device id and roles, then the props as JSON.

  private static String write(Session s) {
    StringBuilder b = new StringBuilder(128);
    b.append(RECORD_VERSION).append(millis13(s.lastActivityAt().toEpochMilli()))
        .append(s.id()).append(s.userId())
        .append(millis13(s.createdAt().toEpochMilli())).append(millis13(s.expiresAt().toEpochMilli()))
        .append(s.oauth() ? '1' : '0').append(s.expiredNotify() ? '1' : '0')
        .append(s.deviceId().length()).append(':').append(s.deviceId())
        .append(s.roles().length()).append(':').append(s.roles())
        .append(PropsJson.write(s.props()));
    return b.toString();
  }

  private Session read(String r) {
    try {
      if (r.charAt(0) != RECORD_VERSION) {
        throw new IllegalArgumentException("unknown record version " + r.charAt(0));
      }
      int p = 1;
      long lastActivity = Long.parseLong(r, p, p += 13, 10);
      String id = r.substring(p, p += 26);
      String userId = r.substring(p, p += 26);
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
      throw new SessionStoreException(description + " holds a session record it cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * The sessions of these records. After a deletion ({@code deleted}), a record this store cannot read (a newer
   * version, damage) is skipped with a warning: the deletion happened, and the caller must hear of the others.
   */
  private List<Session> readAll(Object records, boolean deleted) {
    List<?> list = (List<?>) records;
    List<Session> sessions = new ArrayList<>(list.size());
    for (Object r : list) {
      try {
        sessions.add(read((String) r));
      } catch (SessionStoreException e) {
        if (!deleted) {
          throw e;
        }
        LOG.log(System.Logger.Level.WARNING, e.getMessage());
      }
    }
    return sessions;
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

    /** The script of this resource, after the shared prelude index.lua. */
    Script(String resource) {
      StringBuilder text = new StringBuilder();
      for (String part : List.of("index.lua", resource)) {
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
