package org.sessionregistry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares two JMH runs of the same benchmarks, A (a base commit) and B (the change), as {@code benchmarks/ab.sh}
 * makes them: a markdown row per benchmark and parameters with both scores, their 99.9% error intervals and B/A. A row
 * is "slower" only when B's interval lies wholly above A's (the criterion of an A/B: beyond both error intervals),
 * "faster" the other way round. Rows run in several rounds are averaged, their error the widest of the rounds'.
 *
 * <p>{@code java -cp benchmarks.jar org.sessionregistry.benchmarks.AbReport a-1.json,a-2.json b-1.json,b-2.json}
 *
 * <p>Exits 1 when a row is slower, so that a script can tell.
 */
public final class AbReport {
  private AbReport() {}

  /** A row's score and error (time per operation, lower is better). */
  private record Result(double score, double error, String unit) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println(
          "usage: AbReport <A result files, comma-separated> <B result files, comma-separated>");
      System.exit(2);
    }
    Map<String, Result> a = read(args[0]);
    Map<String, Result> b = read(args[1]);
    StringBuilder out = new StringBuilder("| benchmark | A | B | B/A | |\n|---|---|---|---|---|\n");
    int slower = 0;
    for (Map.Entry<String, Result> e : a.entrySet()) {
      Result ra = e.getValue();
      Result rb = b.get(e.getKey());
      if (rb == null) {
        continue;
      }
      String verdict = "";
      if (rb.score - rb.error > ra.score + ra.error) {
        verdict = "slower";
        slower++;
      } else if (rb.score + rb.error < ra.score - ra.error) {
        verdict = "faster";
      }
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f ± %.3f | %.3f ± %.3f %s | %.2f | %s |%n",
              e.getKey(),
              ra.score,
              ra.error,
              rb.score,
              rb.error,
              rb.unit,
              rb.score / ra.score,
              verdict));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%n%d of %d rows slower beyond both error intervals.%n",
            slower,
            a.keySet().stream().filter(b::containsKey).count()));
    System.out.print(out);
    System.exit(slower == 0 ? 0 : 1);
  }

  private static Map<String, Result> read(String files) throws Exception {
    Map<String, List<Result>> rounds = new LinkedHashMap<>();
    for (String file : files.split(",")) {
      for (JsonNode r : new ObjectMapper().readTree(Files.readAllBytes(Path.of(file)))) {
        String name =
            r.get("benchmark").asText().replaceAll(".*\\.([A-Za-z0-9]+\\.[A-Za-z0-9]+)$", "$1");
        Map<String, String> params = new TreeMap<>();
        r.path("params")
            .fields()
            .forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
        JsonNode metric = r.get("primaryMetric");
        double error = metric.path("scoreError").asDouble(Double.NaN);
        rounds
            .computeIfAbsent(name + (params.isEmpty() ? "" : " " + params), k -> new ArrayList<>())
            .add(
                new Result(
                    metric.get("score").asDouble(),
                    Double.isNaN(error) ? 0 : error,
                    metric.get("scoreUnit").asText()));
      }
    }
    Map<String, Result> averaged = new LinkedHashMap<>();
    rounds.forEach(
        (key, results) ->
            averaged.put(
                key,
                new Result(
                    results.stream().mapToDouble(Result::score).average().orElseThrow(),
                    results.stream().mapToDouble(Result::error).max().orElseThrow(),
                    results.get(0).unit())));
    return averaged;
  }
}
