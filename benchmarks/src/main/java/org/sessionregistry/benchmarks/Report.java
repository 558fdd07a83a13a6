package org.sessionregistry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a JMH JSON result file into the markdown table of BENCHMARKS.md: each operation beside its floor, as a ratio,
 * with the round trips it costs (from {@link RoundTrips}) and the environment of the run.
 *
 * <p>{@code java -cp benchmarks.jar org.sessionregistry.benchmarks.Report results-1.json results-2.json > table.md}
 */
public final class Report {
  private Report() {}

  public static void main(String[] args) throws Exception {
    List<JsonNode> results = new ArrayList<>();
    for (String file : args) {
      new ObjectMapper().readTree(Files.readAllBytes(Path.of(file))).forEach(results::add);
    }
    Map<String, Double> score = new LinkedHashMap<>();
    Map<String, Double> error = new LinkedHashMap<>();
    for (JsonNode r : results) {
      String name =
          r.get("benchmark").asText().replaceAll(".*\\.([A-Za-z0-9]+\\.[A-Za-z0-9]+)$", "$1");
      Map<String, String> params = new TreeMap<>();
      r.path("params")
          .fields()
          .forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      String key = name + params;
      score.put(key, r.get("primaryMetric").get("score").asDouble());
      error.put(key, r.get("primaryMetric").path("scoreError").asDouble(Double.NaN));
    }
    Map<String, Map<String, Integer>> trips = RoundTrips.measure();
    StringBuilder out = new StringBuilder();
    out.append("Run on ")
        .append(LocalDate.now())
        .append(", JDK ")
        .append(System.getProperty("java.version"))
        .append(" (")
        .append(System.getProperty("java.vm.name"))
        .append("), ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs; ")
        .append(RoundTrips.versions())
        .append(".\n\n");

    if (!keysOf(score, "PeersBenchmark.").isEmpty()
        || !keysOf(score, "RevokeInARowBenchmark.").isEmpty()) {
      out.append(peers(score, error));
    }
    if (keysOf(score, "RevokeBenchmark.").isEmpty()
        && keysOf(score, "OperationsBenchmark.").isEmpty()) {
      System.out.print(out);
      return;
    }
    double sha = get(score, "FloorBenchmark.sha256OfToken{}");
    double chmGet = get(score, "FloorBenchmark.concurrentHashMapGet{}");
    double chmRemove = get(score, "FloorBenchmark.concurrentHashMapRemove{}");
    double ping = get(score, "FloorBenchmark.redisPing{}");
    double del = get(score, "FloorBenchmark.redisDel{}");
    double h2Delete = get(score, "FloorBenchmark.h2DeleteOneRow{}");
    double pgDelete = get(score, "FloorBenchmark.postgresqlDeleteOneRow{}");
    out.append("**Floors** (µs): SHA-256 of a token ")
        .append(f(sha))
        .append(", `ConcurrentHashMap` get ")
        .append(f(chmGet))
        .append(" and remove ")
        .append(f(chmRemove))
        .append(", Redis `PING` ")
        .append(f(ping))
        .append(" and `DEL` ")
        .append(f(del))
        .append(", one-row `DELETE` on H2 ")
        .append(f(h2Delete))
        .append(" and PostgreSQL ")
        .append(f(pgDelete))
        .append(".\n\n");

    out.append(
        "| operation | store | N | µs/op | ± | floor (µs) | ratio | target | round trips |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (String op : List.of("revokeAll", "revokeAllExcept")) {
      for (String key : keysOf(score, "RevokeBenchmark." + op + "{")) {
        Map<String, String> p = params(key);
        StoreKind store = StoreKind.valueOf(p.get("store"));
        int n = Integer.parseInt(p.get("sessions"));
        // Remote stores: the floor measured after the same set-up, where the run has it
        // (RevokeBenchmark.floorAfterSetup).
        double afterSetup =
            score.getOrDefault(
                key.replace("RevokeBenchmark." + op + "{", "RevokeBenchmark.floorAfterSetup{"),
                Double.NaN);
        // The target is judged against the back-to-back floor; the one after the same set-up is
        // shown beside it.
        boolean sameSetup = !store.name().startsWith("IN_MEMORY") && !Double.isNaN(afterSetup);
        double floor =
            switch (store) {
              case IN_MEMORY, IN_MEMORY_CACHED -> n * chmRemove;
              case H2, H2_CACHED -> h2Delete;
              case POSTGRESQL, POSTGRESQL_CACHED -> pgDelete;
              case MARIADB, MARIADB_CACHED -> Double.NaN; // no MariaDB floor in the runs yet
              default -> ping;
            };
        String floorName =
            switch (store) {
                  case IN_MEMORY, IN_MEMORY_CACHED -> n + " × remove";
                  case REDIS, REDIS_CACHED -> "PING";
                  default -> "1-row DELETE";
                }
                + (sameSetup
                    ? String.format(
                        Locale.ROOT,
                        "; after the same set-up %s, %.1f×",
                        f(afterSetup),
                        score.get(key) / afterSetup)
                    : "");
        double target = store.name().startsWith("IN_MEMORY") ? 3 : 2;
        out.append(
            row(
                op + (p.get("others").equals("1000") ? "" : " (" + p.get("others") + " others)"),
                store,
                String.valueOf(n),
                score.get(key),
                error.get(key),
                floor,
                floorName,
                target,
                trips.getOrDefault(op, Map.of()).get(store.name())));
      }
    }
    for (String key : keysOf(score, "OperationsBenchmark.")) {
      Map<String, String> p = params(key);
      String op = key.substring("OperationsBenchmark.".length(), key.indexOf('{'));
      if (!op.equals("list") && !p.get("sessions").equals("1")) {
        continue; // the user's session count matters to list only
      }
      StoreKind store = StoreKind.valueOf(p.get("store"));
      double floor = Double.NaN;
      String floorName = "";
      double target = Double.NaN;
      if (op.startsWith("authenticate") && store == StoreKind.IN_MEMORY) {
        floor = sha + chmGet;
        floorName = "SHA-256 + get";
        target = 2;
      } else if (op.equals("authenticateHit")
          && store.cached()
          && store != StoreKind.IN_MEMORY_CACHED) {
        floor =
            score.getOrDefault(
                "OperationsBenchmark.authenticateHit{sessions=1, store=IN_MEMORY}", Double.NaN);
        floorName = "in-memory hit";
        target = 2;
      }
      out.append(
          row(
              op,
              store,
              op.equals("list") ? p.get("sessions") : "",
              score.get(key),
              error.get(key),
              floor,
              floorName,
              target,
              trips.getOrDefault(op, Map.of()).get(store.name())));
    }
    out.append(
        "\n| mixed workload, 4 threads (90% authenticate, 9% create, 1% revoke-all) | ops/s |\n|---|---:|\n");
    for (String key : keysOf(score, "MixedWorkloadBenchmark.mixed{")) {
      out.append("| ")
          .append(params(key).get("store"))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%,.0f", score.get(key)))
          .append(" |\n");
    }
    System.out.print(out);
  }

