#!/usr/bin/env bash
# Runs every benchmark of mtasts-benchmarks with the GC profiler and prints the ratio table of the
# README's "Performance" section. Takes about 8 minutes on 2 cores.
#
#   mtasts-benchmarks/run.sh                 # build, run all, print the table
#   mtasts-benchmarks/run.sh Resolve         # only benchmarks matching a JMH regex
#
# Settings are the ones annotated on each class: 1 fork each; warm-up 3 x 1 s and measurement
# 5 x 1 s, except report read/write (warm-up 5 x 2 s) and the streaming read (2 x 5 s and 3 x 5 s in
# a -Xmx64m fork). Extra JMH options can follow the regex. It always rebuilds the jar first (quietly),
# so that the table is of the code in the work tree.
# Output: mtasts-benchmarks/target/jmh-result.json (JMH's JSON), jmh-output.txt and
# ratio-table.md.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=mtasts-benchmarks/target/benchmarks.jar
OUT=mtasts-benchmarks/target
./mvnw -B -q -pl mtasts-benchmarks -am package -DskipTests

echo "== load before the run: $(uptime)" >&2
java -jar "$JAR" "${@:-.*}" -prof gc -rf json -rff "$OUT/jmh-result.json" | tee "$OUT/jmh-output.txt"
echo "== load after the run: $(uptime)" >&2

java -cp "$JAR" org.mtasts.benchmarks.RatioTable "$OUT/jmh-result.json" | tee "$OUT/ratio-table.md"
