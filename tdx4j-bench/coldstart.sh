#!/usr/bin/env bash
# Cold start (issue 15): one-shot `tdx4j verify` against one-shot node + dcap-qvl on the same quote and collateral
# (dcap-qvl/tdx_quote at 1751328000, UpToDate for both), each a new process, measured with /usr/bin/time over RUNS
# runs each, alternating (tdx4j, node JS, node wasm, tdx4j without the start-up cache, then again), so that load
# changes hit every row alike. Prints per row the median and range of wall time, CPU time (user + sys), and the
# medians of max RSS and of minor page faults (each costs CPU: about 15 µs on this project's build VM, where they are
# much of a JVM's start-up), and the machine's load before and after. Goal: tdx4j's wall and CPU medians at most
# node's (pure JS build).
# Before timing: the launcher builds the jar if needed and makes its AOT start-up cache (see ./tdx4j), and each row
# runs once untimed (file cache). Bounded: about RUNS x 5 one-shot processes, under a minute on a quiet 2-core machine.
# Needs a JDK >= 25 and Maven (the launcher), /usr/bin/time, node and npm (dcap-qvl rows; skipped with one line
# without them).
# Usage: tdx4j-bench/coldstart.sh [RUNS]      (default 10)
#   TDX4J_BASELINE=DIR: another checkout of tdx4j (e.g. a worktree of an older commit, built); its ./tdx4j gets a row
#   of its own in the same alternation, a before/after comparison under the same load.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${1:-10}
case ${1:-} in -h|--help) sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
if [ $# -gt 1 ] || ! [[ $runs =~ ^[1-9][0-9]{0,3}$ ]]; then
  echo "coldstart.sh: RUNS is a whole number of 1 or more (usage: tdx4j-bench/coldstart.sh [RUNS])" >&2
  exit 1
fi
baseline=${TDX4J_BASELINE:-}
if [ -n "$baseline" ]; then
  baseline=$(cd "$baseline" && pwd)
  [ -x "$baseline/tdx4j" ] || { echo "coldstart.sh: $baseline has no ./tdx4j" >&2; exit 1; }
fi
quote="$root/vectors/dcap-qvl/tdx_quote"
collateral="$root/vectors/dcap-qvl/tdx_quote_collateral.json"
at=1751328000
[ -x /usr/bin/time ] || { echo "coldstart.sh: needs /usr/bin/time (Debian package 'time')" >&2; exit 3; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/tdx4j" --version >/dev/null   # builds the jar and makes the start-up cache if needed
[ -z "$baseline" ] || "$baseline/tdx4j" --version >/dev/null

have_node=0
if command -v node >/dev/null && command -v npm >/dev/null; then
  echo "installing @phala/dcap-qvl@0.3.9 and @phala/dcap-qvl-web@0.3.3 into $tmp/npm ..." >&2
  mkdir -p "$tmp/npm"
  if (cd "$tmp/npm" && npm init -y >/dev/null 2>&1 &&
      npm install --no-audit --no-fund --silent @phala/dcap-qvl@0.3.9 @phala/dcap-qvl-web@0.3.3 >/dev/null 2>&1); then
    have_node=1
  else
    echo "coldstart.sh: skipping dcap-qvl: npm install failed (is the npm registry reachable?)" >&2
  fi
else
  echo "coldstart.sh: skipping dcap-qvl: node and npm are not on PATH" >&2
fi

row_cmd() {
  case $1 in
    tdx4j) echo "$root/tdx4j verify $quote --collateral $collateral --at $at --json" ;;
    tdx4j-no-aot) echo "env TDX4J_AOT=0 $root/tdx4j verify $quote --collateral $collateral --at $at --json" ;;
    baseline) echo "$baseline/tdx4j verify $quote --collateral $collateral --at $at --json" ;;
    node-js) echo "node $here/dcap-qvl-oneshot.mjs js $quote $collateral $at" ;;
    node-wasm) echo "node $here/dcap-qvl-oneshot.mjs wasm $quote $collateral $at" ;;
  esac
}
rows=(tdx4j)
[ -z "$baseline" ] || rows+=(baseline)
[ "$have_node" = 1 ] && rows+=(node-js node-wasm)
rows+=(tdx4j-no-aot)

once() {   # row, output file: one timed run, appending "wall user sys maxrss_kb minor_page_faults"
  local out
  # shellcheck disable=SC2046
  out=$(cd "$tmp/npm" 2>/dev/null || cd "$tmp"; /usr/bin/time -f '%e %U %S %M %R' -o "$tmp/t" $(row_cmd "$1") 2>/dev/null)
  case $out in
    *'"status":"UpToDate"'*) ;;
    *) echo "coldstart.sh: $1 did not report UpToDate: $out" >&2; exit 1 ;;
  esac
  cat "$tmp/t" >>"$2"
}

for r in "${rows[@]}"; do once "$r" /dev/null; done   # untimed: file cache, npm modules
load_before=$(uptime)
for i in $(seq 1 "$runs"); do
  echo "run $i/$runs ..." >&2
  for r in "${rows[@]}"; do once "$r" "$tmp/$r.times"; done
done
load_after=$(uptime)

echo
echo "One-shot verification of dcap-qvl/tdx_quote, $runs runs each, alternating (tdx4j-bench/coldstart.sh)"
printf '%-40s %22s %22s %11s %12s\n' "process" "wall s median [range]" "CPU s median [range]" "max RSS MB" \
  "page faults"
for r in "${rows[@]}"; do
  case $r in
    tdx4j) label="./tdx4j verify (AOT cache)" ;;
    tdx4j-no-aot) label="./tdx4j verify (TDX4J_AOT=0)" ;;
    baseline) label="baseline ./tdx4j verify ($(git -C "$baseline" rev-parse --short HEAD 2>/dev/null || echo "?"))" ;;
    node-js) label="node + @phala/dcap-qvl (pure JS)" ;;
    node-wasm) label="node + @phala/dcap-qvl-web (wasm)" ;;
  esac
  awk -v label="$label" '
    { wall[NR] = $1; cpu[NR] = $2 + $3; rss[NR] = $4 / 1024; faults[NR] = $5 }
    function median(a, n,   i, j, t, b) { for (i = 1; i <= n; i++) b[i] = a[i];
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
      return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2 }
    function lo(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
    function hi(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
    END { printf "%-40s %6.2f [%5.2f..%5.2f] %6.2f [%5.2f..%5.2f] %11.0f %12.0f\n", label, median(wall, NR),
          lo(wall, NR), hi(wall, NR), median(cpu, NR), lo(cpu, NR), hi(cpu, NR), median(rss, NR),
          median(faults, NR) }' "$tmp/$r.times"
done
echo "load before: $load_before"
echo "load after:  $load_after"
