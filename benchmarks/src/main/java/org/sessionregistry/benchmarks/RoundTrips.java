package org.sessionregistry.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.sessionregistry.Ids;
import org.sessionregistry.IssuedSession;
import org.sessionregistry.SessionRegistry;
import redis.clients.jedis.Jedis;

/**
 * Round trips each operation costs, counted exactly, not timed: SQL statements through a counting data source, Redis
 * round trips from {@code INFO commandstats} ({@code EVALSHA} calls, or the one plain command). For a user with 100
 * sessions; after a warm-up that loads the Redis scripts.
 */
final class RoundTrips {
  private RoundTrips() {}

  /** Operation name to store name to round trips. */
  static Map<String, Map<String, Integer>> measure() throws Exception {
    Map<String, Map<String, Integer>> trips = new LinkedHashMap<>();
    for (StoreKind kind : StoreKind.values()) {
      AtomicInteger statements = new AtomicInteger();
      try (StoreKind.Fixture f = kind.open(ds -> counting(ds, statements))) {
        SessionRegistry r = f.registry;
        String warm = Ids.newId();
        r.create(warm);
        r.list(warm);
        r.touch(r.list(warm).get(0));
        r.revokeAllExcept(warm, r.create(warm).session().id());
        r.revokeAll(warm);
        r.authenticate(Ids.newId());
        String user = Ids.newId();
        IssuedSession first = null;
        for (int i = 0; i < 100; i++) {
          IssuedSession s = r.create(user);
          first = first == null ? s : first;
        }
        IssuedSession keep = first;
        r.authenticate(keep.token()); // fills a cache, if any
        Map<String, Supplier<Object>> ops = new LinkedHashMap<>();
        ops.put("authenticateHit", () -> r.authenticate(keep.token()));
        String prefix = keep.token().substring(0, keep.token().length() - Ids.LENGTH);
        ops.put("authenticateMiss", () -> r.authenticate(prefix + Ids.newId()));
        ops.put("list", () -> r.list(user));
        ops.put("touch", () -> r.touch(keep.session()));
        ops.put("create", () -> r.create(user));
        ops.put(
            "revokeAllExcept",
            () -> {
              r.revokeAllExcept(user, keep.session().id());
              return null;
            });
        ops.put(
            "revokeAll",
            () -> {
              r.revokeAll(user);
              return null;
            });
        for (Map.Entry<String, Supplier<Object>> op : ops.entrySet()) {
          int count;
          if (kind.name().startsWith("REDIS")) {
            Map<String, Long> before = redisCalls();
            op.getValue().get();
            Map<String, Long> after = redisCalls();
            long scripts = delta(before, after, "evalsha") + delta(before, after, "eval");
            long plain = 0;
            for (String c : after.keySet()) {
              plain += c.equals("info") ? 0 : delta(before, after, c);
            }
            count = (int) (scripts > 0 ? scripts + delta(before, after, "publish") : plain);
          } else {
            statements.set(0);
            op.getValue().get();
            count = statements.get();
          }
          trips.computeIfAbsent(op.getKey(), k -> new LinkedHashMap<>()).put(kind.name(), count);
        }
      }
    }
    return trips;
  }

  /** The servers' versions, for the report's header. */
  static String versions() {
    StringBuilder b = new StringBuilder("H2 " + org.h2.engine.Constants.VERSION);
    try (Jedis j = new Jedis(StoreKind.REDIS_HOST, StoreKind.REDIS_PORT)) {
      String info = j.info("server");
      b.append(", Redis ").append(info.replaceAll("(?s).*redis_version:([^\\r\\n]+).*", "$1"));
    } catch (RuntimeException e) {
      b.append(", Redis unknown");
    }
    try (var pool =
            org.sessionregistry.jdbc.JdbcSessionStore.newPool(
                StoreKind.POSTGRES_URL,
                StoreKind.POSTGRES_USER,
                StoreKind.POSTGRES_PASSWORD,
                1,
                Duration.ofSeconds(5));
        Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      b.append(", PostgreSQL ").append(rs.getString(1));
    } catch (Exception e) {
      b.append(", PostgreSQL unknown");
    }
    return b.toString();
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
    return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
  }

  private static Map<String, Long> redisCalls() {
    try (Jedis j = new Jedis(StoreKind.REDIS_HOST, StoreKind.REDIS_PORT)) {
      Map<String, Long> calls = new TreeMap<>();
      for (String line : j.info("commandstats").split("\r?\n")) {
        if (line.startsWith("cmdstat_")) {
          int calls0 = line.indexOf("calls=") + 6;
          calls.put(
              line.substring(8, line.indexOf(':')),
              Long.parseLong(line.substring(calls0, line.indexOf(',', calls0))));
        }
      }
      return calls;
    }
  }

  /** A data source that counts statements executed through it. */
  static DataSource counting(DataSource target, AtomicInteger executed) {
    return proxy(DataSource.class, target, executed);
  }

  private static <T> T proxy(Class<T> type, T target, AtomicInteger executed) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (p, method, args) -> {
              if (method.getName().startsWith("execute")
                  && Statement.class.isAssignableFrom(type)) {
                executed.incrementAndGet();
              }
              Object result;
              try {
                result = method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (result instanceof Connection c && type != Connection.class) {
                return proxy(Connection.class, c, executed);
              }
              if (result instanceof Statement s && type == Connection.class) {
                @SuppressWarnings("unchecked")
                Class<Statement> statementType = (Class<Statement>) method.getReturnType();
                return proxy(statementType, s, executed);
              }
              return result;
            }));
  }
}
