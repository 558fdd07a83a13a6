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
      String name = r.get("benchmark").asText().replaceAll(".*\\.([A-Za-z0-9]+\\.[A-Za-z0-9]+)$", "$1");
      Map<String, String> params = new TreeMap<>();
      r.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      String key = name + params;
      score.put(key, r.get("primaryMetric").get("score").asDouble());
      error.put(key, r.get("primaryMetric").path("scoreError").asDouble(Double.NaN));
    }
    Map<String, Map<String, Integer>> trips = RoundTrips.measure();
    StringBuilder out = new StringBuilder();
    out.append("Run on ").append(LocalDate.now()).append(", JDK ").append(System.getProperty("java.version"))
        .append(" (").append(System.getProperty("java.vm.name")).append("), ")
        .append(Runtime.getRuntime().availableProcessors()).append(" CPUs; ").append(RoundTrips.versions())
        .append(".\n\n");

    double sha = get(score, "FloorBenchmark.sha256OfToken{}");
    double chmGet = get(score, "FloorBenchmark.concurrentHashMapGet{}");
    double chmRemove = get(score, "FloorBenchmark.concurrentHashMapRemove{}");
    double ping = get(score, "FloorBenchmark.redisPing{}");
    double del = get(score, "FloorBenchmark.redisDel{}");
    double h2Delete = get(score, "FloorBenchmark.h2DeleteOneRow{}");
    double pgDelete = get(score, "FloorBenchmark.postgresqlDeleteOneRow{}");
    out.append("**Floors** (µs): SHA-256 of a token ").append(f(sha)).append(", `ConcurrentHashMap` get ")
        .append(f(chmGet)).append(" and remove ").append(f(chmRemove)).append(", Redis `PING` ").append(f(ping))
        .append(" and `DEL` ").append(f(del)).append(", one-row `DELETE` on H2 ").append(f(h2Delete))
        .append(" and PostgreSQL ").append(f(pgDelete)).append(".\n\n");

    out.append("| operation | store | N | µs/op | ± | floor (µs) | ratio | target | round trips |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (String op : List.of("revokeAll", "revokeAllExcept")) {
      for (String key : keysOf(score, "RevokeBenchmark." + op + "{")) {
        Map<String, String> p = params(key);
        StoreKind store = StoreKind.valueOf(p.get("store"));
        int n = Integer.parseInt(p.get("sessions"));
        // Remote stores: the floor measured after the same set-up, where the run has it (RevokeBenchmark.floorAfterSetup).
        double afterSetup = score.getOrDefault(key.replace("RevokeBenchmark." + op + "{",
            "RevokeBenchmark.floorAfterSetup{"), Double.NaN);
        // The target is judged against the back-to-back floor; the one after the same set-up is shown beside it.
        boolean sameSetup = !store.name().startsWith("IN_MEMORY") && !Double.isNaN(afterSetup);
        double floor = switch (store) {
          case IN_MEMORY, IN_MEMORY_CACHED -> n * chmRemove;
          case H2, H2_CACHED -> h2Delete;
          case POSTGRESQL, POSTGRESQL_CACHED -> pgDelete;
          default -> ping;
        };
        String floorName = switch (store) {
          case IN_MEMORY, IN_MEMORY_CACHED -> n + " × remove";
          case REDIS, REDIS_CACHED -> "PING";
          default -> "1-row DELETE";
        } + (sameSetup ? String.format(Locale.ROOT, "; after the same set-up %s, %.1f×", f(afterSetup),
            score.get(key) / afterSetup) : "");
        double target = store.name().startsWith("IN_MEMORY") ? 3 : 2;
        out.append(row(op + (p.get("others").equals("1000") ? "" : " (" + p.get("others") + " others)"),
            store, String.valueOf(n), score.get(key), error.get(key), floor, floorName, target,
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
      } else if (op.equals("authenticateHit") && store.cached() && store != StoreKind.IN_MEMORY_CACHED) {
        floor = score.getOrDefault("OperationsBenchmark.authenticateHit{sessions=1, store=IN_MEMORY}", Double.NaN);
        floorName = "in-memory hit";
        target = 2;
      }
      out.append(row(op, store, op.equals("list") ? p.get("sessions") : "", score.get(key), error.get(key), floor,
          floorName, target, trips.getOrDefault(op, Map.of()).get(store.name())));
    }
    out.append("\n| mixed workload, 4 threads (90% authenticate, 9% create, 1% revoke-all) | ops/s |\n|---|---:|\n");
    for (String key : keysOf(score, "MixedWorkloadBenchmark.mixed{")) {
      out.append("| ").append(params(key).get("store")).append(" | ")
          .append(String.format(Locale.ROOT, "%,.0f", score.get(key))).append(" |\n");
    }
    System.out.print(out);
  }

  private static String row(String op, StoreKind store, String n, double score, double error, double floor,
      String floorName, double target, Integer trips) {
    String ratio = Double.isNaN(floor) ? "" : String.format(Locale.ROOT, "%.1f×", score / floor);
    String verdict = Double.isNaN(target) ? "" : (score / floor <= target ? "≤ " : "**> ") + (int) target + "×"
        + (score / floor <= target ? "" : "**");
    return "| " + op + " | " + store + " | " + n + " | " + f(score) + " | " + f(error) + " | "
        + (Double.isNaN(floor) ? "" : f(floor) + " (" + floorName + ")") + " | " + ratio + " | " + verdict + " | "
        + (trips == null ? "" : trips) + " |\n";
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
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : v >= 1 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }
}
