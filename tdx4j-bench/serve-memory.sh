#!/usr/bin/env bash
# Memory of tdx4j serve over many requests: starts tdx4j serve --simulated (core 0) and sends REQUESTS requests of a
# mix (binary and JSON POST /verify with and without the token, PCCS routes; quotes from a pool of 10,000 distinct
# ones) from ServerLoad's memory mode (core 1), sampling the server's VmRSS and its live heap (what is left after
# the full GC of jcmd GC.class_histogram) SAMPLES times. Stops at MAX_SECONDS whatever the count reached; the last
# line says whether the run completed. The server's heap is capped (-Xmx256m) so that growth shows as GC work or
# an OutOfMemoryError rather than as a heap that is merely allowed to grow.
# Usage: tdx4j-bench/serve-memory.sh [REQUESTS [MAX_SECONDS [SAMPLES [CONCURRENCY]]]]   (default 1000000 3600 20 8)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
requests=${1:-1000000}
max=${2:-3600}
samples=${3:-20}
conc=${4:-8}
case ${1:-} in -h|--help) sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
if [ $# -gt 4 ] || ! [[ $requests =~ ^[1-9][0-9]{0,9}$ && $max =~ ^[1-9][0-9]{0,6}$ && $samples =~ ^[1-9][0-9]{0,4}$ && $conc =~ ^[1-9][0-9]{0,3}$ ]]; then
  echo "serve-memory.sh: REQUESTS, MAX_SECONDS, SAMPLES and CONCURRENCY are whole numbers of 1 or more (usage: tdx4j-bench/serve-memory.sh [REQUESTS [MAX_SECONDS [SAMPLES [CONCURRENCY]]]])" >&2
  exit 1
fi
port=${PORT:-18182}
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
tdx4j_find_jdk || exit
"$root/tdx4j" --version >/dev/null
bench="$root/tdx4j-bench/target/benchmarks.jar"
[ -f "$bench" ] || (cd "$root" && ./tdx4j-build -q -pl tdx4j-bench -am package -DskipTests)
cores=$(nproc)
pin() { if command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }
echo "{\"mode\":\"machine\",\"when\":\"before\",\"cores\":$cores,\"loadAverage\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "port $port already answers /healthz: another server is running there; set PORT" >&2
  exit 1
fi
tmp=$(mktemp -d)
serve=(java -Xmx256m -jar "$root/tdx4j-cli/target/tdx4j.jar" serve --simulated --port "$port")
if command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then serve=(taskset -c 0 "${serve[@]}"); fi
"${serve[@]}" >"$tmp/access.log" 2>&1 &                   # taskset execs java, so $! is the server's JVM
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
if ! kill -0 "$server" 2>/dev/null || ! curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "tdx4j serve did not start:" >&2
  cat "$tmp/access.log" >&2
  exit 3
fi
pin 1 timeout $((max + 300)) java -cp "$bench" io.github.tdx4j.bench.ServerLoad memory "http://127.0.0.1:$port" \
    "$requests" "$conc" "$samples" "$server" "$max"
echo "{\"mode\":\"access log\",\"requests\":$(grep -c '"status":' "$tmp/access.log" || true),\"notOk\":$(grep '"status":' "$tmp/access.log" | grep -vc '"status":200' || true)}"
echo "{\"mode\":\"machine\",\"when\":\"after\",\"cores\":$cores,\"loadAverage\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
