package org.sessionregistry.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.BadCursorException;
import org.sessionregistry.Session;
import org.sessionregistry.SessionCount;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.SessionLimitExceededException;
import org.sessionregistry.SessionPage;
import org.sessionregistry.SessionStoreException;
import org.sessionregistry.SessionStoreUnavailableException;
import org.sessionregistry.redis.internal.Deadline;
import org.sessionregistry.redis.internal.DeadlineConnections;
import org.sessionregistry.redis.internal.LuaScript;
import org.sessionregistry.redis.internal.RecordCodec;
import org.sessionregistry.redis.internal.RedisErrors;
import org.sessionregistry.redis.internal.Tls;
import org.sessionregistry.redis.internal.UserDigest;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.spi.TokenHash;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Sessions in Redis, standalone or Cluster, through Jedis ({@link RedisClient} or {@link RedisClusterClient}).
 *
 * <p>Layout: one key per user, {@code ns:{<user digest>}} under a configurable namespace {@code ns}, where the user
 * digest is the SHA-256 of the user id, 52 characters of base32: any user id makes a key of the
 * same shape, which a Cluster places by the digest alone (a hash tag). The key is a sorted set whose scores are all 0,
 * so that members sort by their bytes. A session is a header member (session id, part {@code 00}, retain-until, last
 * activity) and the rest of its record, the user id included, in parts {@code 01}, {@code 02}, ...; while the set is
 * small the parts are at most 64 bytes, so Redis keeps the whole set as one compact listpack. Every token this store
 * issues starts with its user's digest (no user id can be read from it), and the registry derives each session id
 * from its token's hash ({@link TokenHash#sessionId()}), so a token alone names its key and its members. Readers return
 * only records of the user asked for (or, by token, whose user has the token's digest). Each operation is one round
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
 * <p>Timeouts: with a client of its own ({@link Builder#standalone}, {@link Builder#cluster}) every call is bounded
 * once by {@link Builder#timeout}: waiting for a pooled connection, connecting and the answer come out of the same
 * time. On a Cluster a new connection's handshake is bounded by it separately.
 *
 * <p>Durability: Redis acknowledges a write once its master has it, and replicates afterwards. A master that fails
 * over before a revocation reached its replica brings the revoked sessions back on the promoted replica. With
 * {@link Builder#waitForReplicas} a revocation returns only once that many replicas acknowledged it ({@code WAIT}, on
 * the same connection, in the same round trip), and fails with {@link SessionStoreUnavailableException} otherwise.
 *
 * <p>Thread-safe. Failures surface as {@link SessionStoreUnavailableException} (Redis down or timing out) or
 * {@link SessionStoreException}; the client reconnects by itself when Redis is back. Needs Redis 6.2 or later.
 */
public final class RedisSessionStore implements SessionStore {
  private final LuaScript insert = new LuaScript("insert.lua");
  private final LuaScript touch = new LuaScript("touch.lua");
  private final LuaScript delete = new LuaScript("delete.lua");
  private final LuaScript deleteAll = new LuaScript("delete_all.lua");

  private final UnifiedJedis redis;
  private final boolean ownsClient;
  private final String namespace;
  private final Clock clock;
  private final String description;
  private final RecordCodec records;
  private final Duration timeout;
  private final int replicas;
  private final long replicaTimeoutMillis;
  private final Duration countCacheTime;
  private final Object countLock = new Object();
  private @Nullable SessionCount lastCount;

  private RedisSessionStore(UnifiedJedis redis, boolean ownsClient, Builder b) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.namespace = b.namespace;
    this.clock = b.clock;
    this.description = "Redis session store (" + b.where + ", namespace " + namespace + ")";
    this.records = new RecordCodec(this.description);
    this.timeout = b.timeout;
    this.replicas = b.replicas;
    this.replicaTimeoutMillis = b.replicaTimeout.toMillis();
    this.countCacheTime = b.countCacheTime;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The user's digest, SHA-256 in 52 base32 characters: it names the user's key. */
  @Override
  public String tokenPrefix(String userId) {
    return UserDigest.of(userId);
  }

  @Override
  public List<Session> insert(
      Session session,
      TokenHash tokenHash,
      Instant retainUntil,
      SessionLimit limit,
      boolean endSameDevice) {
    if (!UserDigest.of(session.userId()).equals(tokenHash.routingPrefix())
        || !session.id().equals(tokenHash.sessionId())) {
      throw new SessionStoreException(
          description
              + ": session "
              + session.id()
              + " does not match its token (the "
              + "token must start with the user's digest, and the session id must be the token hash's); nothing was"
              + " written");
    }
    List<Object> reply =
        objects(
            call(
                "create a session",
                () ->
                    insert.run(
                        redis,
                        List.of(key(session.userId())),
                        List.of(
                            session.id(),
                            RecordCodec.header(retainUntil, session.lastActivityAt()),
                            RecordCodec.rest(session),
                            String.valueOf(ttlMillis(retainUntil)),
                            now(),
                            limit.isUnlimited() ? "0" : String.valueOf(limit.maxSessions()),
                            limit.policy() == SessionLimit.Policy.REFUSE_NEW ? "refuse" : "end",
                            endSameDevice ? RecordCodec.deviceField(session.deviceId()) : ""))));
    long status = (Long) reply.get(0);
    if (status == -1) {
      throw new SessionLimitExceededException(session.userId(), limit.maxSessions());
    }
    if (status != 1) {
      throw new SessionStoreException(
          description
              + ": a session with id "
              + session.id()
              + " exists already; nothing was written");
    }
    List<String> ended = new ArrayList<>(reply.size() - 1);
    for (Object member : reply.subList(1, reply.size())) {
      ended.add((String) member);
    }
    return records.readAll(session.userId(), ended, true);
  }

  /**
   * Every user's key, found by {@code SCAN} (on every master of a Cluster) and unlinked: time in proportion to the
   * number of users, one command per batch of keys found. {@code SCAN} returns every key that exists throughout the
   * scan, so every session that existed when it began is gone when it returns.
   */
  @Override
  public void deleteEveryone() {
    String pattern = globEscaped(namespace) + ":{*";
    // Not one deadline for all: this takes time in proportion to the users. Each command has the
    // timeout.
    RedisErrors.call(
        description,
        "revoke every session",
        () -> {
          if (redis instanceof RedisClusterClient cluster) {
            ScanIteration scan = cluster.scanIteration(1000, pattern);
            while (!scan.isIterationCompleted()) {
              List<String> keys = List.copyOf(scan.nextBatchList());
              if (replicas == 0) {
                keys.forEach(cluster::unlink); // one slot per key in a Cluster
              } else if (!keys.isEmpty()) {
                // Each WAIT goes to its key's master, behind that key's UNLINK on the same
                // connection.
                durably(
                    keys,
                    (p, source) -> {
                      keys.forEach(p::unlink);
                      return null;
                    });
              }
            }
          } else {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
              ScanResult<String> page =
                  redis.scan(cursor, new ScanParams().match(pattern).count(1000));
              if (!page.getResult().isEmpty()) {
                String[] keys = page.getResult().toArray(new String[0]);
                if (replicas == 0) {
                  redis.unlink(keys);
                } else {
                  durably(List.of(keys[0]), (p, source) -> p.unlink(keys));
                }
              }
              cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
          }
          return null;
        });
  }

  @Override
  public boolean supportsListing() {
    return true;
  }

  /**
   * One page of a walk with {@code SCAN} over every master (a Cluster's in the order of the lowest slot each serves),
   * its keys' sessions read in one pipeline. The cursor is {@code <slot>-<scan cursor>}: the master serving that slot,
   * and where its {@code SCAN} stands, so a walk spans nodes and survives a failover (the promoted replica holds the
   * same keys, and a {@code SCAN} cursor is valid on any table size). What {@code SCAN} guarantees carries over: a
   * session alive throughout the walk is returned at least once; one may come twice (a key {@code SCAN} returns twice,
   * across pages; within a page duplicates are removed); nothing is returned that was not stored. Slots moved to
   * another master during a walk (resharding) may make it miss their keys. A page holds the sessions of the user keys
   * {@code SCAN} returned, about {@code limit} of them: more than {@code limit} sessions when users have several. At
   * most 16 {@code SCAN} calls per page, so a sparse keyspace makes short pages, not long calls.
   */
  @Override
  public SessionPage listAll(String cursor, int limit, Instant now) {
    Position at = Position.parse(cursor);
    String pattern = globEscaped(namespace) + ":{*";
    long nowMillis = now.toEpochMilli();
    return call(
        "list every session",
        () -> {
          Map<String, Session> page = new LinkedHashMap<>();
          Position next = at;
          int keys = 0;
          for (int scans = 0; scans < 16 && keys < limit && next != null; scans++) {
            ScanParams params = new ScanParams().match(pattern).count(Math.max(10, limit));
            Position from = next;
            List<String> found = new ArrayList<>();
            String scanCursor;
            if (redis instanceof RedisClusterClient cluster) {
              List<Integer> masters = mastersByLowestSlot(cluster);
              int slot = from.slot;
              try (Jedis node = new Jedis(cluster.getConnectionFromSlot(slot))) {
                ScanResult<String> r = node.scan(from.scanCursor, params);
                found.addAll(r.getResult());
                scanCursor = r.getCursor();
                read(node.pipelined(), found, nowMillis, page);
              }
              if (scanCursor.equals(ScanParams.SCAN_POINTER_START)) {
                int following = -1;
                for (int lowest : masters) {
                  if (lowest > slot) {
                    following = lowest;
                    break;
                  }
                }
                next = following < 0 ? null : new Position(following, "0");
              } else {
                next = new Position(slot, scanCursor);
              }
            } else {
              ScanResult<String> r = redis.scan(from.scanCursor, params);
              found.addAll(r.getResult());
              scanCursor = r.getCursor();
              try (AbstractPipeline p = redis.pipelined()) {
                read(p, found, nowMillis, page);
              }
              next =
                  scanCursor.equals(ScanParams.SCAN_POINTER_START)
                      ? null
                      : new Position(0, scanCursor);
            }
            keys += found.size();
          }
          return new SessionPage(List.copyOf(page.values()), next == null ? "" : next.toString());
        });
  }

  /** Reads the sessions of these keys on one pipeline (one round trip) into the page, once each. */
  private void read(
      AbstractPipeline p, List<String> keys, long nowMillis, Map<String, Session> page) {
    if (keys.isEmpty()) {
      return;
    }
    List<Response<List<String>>> replies = new ArrayList<>(keys.size());
    for (String key : new LinkedHashSet<>(keys)) {
      replies.add(p.zrange(key, 0, -1));
    }
    p.sync();
    for (Response<List<String>> reply : replies) {
      for (Session s : records.readLive(reply.get(), nowMillis)) {
        page.putIfAbsent(s.id(), s);
      }
    }
  }

  /** The lowest slot each master serves, in order: one {@code CLUSTER SLOTS}. */
  private static List<Integer> mastersByLowestSlot(RedisClusterClient cluster) {
    Map<String, Integer> lowest = new java.util.HashMap<>();
    try (Jedis any = new Jedis(cluster.getConnectionFromSlot(0))) {
      for (Object range : any.clusterSlots()) {
        List<?> r = (List<?>) range;
        int start = ((Long) r.get(0)).intValue();
        List<?> master = (List<?>) r.get(2);
        String node =
            new String((byte[]) master.get(0), java.nio.charset.StandardCharsets.UTF_8)
                + ":"
                + master.get(1);
        lowest.merge(node, start, Math::min);
      }
    }
    return lowest.values().stream().sorted().toList();
  }

  /**
   * Where a walk stands: the master serving {@code slot} (0 on a standalone Redis) and its {@code SCAN} cursor.
   * Written {@code <slot>-<scan cursor>}.
   */
  private record Position(int slot, String scanCursor) {
    static Position parse(String cursor) {
      if (cursor.isEmpty()) {
        return new Position(0, ScanParams.SCAN_POINTER_START);
      }
      int dash = cursor.indexOf('-');
      if (dash < 1 || dash > 5 || dash == cursor.length() - 1 || cursor.length() - dash > 21) {
        throw new BadCursorException("not a slot and a SCAN cursor");
      }
      for (int i = 0; i < cursor.length(); i++) {
        if (i != dash && (cursor.charAt(i) < '0' || cursor.charAt(i) > '9')) {
          throw new BadCursorException("not a slot and a SCAN cursor");
        }
      }
      int slot = Integer.parseInt(cursor, 0, dash, 10);
      String scan = cursor.substring(dash + 1);
      if (slot > 16383 || new java.math.BigInteger(scan).bitLength() > 64) {
        throw new BadCursorException("slot or SCAN cursor out of range");
      }
      return new Position(slot, scan);
    }

    @Override
    public String toString() {
      return slot + "-" + scanCursor;
    }
  }

  /**
   * The number of sessions, counted by a walk over every key ({@code SCAN}, each key's members read) and kept for
   * {@link Builder#countCacheTime} (default 60 s): a count is never a full scan per call. Not exact: sessions come and
   * go during the walk, and a key {@code SCAN} returns twice counts twice. One caller walks at a time; the others wait
   * for its count.
   */
  @Override
  public SessionCount countAll(Instant now) {
    synchronized (countLock) {
      SessionCount cached = lastCount;
      if (cached != null
          && !now.isBefore(cached.countedAt())
          && now.isBefore(cached.countedAt().plus(countCacheTime))) {
        return cached;
      }
      long total = 0;
      String cursor = "";
      do {
        SessionPage page = listAll(cursor, 1000, now);
        total += page.sessions().size();
        cursor = page.nextCursor();
      } while (!cursor.isEmpty());
      lastCount = new SessionCount(total, false, now);
      return lastCount;
    }
  }

  /** The namespace as a SCAN pattern that matches it literally. */
  private static String globEscaped(String s) {
    StringBuilder b = new StringBuilder(s.length() + 4);
    for (char c : s.toCharArray()) {
      if ("*?[]\\".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  @Override
  public Optional<Session> findByToken(TokenHash tokenHash) {
    String digest = tokenHash.routingPrefix();
    if (!UserDigest.isDigest(digest)) {
      return Optional
          .empty(); // not this store's token (a token of version 1 started with its user id)
    }
    String id = tokenHash.sessionId();
    List<String> members =
        call(
            "authenticate a token",
            () -> redis.zrangeByLex(keyOfDigest(digest), "[" + id, "(" + id + "~"));
    return records.readAll(members, false).stream()
        .filter(s -> UserDigest.of(s.userId()).equals(digest))
        .findFirst();
  }

  @Override
  public List<Session> findByUser(String userId) {
    return records.readAll(
        userId, call("list sessions", () -> redis.zrange(key(userId), 0, -1)), false);
  }

  @Override
  public boolean touch(
      String userId,
      String sessionId,
      Instant lastActivityAt,
      @Nullable Instant expiresAt,
      Instant retainUntil) {
    Object result =
        call(
            "record activity",
            () ->
                touch.run(
                    redis,
                    List.of(key(userId)),
                    List.of(
                        sessionId,
                        RecordCodec.millis13(lastActivityAt.toEpochMilli()),
                        RecordCodec.millis13(retainUntil.toEpochMilli()),
                        String.valueOf(ttlMillis(retainUntil)),
                        now(),
                        expiresAt == null ? "" : RecordCodec.millis13(expiresAt.toEpochMilli()))));
    return Long.valueOf(1).equals(result);
  }

  @Override
  public Optional<Session> delete(String userId, String sessionId) {
    Object members = revocation("revoke a session", delete, key(userId), List.of(sessionId));
    return records.readAll(userId, strings(members), true).stream().findFirst();
  }

  @Override
  public List<Session> deleteAllOfUser(String userId, @Nullable String keepSessionId) {
    return records.readAll(
        userId,
        strings(
            revocation(
                "revoke all sessions of a user",
                deleteAll,
                key(userId),
                List.of(keepSessionId == null ? "" : keepSessionId, "1"))),
        true);
  }

  /** One {@code UNLINK} of the user's key (freed in the background by Redis); a script when one session stays. */
  @Override
  public void deleteAllOfUserWithoutReading(String userId, @Nullable String keepSessionId) {
    String key = key(userId);
    if (keepSessionId != null) {
      revocation("revoke all sessions of a user", deleteAll, key, List.of(keepSessionId, "0"));
    } else if (replicas == 0) {
      call("revoke all sessions of a user", () -> redis.unlink(key));
    } else {
      call(
          "revoke all sessions of a user",
          () -> durably(List.of(key), (p, source) -> p.unlink(key)));
    }
  }

  /** A script that revokes: run as any other, or with its {@code WAIT} when replicas must acknowledge it. */
  private Object revocation(String operation, LuaScript script, String key, List<String> args) {
    return call(
        operation,
        () ->
            replicas == 0
                ? script.run(redis, List.of(key), args)
                : durably(
                    List.of(key), (p, source) -> script.queue(p, List.of(key), args, source)));
  }

  /**
   * Queues a write and a {@code WAIT} for the replicas behind it on one pipeline (one connection per master, so that
   * the WAIT covers that write; one round trip), and fails unless every WAIT saw enough replicas acknowledge. The
   * write is queued again with its script's source if the server did not have the script.
   *
   * @param waitKeys a key of each master written to, for its WAIT to be routed there
   * @param write queues the write on the pipeline (its answer, or null); its second argument says whether to send a
   *     script's source
   */
  private <T> @Nullable T durably(
      List<String> waitKeys, BiFunction<AbstractPipeline, Boolean, @Nullable Response<T>> write) {
    for (boolean source = false; ; source = true) {
      List<Response<Long>> waits = new ArrayList<>();
      Response<T> result;
      try (AbstractPipeline p = redis.pipelined()) {
        result = write.apply(p, source);
        for (String key : waitKeys) {
          waits.add(p.waitReplicas(key, replicas, replicaTimeoutMillis));
        }
        p.sync();
      }
      T value;
      try {
        value = result == null ? null : result.get();
      } catch (JedisNoScriptException e) {
        if (source) {
          throw e;
        }
        continue;
      }
      for (Response<Long> wait : waits) {
        long acknowledged = wait.get();
        if (acknowledged < replicas) {
          throw new SessionStoreUnavailableException(
              description
                  + ": the revocation is on the master, but only "
                  + acknowledged
                  + " of the "
                  + replicas
                  + " replicas required acknowledged it within "
                  + replicaTimeoutMillis
                  + " ms; a failover now could bring the sessions back. Redis replication is"
                  + " lagging or a replica is down.",
              null);
        }
      }
      return value;
    }
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

  /** The user's key: a hash tag of the user's digest alone, so that a Cluster keeps it in the user's slot. */
  String key(String userId) {
    return keyOfDigest(UserDigest.of(userId));
  }

  private String keyOfDigest(String digest) {
    return namespace + ":{" + digest + "}";
  }

  private String now() {
    return String.valueOf(clock.millis());
  }

  private long ttlMillis(Instant retainUntil) {
    // The store's own clock, not Redis's: a TTL is relative, so clocks need not agree. At least 1
    // ms: a zero or
    // negative TTL would delete the key at once.
    return Math.max(1, retainUntil.toEpochMilli() - clock.millis() + 1);
  }

  private <T> T call(String operation, Supplier<T> command) {
    return Deadline.within(timeout, () -> RedisErrors.call(description, operation, command));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> objects(Object reply) {
    return (List<Object>) reply;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object reply) {
    return (List<String>) reply;
  }

  /** Settings of a {@link RedisSessionStore}: give one of {@link #client}, {@link #standalone}, {@link #cluster}. */
  public static final class Builder {
    private @Nullable UnifiedJedis client;
    private @Nullable Supplier<UnifiedJedis> pending;
    private String where = "";
    private String namespace = "sr";
    private Clock clock = Clock.systemUTC();
    private Duration timeout = Duration.ofSeconds(2);
    private int replicas;
    private Duration replicaTimeout = Duration.ZERO;
    private int maxConnections = 16;
    private @Nullable SSLContext tls;
    private @Nullable String user;
    private @Nullable String password;
    private Duration countCacheTime = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * How long a count of every session ({@link SessionStore#countAll}) is kept before the next call walks every key
     * again. Default 60 seconds; 0 counts on every call (for tests).
     */
    public Builder countCacheTime(Duration countCacheTime) {
      require(countCacheTime, "countCacheTime");
      if (countCacheTime.isNegative() || countCacheTime.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(
            "countCacheTime must be 0 to 1 day, was " + countCacheTime);
      }
      this.countCacheTime = countCacheTime;
      return this;
    }

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
      this.pending =
          () ->
              RedisClient.builder()
                  .connectionProvider(
                      DeadlineConnections.standalone(
                          new HostAndPort(host, port), this::config, poolConfig(timeout), timeout))
                  .build();
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
      // Handshakes, slot-map refreshes and waits for a pooled connection within half the timeout
      // (see
      // DeadlineConnections.Cluster); commands within what is left of it.
      this.pending =
          () -> {
            JedisClientConfig half = config(Math.max(1, timeoutMillis() / 2));
            return RedisClusterClient.builder()
                .nodes(Set.copyOf(nodes))
                .clientConfig(half)
                .connectionProvider(
                    DeadlineConnections.cluster(
                        Set.copyOf(nodes), half, poolConfig(timeout.dividedBy(2)), timeout))
                .maxTotalRetriesDuration(timeout)
                .build();
          };
      return this;
    }

    /**
     * For {@link #standalone} and {@link #cluster}: TLS, trusting what {@code context} trusts (its trust managers: a
     * managed Redis's CA, say), the server's host name checked against its certificate.
     */
    public Builder tls(SSLContext context) {
      this.tls = require(context, "context");
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

    /**
     * Revocations return only once {@code replicas} replicas acknowledged them, waiting {@code timeout} at most
     * ({@code WAIT}), and fail with {@link SessionStoreUnavailableException} otherwise: what a master that fails over
     * right after a revocation would otherwise lose. {@code timeout} must be shorter than {@link #timeout}. Default: 0
     * replicas, no waiting. Creates and activity are not waited for.
     */
    public Builder waitForReplicas(int replicas, Duration timeout) {
      require(timeout, "timeout");
      if (replicas < 0 || replicas > 100) {
        throw new IllegalArgumentException("replicas must be 0 to 100, was " + replicas);
      }
      if (replicas > 0 && (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE)) {
        throw new IllegalArgumentException(
            "the replicas' timeout must be at least 1 ms, was " + timeout);
      }
      this.replicas = replicas;
      this.replicaTimeout = timeout;
      return this;
    }

    /** What every key starts with, so that several applications can share a Redis. Default {@code sr}. */
    public Builder namespace(String namespace) {
      require(namespace, "namespace");
      if (namespace.isEmpty()
          || namespace.length() > 64
          || namespace.contains("{")
          || namespace.contains("}")) {
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
      if (replicas > 0 && replicaTimeout.compareTo(timeout) >= 0) {
        throw new IllegalStateException(
            "waitForReplicas' timeout ("
                + replicaTimeout
                + ") must be shorter than the"
                + " store's timeout ("
                + timeout
                + "): the call waits for the replicas within it");
      }
      if (client != null) {
        return new RedisSessionStore(client, false, this);
      }
      if (pending == null) {
        throw new IllegalStateException("give one of client(...), standalone(...) or cluster(...)");
      }
      try {
        return new RedisSessionStore(pending.get(), true, this);
      } catch (JedisException e) {
        throw new SessionStoreUnavailableException(
            "Redis session store (" + where + ") could not start its client: " + e.getMessage(), e);
      }
    }

    /**
     * For {@link #standalone} and {@link #cluster}: connections kept per Redis node. A call waits for a free one at
     * most the timeout. Default 16.
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1 || maxConnections > 10_000) {
        throw new IllegalArgumentException(
            "maxConnections must be 1 to 10,000, was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    private ConnectionPoolConfig poolConfig(Duration maxWait) {
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(maxConnections);
      pool.setMaxIdle(maxConnections);
      pool.setMaxWait(maxWait);
      return pool;
    }

    private int timeoutMillis() {
      return (int) timeout.toMillis();
    }

    /** The client settings, with connect and socket timeouts of {@code timeoutMillis}. */
    private JedisClientConfig config(int timeoutMillis) {
      DefaultJedisClientConfig.Builder b =
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis(timeoutMillis)
              .socketTimeoutMillis(timeoutMillis)
              .clientName("session-registry");
      if (user != null) {
        b.user(user).password(password);
      }
      return Tls.apply(b, tls).build();
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
