#!/usr/bin/env bash
# Load test of tdx4j serve's POST /verify on loopback, server and load generator pinned to separate cores when
# taskset exists: warm throughput and p50/p99 with distinct simulated quotes, cold first-verification latency, a
# memory check (server RSS before and after REQUESTS verifications), and tdx4j verify --repeat of one of the same
# quotes for comparison. Keep runs short on a shared machine.
# Usage: tdx4j-bench/serve-load.sh [SECONDS [CONCURRENCY [REQUESTS]]]     (default 10 s, 16 clients, 50000)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
secs=${1:-10}
conc=${2:-16}
requests=${3:-50000}
port=${PORT:-18181}
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
tdx4j_find_jdk || exit 2
"$root/tdx4j" --version >/dev/null                       # builds the CLI jar if needed
bench="$root/tdx4j-bench/target/benchmarks.jar"
[ -f "$bench" ] || (cd "$root" && ./tdx4j-build -q -pl tdx4j-bench -am package -DskipTests)
pin() { if command -v taskset >/dev/null; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

tmp=$(mktemp -d)
serve=(java -jar "$root/tdx4j-cli/target/tdx4j.jar" serve --simulated --port "$port")
if command -v taskset >/dev/null; then serve=(taskset -c 0 "${serve[@]}"); fi   # taskset execs java: $! is java
"${serve[@]}" >"$tmp/access.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }

echo "warm: $conc clients, $secs s warm-up + $secs s measured, 2000 distinct quotes" >&2
pin 1 java -cp "$bench" io.github.tdx4j.bench.ServerLoad warm "http://127.0.0.1:$port" "$secs" "$conc" 2000
rss_before=$(rss)
echo "memory: $requests verifications" >&2
pin 1 java -cp "$bench" io.github.tdx4j.bench.ServerLoad count "http://127.0.0.1:$port" "$requests" "$conc"
rss_after=$(rss)
echo "{\"mode\":\"memory\",\"requests\":$requests,\"rssBeforeKiB\":$rss_before,\"rssAfterKiB\":$rss_after}"
echo "cold: 10 fresh in-process servers, first verification each" >&2
java -cp "$bench" io.github.tdx4j.bench.ServerLoad cold 10
echo "tdx4j verify --repeat 2000 of one simulated quote (no HTTP)" >&2
"$root/tdx4j" quote --simulated --out "$tmp/q.dat" --collateral-out "$tmp/c.json" --root-out "$tmp/root.pem" >/dev/null
"$root/tdx4j" verify "$tmp/q.dat" --collateral "$tmp/c.json" --root "$tmp/root.pem" --repeat 2000 --json \
  | grep -o '"timing":{[^}]*}' | sed 's/^/{"mode":"verify --repeat",/; s/$/}/'
