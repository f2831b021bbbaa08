#!/usr/bin/env bash
# Load test of tdx4j serve on loopback, in one command with a bounded time: the server pinned to core 0 and the
# load generator (io.github.tdx4j.bench.ServerLoad, JDK HttpClient) to core 1 when taskset exists and there are two
# cores or more. Prints JSON lines:
#   machine            cores and load average before and after (numbers from a loaded machine say little)
#   warm /verify       distinct quotes of one simulated platform (collateral and PCK chain cached), with EAR tokens
#   warm /verify?token=false   the same without the token (no ES256 signature per request)
#   cpu ...            the server's CPU time per request in each warm phase (from /proc/PID/stat): unlike the
#                      throughput it hardly depends on what else runs, and 1e6 / serverCpuMicrosPerRequest is what
#                      one core of this machine can serve a second
#   wrk pinned ...     with wrk installed (Debian package wrk) and taskset: wrk on core 1 against the same pinned
#                      server, saturated and paced /verify
#   wrk saturated ..., wrk paced ..., wrk rate 5000 ...   with wrk installed, a fresh server on both cores and wrk
#                      (wrk-verify.lua, the same distinct quotes): 16 connections without a pause; 16 each
#                      pausing 2 ms after an answer (about 5,000 requests a second offered, below saturation); and
#                      16 sending on a fixed schedule of 5,000 requests a second (RATE in wrk-verify.lua), for
#                      /verify and /verify?token=false, with both sides' CPU time per request
#   wrk rate 5000 /healthz   the same fixed schedule of GET /healthz: the HTTP exchange without a verification
#   cold               a fresh in-process server's first verification (an unseen platform), 5 runs
#   verify --repeat    the same kind of quote verified in-process without HTTP (median, p90)
# Usage: tdx4j-bench/serve-load.sh [SECONDS [CONCURRENCY]]     (default 10 s per phase, 16 clients)
# Takes at most 20 x SECONDS plus JVM start-ups and the cold runs (about 3 minutes on a quiet machine at the default);
# every phase has a time limit. One run at a time: while another serve-load.sh or serve-ab.sh runs, it exits 1 with one
# sentence (scripts/bench-lock.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
secs=${1:-10}
conc=${2:-16}
case ${1:-} in -h|--help) sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
if [ $# -gt 2 ] || ! [[ $secs =~ ^[1-9][0-9]{0,4}$ && $conc =~ ^[1-9][0-9]{0,3}$ ]]; then
  echo "serve-load.sh: SECONDS and CONCURRENCY are whole numbers of 1 or more (usage: tdx4j-bench/serve-load.sh [SECONDS [CONCURRENCY]])" >&2
  exit 1
fi
# shellcheck source=../scripts/bench-lock.sh
. "$root/scripts/bench-lock.sh"
tdx4j_bench_lock serve-load.sh || exit 1
port=${PORT:-18181}
limit=$((4 * secs + 120))                                 # per phase, seconds
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
tdx4j_find_jdk || exit
"$root/tdx4j" --version >/dev/null                       # builds the CLI jar if needed
bench="$root/tdx4j-bench/target/benchmarks.jar"
[ -f "$bench" ] || (cd "$root" && ./tdx4j-build -q -pl tdx4j-bench -am package -DskipTests)
cores=$(nproc)
pin() { if command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }
machine() { echo "{\"mode\":\"machine\",\"when\":\"$1\",\"cores\":$cores,\"loadAverage\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"; }
machine before

if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "port $port already answers /healthz: another server is running there; set PORT" >&2
  exit 1
fi
tmp=$(mktemp -d)
# The server runs through the launcher, as the README starts it (with its JVM options for serve: two carrier threads
# of virtual threads per core it may use); taskset execs the launcher, which execs java, so $! is the server's JVM.
serve=("$root/tdx4j" serve --simulated --port "$port")
if command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then serve=(taskset -c 0 "${serve[@]}"); fi
"${serve[@]}" >"$tmp/access.log" 2>&1 &
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
gen=(timeout "$limit" java -cp "$bench" io.github.tdx4j.bench.ServerLoad)
# One wrk run (wrk-verify.lua over $tmp/quotes; for /healthz, GET requests) against the server $server, prefixed by
# the command array wrkpin (a taskset or nothing). Arguments: PATH CONNECTIONS DELAY_MS SECONDS LABEL [RATE]. Prints
# wrk's JSON line with both sides' CPU time per request (the server's from /proc/PID/stat; wrk's as this shell's
# children's time).
wrkpin=()
wrkrun() {
  local t0 s0 line requests get=0
  [ "$1" = /healthz ] && get=1
  s0=$(awk '{print $14 + $15}' "/proc/$server/stat")
  t0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  line=$(GET=$get QUOTES_DIR="$tmp/quotes" QUOTES=2000 DELAY_MS="$3" RATE="${6:-0}" WRK_PATH="$5 $1" timeout "$limit" \
      "${wrkpin[@]}" wrk -t1 -c"$2" -d"$4"s -s "$here/wrk-verify.lua" "http://127.0.0.1:$port$1" | tail -1)
  requests=$(echo "$line" | sed 's/.*"requests":\([0-9]*\).*/\1/')
  local sc=$(( ($(awk '{print $14 + $15}' "/proc/$server/stat") - s0) * 10000 ))
  local gc=$(( ($(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat) - t0) * 10000 ))
  echo "${line%\}},\"connections\":$2,\"delayMs\":$3,\"serverCpuMicrosPerRequest\":$(( sc / (requests > 0 ? requests : 1) )),\"generatorCpuMicrosPerRequest\":$(( gc / (requests > 0 ? requests : 1) ))}"
}

echo "warm: $conc clients, warm-up (20,000 requests or $((3 * secs)) s) + $secs s measured, 2000 distinct quotes" >&2
pin 1 "${gen[@]}" warm "http://127.0.0.1:$port" "$secs" "$conc" 2000 /verify "$server"
echo "warm, no token: warm-up + $secs s measured" >&2
pin 1 "${gen[@]}" warm "http://127.0.0.1:$port" "$secs" "$conc" 2000 "/verify?token=false" "$server"
if command -v wrk >/dev/null && command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then
  echo "wrk on core 1, the same server on core 0: saturated and paced /verify, $secs s each" >&2
  "${gen[@]}" quotes "$tmp/quotes" 2000
  wrkpin=(taskset -c 1)
  wrkrun /verify 16 0 "$secs" "pinned saturated"
  wrkrun /verify 16 2 "$secs" "pinned paced"
  wrkpin=()
fi
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true

# wrk (Debian package wrk), when installed: a load generator in C that needs a tenth of the CPU per request of the
# JDK HttpClient, so that on two cores the server can have both. A fresh server, not pinned; wrk not pinned either.
# Per path: saturated (16 connections, no pause: the most the server serves) and paced (16 connections, each waiting
# 2 ms after an answer: about 5,000 requests a second offered, below saturation, so p99 is the server's latency at
# that rate rather than the queue of a saturated closed loop). wrk measures each request from its send.
if command -v wrk >/dev/null; then
  [ -d "$tmp/quotes" ] || "${gen[@]}" quotes "$tmp/quotes" 2000
  "$root/tdx4j" serve --simulated --port "$port" >"$tmp/access2.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  echo "wrk: warm-up 3 x $secs s, then saturated and paced runs of $secs s per path (server on both cores)" >&2
  wrkrun /verify 16 0 $((3 * secs)) warm-up >/dev/null
  for path in /verify "/verify?token=false"; do
    wrkrun "$path" 16 0 "$secs" saturated
    wrkrun "$path" 16 2 "$secs" paced
    wrkrun "$path" 16 0 "$secs" "rate 5000" 5000
  done
  # The HTTP exchange alone at the same schedule: GET /healthz, no quote and no verification. Its latency and CPU
  # are what the server's HTTP handling, the access log and the thread hand-offs cost on this machine.
  wrkrun /healthz 16 0 "$secs" "rate 5000" 5000
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
else
  echo '{"mode":"wrk","skipped":"wrk is not installed (Debian package wrk); only the JDK HttpClient runs above"}'
fi

echo "cold: 5 fresh in-process servers, first verification each" >&2
pin 1 "${gen[@]}" cold 5
echo "tdx4j verify --repeat 2000 of one simulated quote (no HTTP)" >&2
"$root/tdx4j" quote --simulated --out "$tmp/q.dat" --collateral-out "$tmp/c.json" --root-out "$tmp/root.pem" >/dev/null
pin 1 timeout "$limit" "$root/tdx4j" verify "$tmp/q.dat" --collateral "$tmp/c.json" --root "$tmp/root.pem" \
    --repeat 2000 --json | grep -o '"timing":{[^}]*}' | sed 's/^/{"mode":"verify --repeat",/; s/$/}/'
machine after