  /**
   * Us beside Spring Session (PeersBenchmark), one row per operation and store: ours on the store's own pool and on
   * the application's (the SQL stores), Spring's on the application's, Spring's ÷ ours (above 1: we are faster), and
   * ours against the floor where the targets name one. A value whose error is above 20% of it is
   * marked: indicative only.
   */
  private static String peers(Map<String, Double> score, Map<String, Double> error) {
    double sha = get(score, "FloorBenchmark.sha256OfToken{}");
    double chmGet = get(score, "FloorBenchmark.concurrentHashMapGet{}");
    Map<String, Double> floors = new TreeMap<>();
    floors.put(
        "lookup IN_MEMORY", score.getOrDefault("FloorBenchmark.lookupFloor{}", sha + chmGet));
    floors.put("create IN_MEMORY", get(score, "FloorBenchmark.createFloor{}"));
    floors.put("lookup H2", get(score, "JdbcPathBenchmark.plainLookup{}"));
    floors.put("create H2", get(score, "JdbcPathBenchmark.plainInsert{}"));
    Map<String, String> floorNames =
        Map.of(
            "lookup IN_MEMORY", "SHA-256 + map get, over 5,000 tokens",
            "create IN_MEMORY", "random token + SHA-256 + map put",
            "lookup H2", "its SELECT, plain JDBC",
            "create H2", "its INSERT, plain JDBC");
    StringBuilder out = new StringBuilder();
    out.append(
        "| operation | store | ours, own pool (µs) | ours, application's pool (µs) | Spring Session,"
            + " application's pool (µs) | Spring ÷ ours, own | Spring ÷ ours, application's | floor (µs) | ours ÷ floor |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    List<String> impls = List.of("ours", "ours_app_pool", "spring");
    for (String op : List.of("revokeAll", "list", "lookup", "create")) {
      for (String store : List.of("IN_MEMORY", "H2", "POSTGRESQL", "MARIADB", "REDIS")) {
        // One row per number of sessions the run has for this operation (each implementation side
        // by side).
        Map<Integer, String[]> byN = new TreeMap<>();
        for (String key : keysOf(score, "PeersBenchmark." + op + "{")) {
          Map<String, String> p = params(key);
          if (p.get("store").equals(store)) {
            String[] row =
                byN.computeIfAbsent(Integer.parseInt(p.get("sessions")), n -> new String[3]);
            row[impls.indexOf(p.get("impl"))] = key;
          }
        }
        byN.forEach(
            (n, row) -> {
              if (row[0] == null || row[2] == null) {
                return;
              }
              String label = op.equals("revokeAll") || op.equals("list") ? op + ", N=" + n : op;
              double floor = floors.getOrDefault(op + " " + store, Double.NaN);
              double spring = score.get(row[2]);
              out.append("| ")
                  .append(label)
                  .append(" | ")
                  .append(store)
                  .append(" | ")
                  .append(withError(score.get(row[0]), error.get(row[0])))
                  .append(" | ")
                  .append(row[1] == null ? "" : withError(score.get(row[1]), error.get(row[1])))
                  .append(" | ")
                  .append(withError(spring, error.get(row[2])))
                  .append(" | ")
                  .append(String.format(Locale.ROOT, "**%.2f×**", spring / score.get(row[0])))
                  .append(" | ")
                  .append(
                      row[1] == null
                          ? ""
                          : String.format(Locale.ROOT, "**%.2f×**", spring / score.get(row[1])))
                  .append(" | ")
                  .append(
                      Double.isNaN(floor)
                          ? ""
                          : f(floor) + " (" + floorNames.get(op + " " + store) + ")")
                  .append(" | ")
                  .append(
                      Double.isNaN(floor)
                          ? ""
                          : String.format(Locale.ROOT, "%.1f×", score.get(row[0]) / floor))
                  .append(" |\n");
            });
      }
    }
    if (!keysOf(score, "JdbcPathBenchmark.").isEmpty()) {
      out.append(
          "\n| H2, one session | the store (µs) | the same SQL, plain JDBC, same pool (µs) | ratio |\n");
      out.append("|---|---:|---:|---:|\n");
      for (String[] pair :
          new String[][] {
            {"authenticate", "storeAuthenticate", "plainLookup"},
            {"create", "storeCreate", "plainInsert"},
            {"touch", "storeTouch", "plainTouch"}
          }) {
        String store = "JdbcPathBenchmark." + pair[1] + "{}";
        String plain = "JdbcPathBenchmark." + pair[2] + "{}";
        if (score.containsKey(store) && score.containsKey(plain)) {
          out.append("| ")
              .append(pair[0])
              .append(" | ")
              .append(withError(score.get(store), error.get(store)))
              .append(" | ")
              .append(withError(score.get(plain), error.get(plain)))
              .append(" | ")
              .append(String.format(Locale.ROOT, "%.1f×", score.get(store) / score.get(plain)))
              .append(" |\n");
        }
      }
    }
    if (!keysOf(score, "RevokeInARowBenchmark.").isEmpty()) {
      out.append(
          "\n| revokes in a row (µs each) | N | revoke-all | revoke-all-except | the store's round trip in a row"
              + " | revoke-all ÷ round trip |\n|---|---:|---:|---:|---:|---:|\n");
      for (String store : List.of("IN_MEMORY", "H2", "POSTGRESQL", "REDIS")) {
        for (String n : List.of("1", "100", "1000")) {
          String suffix = "{sessions=" + n + ", store=" + store + "}";
          String all = "RevokeInARowBenchmark.revokeAll" + suffix;
          String except = "RevokeInARowBenchmark.revokeAllExcept" + suffix;
          String floor = "RevokeInARowBenchmark.floorInARow" + suffix;
          if (!score.containsKey(all)) {
            continue;
          }
          out.append("| ")
              .append(store)
              .append(" | ")
              .append(n)
              .append(" | ")
              .append(withError(score.get(all), error.get(all)))
              .append(" | ")
              .append(
                  score.containsKey(except) ? withError(score.get(except), error.get(except)) : "")
              .append(" | ")
              .append(score.containsKey(floor) ? withError(score.get(floor), error.get(floor)) : "")
              .append(" | ")
              .append(
                  score.containsKey(floor) && !store.equals("IN_MEMORY")
                      ? String.format(Locale.ROOT, "%.1f×", score.get(all) / score.get(floor))
                      : "")
              .append(" |\n");
        }
      }
    }
    out.append(
        "\nValues marked † have an error (JMH's 99.9% interval) above 20% of the value: indicative only.\n\n");
    return out.toString();
  }

  private static String withError(double score, double error) {
    String text = f(score) + (Double.isNaN(error) ? "" : " ± " + f(error));
    return Double.isNaN(error) || error > 0.2 * score ? text + " †" : text;
  }

  private static String row(
      String op,
      StoreKind store,
      String n,
      double score,
      double error,
      double floor,
      String floorName,
      double target,
      Integer trips) {
    String ratio = Double.isNaN(floor) ? "" : String.format(Locale.ROOT, "%.1f×", score / floor);
    String verdict =
        Double.isNaN(target)
            ? ""
            : (score / floor <= target ? "≤ " : "**> ")
                + (int) target
                + "×"
                + (score / floor <= target ? "" : "**");
    // † marks a value whose error is unknown or above 20% of it: indicative only.
    String indicative = Double.isNaN(error) || error > 0.2 * score ? " †" : "";
    return "| "
        + op
        + " | "
        + store
        + " | "
        + n
        + " | "
        + f(score)
        + indicative
        + " | "
        + f(error)
        + " | "
        + (Double.isNaN(floor) ? "" : f(floor) + " (" + floorName + ")")
        + " | "
        + ratio
        + " | "
        + verdict
        + " | "
        + (trips == null ? "" : trips)
        + " |\n";
  }

  private static List<String> keysOf(Map<String, Double> score, String prefix) {
    List<String> keys = new ArrayList<>();
    for (String k : score.keySet()) {
      if (k.startsWith(prefix)) {
        keys.add(k);
      }
    }
    return keys;
  }

  private static Map<String, String> params(String key) {
    Map<String, String> p = new TreeMap<>();
    String inner = key.substring(key.indexOf('{') + 1, key.length() - 1);
    for (String kv : inner.split(", ")) {
      if (kv.contains("=")) {
        p.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    return p;
  }

  private static double get(Map<String, Double> score, String key) {
    return score.getOrDefault(key, Double.NaN);
  }

  private static String f(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    return v >= 100
        ? String.format(Locale.ROOT, "%,.0f", v)
        : v >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
  }
}
