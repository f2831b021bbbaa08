package io.github.tdx4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table of {@code tdx4j-bench/compare.sh}: reads the lines the script collected ({@code KIND<TAB>ROUND<TAB>JSON},
 * or {@code skip<TAB>0<TAB>REASON}) and prints, per row, the median over the rounds and the range, what each row
 * keeps between calls, and the goals of issue 15 as ratios computed per round (so that both sides of a ratio come
 * from the same round's load).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.github.tdx4j.bench.CompareReport RESULTS.tsv}
 */
public final class CompareReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CompareReport() {
    }

    /** A row of the table: its key in the results, its label, and what it keeps between calls. */
    private record Row(String key, String label, String cached, String unit) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("uncached", "tdx4j verify --no-cache --repeat", "nothing", "µs"),
            new Row("uncachedApi", "QuoteVerifier caching(false), in-process", "nothing", "µs"),
            new Row("cached", "tdx4j verify --repeat (same quote)", "collateral, PCK chain, QE report", "µs"),
            new Row("qvl", "Intel QVL (qvl-driver REPEAT)", "nothing", "µs"),
            new Row("dcap-js", "@phala/dcap-qvl (pure JS, node)", "nothing", "µs"),
            new Row("dcap-wasm", "@phala/dcap-qvl-web (Rust to wasm, node)", "nothing", "µs"),
            new Row("floor", "work floor: 15 BC P-256 verifies", "nothing (5 keys decoded per call)", "µs"),
            new Row("floorWarmKeys", "15 BC P-256 verifies, keys kept", "the 5 decoded keys", "µs"),
            new Row("warmFresh", "tdx4j warm, fresh quotes (1024 distinct)", "platform checks", "µs"),
            new Row("oneVerify", "one BC P-256 verify", "the decoded key", "µs"),
            new Row("throughput1", "warm fresh, 1 thread", "platform checks", "/s"),
            new Row("throughput2", "warm fresh, 2 threads (both cores)", "platform checks", "/s"));

    public static void main(String[] args) throws Exception {
        Map<String, TreeMap<Integer, Double>> values = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 3);
            if (f.length < 3) {
                continue;
            }
            if (f[0].equals("skip")) {
                skipped.add(f[2]);
                continue;
            }
            int round = Integer.parseInt(f[1]);
            JsonNode j = JSON.readTree(f[2]);
            switch (f[0]) {
                case "uncached", "cached" -> {
                    put(values, f[0], round, j.path("timing").path("medianMicros").asDouble());
                    verdicts.put(f[0], j.path("status").asText(j.path("error").asText()));
                }
                case "qvl" -> {
                    put(values, "qvl", round, j.path("medianMicros").asDouble());
                    verdicts.put("qvl", j.path("status").asText(j.path("error").asText()));
                }
                case "dcap" -> {
                    String key = j.path("impl").asText().contains("wasm") ? "dcap-wasm" : "dcap-js";
                    put(values, key, round, j.path("medianMicros").asDouble());
                    verdicts.put(key, j.path("status").asText(j.path("error").asText()));
                }
                case "floor" -> {
                    String row = j.path("row").asText();
                    put(values, row, round, j.has("micros") ? j.path("micros").asDouble()
                            : j.path("perSecond").asDouble());
                }
                default -> throw new IllegalArgumentException("unknown result kind " + f[0]);
            }
        }

        System.out.printf("%-42s %-34s %10s %21s %s%n", "row", "kept between calls", "median", "range", "verdict");
        for (Row r : ROWS) {
            TreeMap<Integer, Double> v = values.get(r.key());
            if (v == null || v.isEmpty()) {
                continue;
            }
            double[] xs = v.values().stream().mapToDouble(Double::doubleValue).toArray();
            System.out.printf(Locale.ROOT, "%-42s %-34s %7s %-2s %21s %s%n", r.label(), r.cached(),
                    fmt(median(xs)), r.unit(), "[" + fmt(min(xs)) + " .. " + fmt(max(xs)) + "]",
                    verdicts.getOrDefault(r.key(), ""));
        }
        System.out.println();
        System.out.println("Ratios per round (median [min .. max] over rounds):");
        ratio(values, "Intel QVL / tdx4j uncached", "qvl", "uncached", ">=", 20);
        ratio(values, "tdx4j uncached / work floor", "uncachedApi", "floor", "<=", 1.3);
        ratio(values, "tdx4j verify --no-cache / work floor", "uncached", "floor", "", 0);
        ratio(values, "tdx4j warm fresh / one BC verify", "warmFresh", "oneVerify", "<=", 1.5);
        ratio(values, "dcap-qvl JS / tdx4j uncached", "dcap-js", "uncached", "", 0);
        ratio(values, "dcap-qvl wasm / tdx4j uncached", "dcap-wasm", "uncached", "", 0);
        ratio(values, "tdx4j uncached / cached", "uncached", "cached", "", 0);
        ratio(values, "throughput 2 threads / 1 thread", "throughput2", "throughput1", "", 0);
        for (String s : skipped) {
            System.out.println("skipped: " + s);
        }
    }

    private static void put(Map<String, TreeMap<Integer, Double>> values, String key, int round, double v) {
        values.computeIfAbsent(key, k -> new TreeMap<>()).put(round, v);
    }

    private static void ratio(Map<String, TreeMap<Integer, Double>> values, String label, String a, String b,
                              String op, double goal) {
        TreeMap<Integer, Double> x = values.get(a);
        TreeMap<Integer, Double> y = values.get(b);
        if (x == null || y == null) {
            System.out.printf("  %-36s not measured (%s missing)%n", label, x == null ? a : b);
            return;
        }
        double[] rs = x.keySet().stream().filter(y::containsKey).mapToDouble(k -> x.get(k) / y.get(k)).toArray();
        if (rs.length == 0) {
            return;
        }
        String verdict = "";
        if (!op.isEmpty()) {
            double m = median(rs);
            boolean met = op.equals(">=") ? m >= goal : m <= goal;
            verdict = String.format(Locale.ROOT, "goal %s %s: %s", op, fmt(goal), met ? "met" : "MISSED");
        }
        System.out.printf(Locale.ROOT, "  %-36s %6.2fx [%.2f .. %.2f]   %s%n", label, median(rs), min(rs), max(rs),
                verdict);
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(Double.NaN);
    }

    private static double max(double[] xs) {
        return Arrays.stream(xs).max().orElse(Double.NaN);
    }
}
