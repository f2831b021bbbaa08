#!/usr/bin/env bash
# RA-TLS handshake cost, one command: plain TLS 1.3 vs RA-TLS with the cached certificate vs RA-TLS challenge mode
# (plus a new certificate per handshake, and the server's and client's attestation work alone), full handshakes on
# 127.0.0.1 in one JVM (RatlsHandshakeBenchmark, JMH). Bounded: about 80 s of measurement plus one JVM start and,
# the first time, the build. Prints the load average before and after: numbers from a loaded machine are not
# comparable with a quiet one.
# Usage: tdx4j-bench/ratls-handshakes.sh [--rebuild]   (the jar is rebuilt by itself when a source is newer)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
tdx4j_find_jdk || exit 2
bench="$root/tdx4j-bench/target/benchmarks.jar"
if [ "${1:-}" = "--rebuild" ] || [ ! -f "$bench" ] \
    || [ -n "$(find "$root"/tdx4j-*/src/main -newer "$bench" -print -quit)" ]; then
  (cd "$root" && ./tdx4j-build -q -pl tdx4j-bench -am package -DskipTests)
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
java -jar "$bench" 'RatlsHandshakeBenchmark' -rf csv -rff "$out"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo
echo "benchmark                       ms/op     handshakes/s (1000 / ms per handshake)"
# JMH CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
tail -n +2 "$out" | tr -d '"' | awk -F, '{
  name = $1; sub(/.*\./, "", name);
  rate = (name ~ /^(plainTls|ratlsCached|ratlsChallenge|ratlsVerifyEach)$/) ? sprintf("%.0f", 1000 / $5) : "-";
  printf "%-28s %9.2f   %s\n", name, $5, rate }'
