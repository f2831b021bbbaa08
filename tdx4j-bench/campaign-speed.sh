#!/usr/bin/env bash
# The campaign's speed, reproducibly: runs `tdx4j campaign` (every oracle, every 16th run replayed, both cores) for
# each run count given (default 100000 and 1000000) with one seed, under /usr/bin/time -v, and prints one line per
# count: runs, seed, process wall time, the campaign's own time (no JVM start), runs/s (per process wall time), CPU
# time (user + system, all threads: JIT and GC included), CPU per run, max RSS, the 1-minute load average before the
# run, and whether every oracle held.
#   tdx4j-bench/campaign-speed.sh [RUNS...]       SEED=0x... to change the seed; JAVA_OPTS for JVM flags
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seed=${SEED:-0x7d45ca4ba16e}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100000 1000000)
case ${1:-} in -h|--help) sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
for runs in "${counts[@]}"; do
  if ! [[ $runs =~ ^[1-9][0-9]{0,11}$ ]]; then
    echo "campaign-speed.sh: each RUNS is a whole number of 1 or more, not '$runs' (usage: tdx4j-bench/campaign-speed.sh [RUNS...])" >&2
    exit 1
  fi
done
[ -x /usr/bin/time ] || { echo "campaign-speed.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 3; }
"$root/tdx4j" --version >/dev/null # builds the command line jar on first use
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
tdx4j_find_jdk
jar="$root/tdx4j-cli/target/tdx4j.jar"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "tdx4j campaign speed: $(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%10s  %-16s %8s %10s %8s %8s %11s %9s %6s  %s\n' runs seed "wall s" "campaign s" "runs/s" "CPU s" \
  "CPU us/run" "RSS MB" load oracles
for runs in "${counts[@]}"; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  status=0
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$tmp/time" "$JAVA_HOME/bin/java" ${JAVA_OPTS:-} -jar "$jar" campaign --runs "$runs" \
    --seed "$seed" --json --quiet --out "$tmp/failures" >"$tmp/report.json" || status=$?
  field() { sed -n "s/^.*$1: *//p" "$tmp/time" | head -1; }
  wall=$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' | awk -F: '{s=0; for (i=1;i<=NF;i++) s=s*60+$i; print s}')
  cpu=$(awk -v u="$(field 'User time (seconds)')" -v s="$(field 'System time (seconds)')" 'BEGIN{print u+s}')
  rss=$(field 'Maximum resident set size (kbytes)')
  inner=$(sed -n 's/^ *"elapsedSeconds" *: *\([0-9.]*\).*/\1/p' "$tmp/report.json" | head -1)
  case $status in 0) oracles="all hold" ;; 2) oracles="SOME FAILED" ;; *) oracles="exit $status" ;; esac
  awk -v r="$runs" -v seed="$seed" -v w="$wall" -v inner="${inner:-0}" -v c="$cpu" -v m="$rss" -v l="$load" -v o="$oracles" \
    'BEGIN{printf "%10d  %-16s %8.1f %10.1f %8.0f %8.1f %11.1f %9.0f %6s  %s\n", r, seed, w, inner, r / w, c, c * 1e6 / r, m / 1024, l, o}'
done
