package org.mtasts.benchmarks;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a JMH JSON result file ({@code -rf json}) into the ratio table of the README's "Performance"
 * section: for each benchmark marked {@link Floor}, its ops/s and error, its allocation per
 * operation ({@code -prof gc}), the same for its baseline, the ratio and whether the target is met.
 *
 * <pre>{@code
 * java -cp mtasts-benchmarks/target/benchmarks.jar org.mtasts.benchmarks.RatioTable target/jmh-result.json
 * }</pre>
 *
 * <p>With {@code --check} the exit status is 1 if a target is missed.
 *
 * <p>Immutable and thread-safe.
 */
public final class RatioTable {

    /** An allocation below this many bytes per operation counts as none (JMH's own noise). */
    static final double ZERO_ALLOCATION_BYTES = 1.0;

    private RatioTable() {}

    /**
     * Prints the table for a JMH JSON result file.
     *
     * @param args {@code [--check] RESULT.json}
     * @throws Exception if the file cannot be read
     */
    public static void main(String[] args) throws Exception {
        boolean check = false;
        Path file = null;
        for (String a : args) {
            if (a.equals("--check")) {
                check = true;
            } else {
                file = Path.of(a);
            }
        }
        if (file == null) {
            System.err.println("usage: RatioTable [--check] JMH-RESULT.json");
            System.exit(64);
            return;
        }
        JsonNode results = JsonMapper.builder().build().readTree(Files.readString(file, StandardCharsets.UTF_8));
        boolean allMet = print(results, System.out);
        if (check && !allMet) {
            System.exit(1);
        }
    }

    /** One JMH result: a benchmark method with its scores. */
    record Result(String benchmark, int threads, double score, double error, String unit, double bytesPerOp,
            double bytesError) {}

