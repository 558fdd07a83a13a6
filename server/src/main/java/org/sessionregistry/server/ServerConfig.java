package org.sessionregistry.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.sessionregistry.SessionLimit;
import org.sessionregistry.http.ClientAddressResolver;

/**
 * The server's settings, from flags ({@code --port 8065}) or environment variables ({@code SR_PORT=8065}); a flag wins.
 * Every value is checked at once; a bad one fails with a message that names it.
 */
final class ServerConfig {
  /** Logins that may wait for a password check, when the thread budget allows: see --login-max-waiting. */
  static final int DEFAULT_LOGIN_WAITING = 64;

  /** The stores the server can use. */
  enum StoreKind {
    H2,
    MEMORY,
    POSTGRESQL,
    MARIADB,
    REDIS,
    REDIS_CLUSTER;

    static StoreKind parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--store must be one of h2, memory, postgresql, mariadb, redis,"
                + " redis-cluster; was \""
                + value
                + "\"");
      }
    }
  }

  /** Flag name, environment variable, default, meaning: the help text and the parser share this table. */
  static final List<String[]> OPTIONS =
      List.of(
          new String[] {"--host", "SR_HOST", "127.0.0.1", "address to listen on"},
          new String[] {"--port", "SR_PORT", "8065", "port to listen on"},
          new String[] {
            "--data", "SR_DATA_DIR", "./data", "directory for the H2 database and the users file"
          },
          new String[] {
            "--users",
            "SR_USERS_FILE",
            "<data>/users.json",
            "the users file (created with demo users if" + " missing)"
          },
          new String[] {
            "--store",
            "SR_STORE",
            "h2",
            "h2 | memory | postgresql | mariadb | redis | redis-cluster"
          },
          new String[] {
            "--jdbc-url",
            "SR_JDBC_URL",
            "jdbc:h2:<data>/sessions",
            "database URL (postgresql, mariadb;" + " h2 to override the file)"
          },
          new String[] {
            "--jdbc-user",
            "SR_JDBC_USER",
            "sa for h2",
            "database user; the password comes only from" + " SR_JDBC_PASSWORD"
          },
          new String[] {
            "--redis",
            "SR_REDIS",
            "127.0.0.1:6379",
            "Redis host:port; for redis-cluster, a comma-separated" + " list of nodes"
          },
          new String[] {
            "--redis-namespace", "SR_REDIS_NAMESPACE", "sr", "prefix of every Redis key"
          },
          new String[] {
            "--redis-timeout",
            "SR_REDIS_TIMEOUT",
            "2s",
            "longest one Redis call may take, waits included"
          },
          new String[] {
            "--redis-user",
            "SR_REDIS_USER",
            "default",
            "Redis ACL user, when SR_REDIS_PASSWORD is set (the"
                + " password comes only from there)"
          },
          new String[] {
            "--redis-tls",
            "SR_REDIS_TLS",
            "false",
            "reach Redis over TLS, its certificate and host name" + " checked"
          },
          new String[] {
            "--redis-tls-ca",
            "SR_REDIS_TLS_CA",
            "none",
            "PEM file of the CA (or certificate) to trust for"
                + " Redis's TLS; none: the JVM's trust store"
          },
          new String[] {
            "--redis-wait-replicas",
            "SR_REDIS_WAIT_REPLICAS",
            "0",
            "replicas that must acknowledge a"
                + " revocation before it returns (WAIT), so that a failover cannot undo it; 0: none"
          },
          new String[] {
            "--redis-wait-timeout",
            "SR_REDIS_WAIT_TIMEOUT",
            "500ms",
            "longest a revocation waits for them" + " (then it fails); shorter than --redis-timeout"
          },
          new String[] {
            "--session-lifetime",
            "SR_SESSION_LIFETIME",
            "30d",
            "absolute timeout (e.g. 30d, 12h, 90m)"
          },
          new String[] {
            "--idle-timeout", "SR_IDLE_TIMEOUT", "none", "idle timeout (e.g. 8h), or none"
          },
          new String[] {
            "--extend-sessions-with-activity",
            "SR_EXTEND_SESSIONS_WITH_ACTIVITY",
            "true",
            "count the session"
                + " lifetime from the last activity, as Mattermost by default (false: from login)"
          },
          new String[] {
            "--max-session-lifetime",
            "SR_MAX_SESSION_LIFETIME",
            "none",
            "longest a session extended with" + " activity lives from login (e.g. 90d), or none"
          },
          new String[] {
            "--purge-interval",
            "SR_PURGE_INTERVAL",
            "1m",
            "how often expired sessions are deleted from a SQL" + " store"
          },
          new String[] {
            "--cache",
            "SR_CACHE",
            "none",
            "front cache: none | local (one node) | redis (pub/sub on --redis)"
                + " | jdbc (polls the SQL store)"
          },
          new String[] {
            "--cache-staleness", "SR_CACHE_STALENESS", "30s", "longest a cached session is trusted"
          },
          new String[] {"--cache-size", "SR_CACHE_SIZE", "100000", "most sessions cached"},
          new String[] {
            "--cache-poll", "SR_CACHE_POLL", "1s", "poll interval of the jdbc cache channel"
          },
          new String[] {
            "--secure-cookies", "SR_SECURE_COOKIES", "false", "mark cookies Secure (behind HTTPS)"
          },
          new String[] {
            "--max-sessions-per-user",
            "SR_MAX_SESSIONS_PER_USER",
            "500",
            "live sessions a user may have, as" + " Mattermost (0: no limit)"
          },
          new String[] {
            "--session-limit-policy",
            "SR_SESSION_LIMIT_POLICY",
            "end",
            "beyond it: end (the least recently"
                + " active sessions end) | refuse (the login is refused)"
          },
          new String[] {
            "--login-max-failures",
            "SR_LOGIN_MAX_FAILURES",
            "10",
            "failed logins of a user from one address"
                + " before that address is locked out of the user (others are not)"
          },
          new String[] {
            "--login-lockout", "SR_LOGIN_LOCKOUT", "15m", "how long failures count, from the first"
          },
          new String[] {
            "--login-max-failures-per-address",
            "SR_LOGIN_MAX_FAILURES_PER_ADDRESS",
            "100",
            "failed logins"
                + " from one address, any user, before its logins get 429 (successes do not count)"
          },
          new String[] {
            "--login-max-concurrent-checks",
            "SR_LOGIN_MAX_CONCURRENT_CHECKS",
            "<cores>",
            "passwords" + " hashed at once; more logins wait for one"
          },
          new String[] {
            "--login-max-waiting",
            "SR_LOGIN_MAX_WAITING",
            "<64, within the thread budget>",
            "logins waiting"
                + " for a password check (429 beyond); checks plus waiting may hold at most 3/4 of --http-max-requests"
          },
          new String[] {
            "--login-max-wait",
            "SR_LOGIN_MAX_WAIT",
            "10s",
            "longest a login waits for a password check" + " (then 429)"
          },
          new String[] {
            "--login-rate-per-address",
            "SR_LOGIN_RATE_PER_ADDRESS",
            "120",
            "login attempts per address and" + " minute (429 beyond; successes are given back)"
          },
          new String[] {
            "--record-client-address",
            "SR_RECORD_CLIENT_ADDRESS",
            "false",
            "keep a login's client address in" + " its session (ip_address): personal data"
          },
          new String[] {
            "--trusted-proxies",
            "SR_TRUSTED_PROXIES",
            "none",
            "comma-separated CIDRs of reverse proxies"
                + " whose Forwarded / X-Forwarded-For / X-Forwarded-Proto are believed (e.g. 10.0.0.0/8,::1); none: the"
                + " TCP peer is the client"
          },
          new String[] {
            "--http-idle-timeout",
            "SR_HTTP_IDLE_TIMEOUT",
            "30s",
            "close a connection after this long without" + " a byte"
          },
          new String[] {
            "--http-header-timeout",
            "SR_HTTP_HEADER_TIMEOUT",
            "10s",
            "longest a client may take to send a" + " request's line and headers"
          },
          new String[] {
            "--http-body-timeout",
            "SR_HTTP_BODY_TIMEOUT",
            "10s",
            "longest a client may take to send a" + " request's body (408 beyond)"
          },
          new String[] {
            "--http-max-header-size",
            "SR_HTTP_MAX_HEADER_SIZE",
            "8192",
            "bytes of request line and headers" + " (414, 431 beyond)"
          },
          new String[] {
            "--http-max-body", "SR_HTTP_MAX_BODY", "65536", "bytes of request body (413 beyond)"
          },
          new String[] {
            "--http-max-requests",
            "SR_HTTP_MAX_REQUESTS",
            "128",
            "requests served at once, each on a" + " thread"
          },
          new String[] {
            "--http-max-queued",
            "SR_HTTP_MAX_QUEUED",
            "512",
            "requests waiting for one of those, without a" + " thread (503 beyond)"
          },
          new String[] {
            "--http-queue-timeout",
            "SR_HTTP_QUEUE_TIMEOUT",
            "5s",
            "longest a request waits (then 503)"
          },
          new String[] {
            "--http-max-connections",
            "SR_HTTP_MAX_CONNECTIONS",
            "10000",
            "open connections (no more are" + " accepted at the limit)"
          },
          new String[] {
            "--http-h2c", "SR_HTTP_H2C", "true", "also speak cleartext HTTP/2 on the port"
          },
          new String[] {
            "--metrics-port",
            "SR_METRICS_PORT",
            "none",
            "port of the Prometheus text (GET /metrics) and the"
                + " health answer (GET /health), apart from --port; none: off"
          },
          new String[] {
            "--metrics-host", "SR_METRICS_HOST", "127.0.0.1", "address the metrics port listens on"
          });

  /** The front cache's channel, or none. */
  enum CacheKind {
    NONE,
    LOCAL,
    REDIS,
    JDBC;

    static CacheKind parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--cache must be one of none, local, redis, jdbc; was \"" + value + "\"");
      }
    }
  }

  final String host;
  final int port;
  final Path dataDir;
  final Path usersFile;
  final StoreKind store;
  final @Nullable String jdbcUrl;
  final String jdbcUser;
  final String jdbcPassword;
  final String redis;
  final String redisNamespace;
  final Duration redisTimeout;
  final String redisUser;
  final @Nullable String redisPassword;
  final boolean redisTls;
  final @Nullable Path redisTlsCa;
  final int loginMaxFailures;
  final Duration loginLockout;
  final int loginMaxFailuresPerAddress;
  final int loginMaxConcurrentChecks;
  final int loginRatePerAddress;
  final int loginMaxWaiting;
  final Duration loginMaxWait;
  final int redisWaitReplicas;
  final Duration redisWaitTimeout;
  final Duration sessionLifetime;
  final @Nullable Duration idleTimeout;
  final boolean extendSessionsWithActivity;
  final @Nullable Duration maxSessionLifetime;
  final Duration purgeInterval;
  final CacheKind cache;
  final Duration cacheStaleness;
  final long cacheSize;
  final Duration cachePoll;
  final boolean secureCookies;
  final int maxSessionsPerUser;
  final SessionLimit.Policy sessionLimitPolicy;
  final boolean recordClientAddress;
  final ClientAddressResolver clientAddress;
  final Duration httpIdleTimeout;
  final Duration httpHeaderTimeout;
  final Duration httpBodyTimeout;
  final int httpMaxHeaderBytes;
  final int httpMaxBodyBytes;
  final int httpMaxRequests;
  final int httpMaxQueued;
  final Duration httpQueueTimeout;
  final int httpMaxConnections;
  final boolean httpH2c;

  /** The metrics port, or null: no metrics. */
  final @Nullable Integer metricsPort;

  final String metricsHost;

  private ServerConfig(Map<String, String> v, Map<String, String> env) {
    this.host = v.get("--host");
    this.port = parsePort("--port", v.get("--port"));
    this.dataDir = Path.of(v.get("--data"));
    this.usersFile =
        v.containsKey("--users") ? Path.of(v.get("--users")) : dataDir.resolve("users.json");
    this.store = StoreKind.parse(v.get("--store"));
    this.jdbcUrl = v.get("--jdbc-url");
    this.jdbcUser = v.getOrDefault("--jdbc-user", store == StoreKind.H2 ? "sa" : "");
    this.jdbcPassword = env.getOrDefault("SR_JDBC_PASSWORD", "");
    this.redis = v.get("--redis");
    for (String node : redis.split(",")) {
      if (!node.trim().matches("[^:\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException(
            "--redis must be host:port (a comma-separated list of them for"
                + " redis-cluster), was \""
                + redis
                + "\"");
      }
    }
    this.secureCookies = parseBoolean("--secure-cookies", v.get("--secure-cookies"));
    this.maxSessionsPerUser =
        parseInt("--max-sessions-per-user", v.get("--max-sessions-per-user"), 0, 1_000_000);
    this.sessionLimitPolicy =
        switch (v.get("--session-limit-policy")) {
          case "end" -> SessionLimit.Policy.END_LEAST_RECENTLY_ACTIVE;
          case "refuse" -> SessionLimit.Policy.REFUSE_NEW;
          default ->
              throw new IllegalArgumentException(
                  "--session-limit-policy must be end or refuse, was \""
                      + v.get("--session-limit-policy")
                      + "\"");
        };
    this.recordClientAddress =
        parseBoolean("--record-client-address", v.get("--record-client-address"));
    this.clientAddress = parseTrustedProxies(v.get("--trusted-proxies"));
    this.httpIdleTimeout = parseDuration("--http-idle-timeout", v.get("--http-idle-timeout"));
    this.httpHeaderTimeout = parseDuration("--http-header-timeout", v.get("--http-header-timeout"));
    this.httpBodyTimeout = parseDuration("--http-body-timeout", v.get("--http-body-timeout"));
    this.httpMaxHeaderBytes =
        parseInt("--http-max-header-size", v.get("--http-max-header-size"), 1024, 1 << 20);
    this.httpMaxBodyBytes = parseInt("--http-max-body", v.get("--http-max-body"), 1024, 16 << 20);
    this.httpMaxRequests = parseInt("--http-max-requests", v.get("--http-max-requests"), 1, 10_000);
    this.httpMaxQueued = parseInt("--http-max-queued", v.get("--http-max-queued"), 0, 1_000_000);
    this.httpQueueTimeout = parseDuration("--http-queue-timeout", v.get("--http-queue-timeout"));
    this.httpMaxConnections =
        parseInt("--http-max-connections", v.get("--http-max-connections"), 1, 1_000_000);
    this.httpH2c = parseBoolean("--http-h2c", v.get("--http-h2c"));
    String metrics = v.get("--metrics-port");
    this.metricsPort =
        metrics.equalsIgnoreCase("none") ? null : parsePort("--metrics-port", metrics);
    this.metricsHost = v.get("--metrics-host");
    this.redisNamespace = v.get("--redis-namespace");
    this.redisTimeout = parseDuration("--redis-timeout", v.get("--redis-timeout"));
    this.redisUser = v.get("--redis-user");
    String redisPassword = env.get("SR_REDIS_PASSWORD");
    this.redisPassword = redisPassword == null || redisPassword.isEmpty() ? null : redisPassword;
    this.redisTls = parseBoolean("--redis-tls", v.get("--redis-tls"));
    String ca = v.get("--redis-tls-ca");
    this.redisTlsCa = ca.equalsIgnoreCase("none") ? null : Path.of(ca);
    if (redisTlsCa != null && !redisTls) {
      throw new IllegalArgumentException("--redis-tls-ca needs --redis-tls true");
    }
    this.loginMaxFailures =
        parseInt("--login-max-failures", v.get("--login-max-failures"), 1, 1_000_000);
    this.loginLockout = parseDuration("--login-lockout", v.get("--login-lockout"));
    this.loginMaxFailuresPerAddress =
        parseInt(
            "--login-max-failures-per-address",
            v.get("--login-max-failures-per-address"),
            1,
            100_000_000);
    String checks = v.getOrDefault("--login-max-concurrent-checks", "<cores>");
    this.loginMaxConcurrentChecks =
        checks.equals("<cores>")
            ? Math.max(
                1, Math.min(Runtime.getRuntime().availableProcessors(), httpMaxRequests * 3 / 4))
            : parseInt("--login-max-concurrent-checks", checks, 1, 10_000);
    this.loginRatePerAddress =
        parseInt("--login-rate-per-address", v.get("--login-rate-per-address"), 1, 1_000_000);
    // Logins waiting for a check hold their threads: a quarter of the request threads is always
    // left to the rest.
    int loginThreads = httpMaxRequests * 3 / 4;
    String waiting = v.get("--login-max-waiting");
    this.loginMaxWaiting =
        waiting != null
            ? parseInt("--login-max-waiting", waiting, 0, 10_000)
            : Math.max(0, Math.min(DEFAULT_LOGIN_WAITING, loginThreads - loginMaxConcurrentChecks));
    if (loginMaxConcurrentChecks + loginMaxWaiting > loginThreads) {
      throw new IllegalArgumentException(
          "--login-max-concurrent-checks ("
              + loginMaxConcurrentChecks
              + ") plus"
              + " --login-max-waiting ("
              + loginMaxWaiting
              + ") must be at most 3/4 of --http-max-requests ("
              + httpMaxRequests
              + "), "
              + loginThreads
              + ": logins waiting hold threads the other requests need");
    }
    this.loginMaxWait = parseDuration("--login-max-wait", v.get("--login-max-wait"));
    if (loginMaxWait.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "--login-max-wait must be at most 1m, was \"" + v.get("--login-max-wait") + "\"");
    }
    this.redisWaitReplicas =
        parseInt("--redis-wait-replicas", v.get("--redis-wait-replicas"), 0, 100);
    this.redisWaitTimeout = parseDuration("--redis-wait-timeout", v.get("--redis-wait-timeout"));
    if (redisWaitReplicas > 0 && redisWaitTimeout.compareTo(redisTimeout) >= 0) {
      throw new IllegalArgumentException(
          "--redis-wait-timeout ("
              + v.get("--redis-wait-timeout")
              + ") must be"
              + " shorter than --redis-timeout ("
              + v.get("--redis-timeout")
              + "): a revocation waits within it");
    }
    this.sessionLifetime = parseDuration("--session-lifetime", v.get("--session-lifetime"));
    String idle = v.get("--idle-timeout");
    this.idleTimeout = idle.equalsIgnoreCase("none") ? null : parseDuration("--idle-timeout", idle);
    this.extendSessionsWithActivity =
        parseBoolean("--extend-sessions-with-activity", v.get("--extend-sessions-with-activity"));
    String max = v.get("--max-session-lifetime");
    this.maxSessionLifetime =
        max.equalsIgnoreCase("none") ? null : parseDuration("--max-session-lifetime", max);
    if (maxSessionLifetime != null && maxSessionLifetime.compareTo(sessionLifetime) < 0) {
      throw new IllegalArgumentException(
          "--max-session-lifetime ("
              + max
              + ") must not be shorter than"
              + " --session-lifetime ("
              + v.get("--session-lifetime")
              + ")");
    }
    this.purgeInterval = parseDuration("--purge-interval", v.get("--purge-interval"));
    this.cache = CacheKind.parse(v.get("--cache"));
    this.cacheStaleness = parseDuration("--cache-staleness", v.get("--cache-staleness"));
    this.cachePoll = parseDuration("--cache-poll", v.get("--cache-poll"));
    try {
      this.cacheSize = Long.parseLong(v.get("--cache-size"));
      if (cacheSize < 1) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--cache-size must be a positive number, was \"" + v.get("--cache-size") + "\"");
    }
    boolean sql =
        store == StoreKind.H2 || store == StoreKind.POSTGRESQL || store == StoreKind.MARIADB;
    if (cache == CacheKind.JDBC && !sql) {
      throw new IllegalArgumentException(
          "--cache jdbc needs a SQL store (h2, postgresql, mariadb), not --store "
              + store.name().toLowerCase(Locale.ROOT)
              + "; use --cache redis or local");
    }
    if ((store == StoreKind.POSTGRESQL || store == StoreKind.MARIADB) && jdbcUrl == null) {
      throw new IllegalArgumentException(
          "--store "
              + store.name().toLowerCase(Locale.ROOT)
              + " needs --jdbc-url"
              + " (or SR_JDBC_URL), e.g. "
              + (store == StoreKind.POSTGRESQL
                  ? "jdbc:postgresql://127.0.0.1:5432/postgres"
                  : "jdbc:mariadb://127.0.0.1:3306/sessions"));
    }
  }

  /** The settings from these arguments and environment. */
  static ServerConfig parse(List<String> args, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String[] o : OPTIONS) {
      String fromEnv = env.get(o[1]);
      if (fromEnv != null && !fromEnv.isEmpty()) {
        values.put(o[0], fromEnv);
      }
    }
    List<String> rest = new ArrayList<>(args);
    while (!rest.isEmpty()) {
      String flag = rest.remove(0);
      String value = null;
      int eq = flag.indexOf('=');
      if (flag.startsWith("--") && eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      }
      String name = flag;
      if (OPTIONS.stream().noneMatch(o -> o[0].equals(name))) {
        throw new IllegalArgumentException("unknown flag " + flag + "; see --help");
      }
      if (value == null) {
        if (rest.isEmpty()) {
          throw new IllegalArgumentException(flag + " needs a value; see --help");
        }
        value = rest.remove(0);
      }
      values.put(flag, value);
    }
    for (String[] o : OPTIONS) {
      if (!o[2].contains("<") && !o[2].contains(" ")) {
        values.putIfAbsent(o[0], o[2]);
      }
    }
    return new ServerConfig(values, env);
  }

  static String help() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: java -jar session-registry-server.jar [flags]\n")
        .append(
            "       java -jar session-registry-server.jar user set <username> [--roles R] [--email E] [flags]"
                + "  (password from standard input; a new one ends the user's sessions)\n")
        .append(
            "       java -jar session-registry-server.jar user delete <username> [flags]  (ends its sessions)\n")
        .append("       java -jar session-registry-server.jar user list [flags]\n")
        .append(
            "       java -jar session-registry-server.jar sessions list <user> | sessions count"
                + " | sessions revoke <user> | sessions revoke-everyone --yes  [--json] [flags]\n"
                + "         (<user>: username, email or id; on the store the flags name, every node's"
                + " front cache told)\n\n")
        .append("Flags (or environment variables; a flag wins):\n");
    for (String[] o : OPTIONS) {
      b.append(String.format("  %-23s %-25s %s (default %s)%n", o[0], o[1], o[3], o[2]));
    }
    return b.toString();
  }

  private static boolean parseBoolean(String name, String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(name + " must be true or false, was \"" + value + "\"");
    }
    return Boolean.parseBoolean(value);
  }

  private static int parseInt(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        name + " must be a number from " + min + " to " + max + ", was \"" + value + "\"");
  }

  private static ClientAddressResolver parseTrustedProxies(String value) {
    if (value.equals("none")) {
      return ClientAddressResolver.direct();
    }
    List<String> cidrs = new ArrayList<>();
    for (String cidr : value.split(",", -1)) {
      cidrs.add(cidr.strip());
    }
    try {
      return ClientAddressResolver.trustedProxies(cidrs);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--trusted-proxies must be none or comma-separated CIDRs such as"
              + " 10.0.0.0/8,2001:db8::/32, was \""
              + value
              + "\": "
              + e.getMessage());
    }
  }

  private static int parsePort(String name, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(name + " must be 0 to 65535, was \"" + value + "\"");
  }

  /** {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, {@code 500ms}, or ISO-8601 ({@code PT8H}). */
  static Duration parseDuration(String name, String value) {
    Map<Character, Function<Long, Duration>> units =
        Map.of(
            'd',
            Duration::ofDays,
            'h',
            Duration::ofHours,
            'm',
            Duration::ofMinutes,
            's',
            Duration::ofSeconds);
    try {
      Duration d;
      char unit = value.isEmpty() ? ' ' : Character.toLowerCase(value.charAt(value.length() - 1));
      if (value.toLowerCase(Locale.ROOT).endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      } else if (units.containsKey(unit) && !value.toUpperCase(Locale.ROOT).startsWith("P")) {
        d = units.get(unit).apply(Long.parseLong(value.substring(0, value.length() - 1)));
      } else {
        d = Duration.parse(value);
      }
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (RuntimeException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        name
            + " must be a positive duration such as 30d, 8h, 90m, 500ms or PT8H, was \""
            + value
            + "\"");
  }
}
