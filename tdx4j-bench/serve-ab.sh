#!/usr/bin/env bash
# Before-and-after comparison of two builds of tdx4j serve, fair on a shared machine: the two CLI jars take turns,
# round after round, so that a change in the machine's speed during the comparison falls on both. Per round and
# jar: a fresh `java -jar JAR serve --simulated`, 20 s of saturated wrk as warm-up (JIT), then three 10 s phases of
# POST /verify with the EAR token, the same as serve-load.sh's wrk phases: saturated (16 connections, no pause),
# paced (16 connections, each pausing 2 ms after an answer) and rate 5000 (a fixed schedule of 5,000 requests a
# second). Prints one JSON line per phase, with the jar's label (a or b), the round, wrk's figures and the server's
# CPU time per request (user and system, from /proc/PID/stat), then one line per jar and phase with the medians.
# Usage: tdx4j-bench/serve-ab.sh JAR_A JAR_B [ROUNDS]      (default 3 rounds; about 1 minute per round and jar)
#   A jar is a tdx4j CLI jar (tdx4j-cli/target/tdx4j.jar); copy it aside before rebuilding, e.g.
#   cp tdx4j-cli/target/tdx4j.jar /tmp/before.jar; (change, ./tdx4j --version); tdx4j-bench/serve-ab.sh /tmp/before.jar tdx4j-cli/target/tdx4j.jar
#   OPTS_A and OPTS_B, when set, are JVM options for side a and side b (split at spaces), so that one jar can be
#   compared with itself under two settings, e.g.
#   OPTS_A=-Djdk.virtualThreadScheduler.parallelism=2 OPTS_B=-Djdk.virtualThreadScheduler.parallelism=4 \
#     tdx4j-bench/serve-ab.sh tdx4j-cli/target/tdx4j.jar tdx4j-cli/target/tdx4j.jar
#   The jars run with `java -jar`, without the options that ./tdx4j adds for serve (on 2 cores,
#   -Djdk.virtualThreadScheduler.parallelism=4): give those in OPTS_A and OPTS_B to compare builds as ./tdx4j runs them.
# Needs wrk (Debian package wrk). Exits 1 with one sentence when wrk is missing, an argument is wrong or another
# serve-ab.sh or serve-load.sh is running (scripts/bench-lock.sh), and 3 when a jar does not start a server.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
case ${1:-} in -h|--help) sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
usage="usage: tdx4j-bench/serve-ab.sh JAR_A JAR_B [ROUNDS]"
if [ $# -lt 2 ] || [ $# -gt 3 ]; then echo "serve-ab.sh: two jars and an optional number of rounds ($usage)" >&2; exit 1; fi
for jar in "$1" "$2"; do
  [ -f "$jar" ] || { echo "serve-ab.sh: $jar is not a file ($usage)" >&2; exit 1; }
done
rounds=${3:-3}
[[ $rounds =~ ^[1-9][0-9]?$ ]] || { echo "serve-ab.sh: ROUNDS is a whole number from 1 to 99, not $rounds ($usage)" >&2; exit 1; }
# shellcheck source=../scripts/bench-lock.sh
. "$root/scripts/bench-lock.sh"
tdx4j_bench_lock serve-ab.sh || exit 1
command -v wrk >/dev/null || { echo "serve-ab.sh: needs wrk (Debian package wrk: apt-get install wrk)" >&2; exit 1; }
port=${PORT:-18182}
if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "serve-ab.sh: port $port already answers /healthz: another server is running there; set PORT" >&2
  exit 1
fi
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
tdx4j_find_jdk || exit
bench="$root/tdx4j-bench/target/benchmarks.jar"
[ -f "$bench" ] || (cd "$root" && ./tdx4j-build -q -pl tdx4j-bench -am package -DskipTests)
tmp=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
timeout 120 java -cp "$bench" io.github.tdx4j.bench.ServerLoad quotes "$tmp/quotes" 2000 >/dev/null
jars=("$1" "$2")
labels=(a b)
options=("${OPTS_A:-}" "${OPTS_B:-}")

# One wrk phase against $server. Arguments: LABEL ROUND PHASE DELAY_MS RATE SECONDS.
phase() {
  local u0 s0 u1 s1 line requests
  read -r u0 s0 <<<"$(awk '{print $14, $15}' "/proc/$server/stat")"
  line=$(QUOTES_DIR="$tmp/quotes" QUOTES=2000 DELAY_MS="$4" RATE="$5" WRK_PATH="$3 /verify" timeout 60 \
      wrk -t1 -c16 -d"$6"s -s "$here/wrk-verify.lua" "http://127.0.0.1:$port/verify" | tail -1)
  requests=$(echo "$line" | sed 's/.*"requests":\([0-9]*\).*/\1/')
  read -r u1 s1 <<<"$(awk '{print $14, $15}' "/proc/$server/stat")"
  [ "$requests" -gt 0 ] || requests=1
  echo "{\"jar\":\"$1\",\"round\":$2,${line#\{}" | sed "s/}\$/,\"serverUserMicrosPerRequest\":$(( (u1 - u0) * 10000 / requests )),\"serverSystemMicrosPerRequest\":$(( (s1 - s0) * 10000 / requests ))}/"
}

for round in $(seq 1 "$rounds"); do
  for i in 0 1; do
    read -r -a opts <<<"${options[$i]}"
    java "${opts[@]}" -jar "${jars[$i]}" serve --simulated --port "$port" >/dev/null 2>"$tmp/err" &
    server=$!
    for _ in $(seq 1 300); do
      curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
      sleep 0.2
    done
    if ! curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
      echo "serve-ab.sh: ${jars[$i]} did not start a server:" >&2
      cat "$tmp/err" >&2
      exit 3
    fi
    phase "${labels[$i]}" "$round" warm-up 0 0 20 >/dev/null
    phase "${labels[$i]}" "$round" saturated 0 0 10 | tee -a "$tmp/lines"
    phase "${labels[$i]}" "$round" paced 2 0 10 | tee -a "$tmp/lines"
    phase "${labels[$i]}" "$round" "rate 5000" 0 5000 10 | tee -a "$tmp/lines"
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
  done
done

# The medians per jar and phase: throughput, p99 and the server's CPU (user + system) per request.
for i in 0 1; do
  label=${labels[$i]}
  for p in saturated paced "rate 5000"; do
    grep "\"jar\":\"$label\"" "$tmp/lines" | grep "\"mode\":\"wrk $p /verify\"" | sed \
      's/.*"perSecond":\([0-9]*\).*"p99Micros":\([0-9]*\).*"serverUserMicrosPerRequest":\([0-9]*\),"serverSystemMicrosPerRequest":\([0-9]*\).*/\1 \2 \3 \4/' |
      awk -v jar="$label" -v phase="$p" -v file="${jars[$i]}" -v options="${options[$i]}" '
        { rate[NR] = $1; p99[NR] = $2; cpu[NR] = $3 + $4 }
        function median(a, n,   i, j, t) {
          for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END { printf "{\"median\":true,\"jar\":\"%s\",\"file\":\"%s\",\"options\":\"%s\",\"phase\":\"%s\",\"rounds\":%d,\"perSecond\":%d,\"p99Micros\":%d,\"serverCpuMicrosPerRequest\":%d}\n",
                     jar, file, options, phase, NR, median(rate, NR), median(p99, NR), median(cpu, NR) }'
  done
done