    /** Prints the ratio table and the settings table; returns whether every target was met. */
    static boolean print(JsonNode results, PrintStream out) {
        Map<String, Result> byName = new LinkedHashMap<>();
        Set<String> settings = new LinkedHashSet<>();
        for (JsonNode r : results) {
            String name = r.path("benchmark").asString();
            JsonNode primary = r.path("primaryMetric");
            JsonNode gc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
            if (gc.isMissingNode()) {
                gc = r.path("secondaryMetrics").path("\u00b7gc.alloc.rate.norm");
            }
            byName.put(name, new Result(name, r.path("threads").asInt(), primary.path("score").asDouble(),
                    primary.path("scoreError").asDouble(Double.NaN), primary.path("scoreUnit").asString(),
                    gc.isMissingNode() ? Double.NaN : gc.path("score").asDouble(),
                    gc.isMissingNode() ? Double.NaN : gc.path("scoreError").asDouble(Double.NaN)));
            String jvmArgs = String.join(" ", strings(r.path("jvmArgs")));
            settings.add(simpleClass(name) + ": forks " + r.path("forks").asInt() + ", warm-up "
                    + r.path("warmupIterations").asInt() + " x " + r.path("warmupTime").asString() + ", measurement "
                    + r.path("measurementIterations").asInt() + " x " + r.path("measurementTime").asString()
                    + (jvmArgs.contains("-Xmx") ? ", " + heapArgs(jvmArgs) : ""));
        }
        out.println("| benchmark | threads | ops/s | B/op | baseline | baseline ops/s | baseline B/op | ratio "
                + "(range) | target | met |");
        out.println("|---|---:|---:|---:|---|---:|---:|---:|---|---|");
        boolean allMet = true;
        List<String> missing = new ArrayList<>();
        List<Result> rows = new ArrayList<>();
        for (Result r : byName.values()) {
            if (floorOf(r.benchmark()) != null) {
                rows.add(r);
            }
        }
        // The order: by class as listed in ORDER, targets before information.
        rows.sort(Comparator.comparingInt((Result r) -> ORDER.indexOf(simpleClass(r.benchmark())))
                .thenComparing(r -> Objects.requireNonNull(floorOf(r.benchmark())).informational()));
        for (Result r : rows) {
            Floor floor = Objects.requireNonNull(floorOf(r.benchmark()));
            String baselineName = r.benchmark().substring(0, r.benchmark().lastIndexOf('.') + 1) + floor.baseline();
            Result b = byName.get(baselineName);
            if (b == null) {
                missing.add(r.benchmark() + " (baseline " + floor.baseline() + " not in the results)");
                allMet = false;
                continue;
            }
            double ratio = r.score() / b.score();
            double low = (r.score() - r.error()) / (b.score() + b.error());
            double high = (r.score() + r.error()) / Math.max(b.score() - b.error(), Double.MIN_VALUE);
            String range = Double.isNaN(low) || Double.isNaN(high) ? ""
                    : low <= 0 || b.score() - b.error() <= 0 ? " (error ≥ score)"
                    : " (" + fmt(low) + "–" + fmt(high) + ")";
            boolean speed = ratio >= floor.target();
            boolean allocUnknown = floor.zeroAllocation() && Double.isNaN(r.bytesPerOp());
            boolean alloc = !floor.zeroAllocation() || r.bytesPerOp() < ZERO_ALLOCATION_BYTES;
            boolean met = speed && alloc;
            allMet &= met || floor.informational();
            String target = (floor.informational() ? "(info) " : "") + "≥ " + fmt(floor.target()) + "x"
                    + (floor.zeroAllocation() ? ", 0 B/op" : "");
            String verdict = allocUnknown ? "? (B/op needs -prof gc)"
                    : floor.informational() ? (met ? "(yes)" : "(no)")
                    : met ? "yes" : "**no**" + (speed ? "" : " (speed)") + (alloc ? "" : " (allocation)");
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %sx%s | %s | %s |%n",
                    floor.row(), r.threads(), withError(r), bytes(r.bytesPerOp()),
                    floor.baseline(), withError(b), bytes(b.bytesPerOp()), fmt(ratio), range, target, verdict);
        }
        out.println();
        out.println("Settings (ops/s and B/op are JMH's score ± 99.9% error over the measurement iterations;"
                + " B/op is gc.alloc.rate.norm from -prof gc):");
        out.println();
        for (String s : settings) {
            out.println("- " + s);
        }
        for (String m : missing) {
            out.println("- MISSING: " + m);
        }
        return allMet;
    }

    /** The benchmark classes in the order of the table. */
    private static final List<String> ORDER = List.of("PolicyParseBenchmark", "RecordParseBenchmark",
            "MxMatchBenchmark", "ResolveBenchmark", "ReportReadBenchmark", "ReportWriteBenchmark",
            "AggregatorBenchmark", "StreamingReadBenchmark");

    private static String withError(Result r) {
        return Double.isNaN(r.error()) ? ops(r.score()) : ops(r.score()) + " ± " + ops(r.error());
    }

    private static @Nullable Floor floorOf(String benchmark) {
        int dot = benchmark.lastIndexOf('.');
        try {
            Class<?> type = Class.forName(benchmark.substring(0, dot));
            for (Method m : type.getMethods()) {
                if (m.getName().equals(benchmark.substring(dot + 1)) && m.isAnnotationPresent(Floor.class)) {
                    return m.getAnnotation(Floor.class);
                }
            }
            return null;
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asString());
        }
        return out;
    }

    private static String heapArgs(String jvmArgs) {
        StringBuilder s = new StringBuilder();
        for (String a : jvmArgs.split(" ")) {
            if (a.startsWith("-Xmx")) {
                s.append(s.length() == 0 ? "" : " ").append(a);
            }
        }
        return s.toString();
    }

    private static String simpleClass(String benchmark) {
        String type = benchmark.substring(0, benchmark.lastIndexOf('.'));
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /** ops/s with three significant digits and thousands separators. */
    static String ops(double v) {
        if (Double.isNaN(v)) {
            return "?";
        }
        if (v >= 1000) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(v)) - 2);
            return String.format(Locale.ROOT, "%,.0f", Math.round(v / magnitude) * magnitude);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String bytes(double v) {
        if (Double.isNaN(v)) {
            return "?";
        }
        if (v < ZERO_ALLOCATION_BYTES) {
            return v < 0.005 ? "0" : String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 10 ? "%.0f" : v >= 1 ? "%.2f" : "%.3f", v);
    }
}
