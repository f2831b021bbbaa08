#!/usr/bin/env bash
# Warm verification time of dcap-qvl/tdx_quote with its collateral at 1751328000 (2025-07-01T00:00Z), side by side:
#   @phala/dcap-qvl@0.3.9      pure JavaScript build of Phala-Network/dcap-qvl
#   @phala/dcap-qvl-web@0.3.3  the Rust crate compiled to wasm
#   tdx4j verify               this project (tdx4j verify --repeat N --json)
# The npm packages are installed into a temporary folder with the ordinary npm client (not a project dependency)
# and removed afterwards. Each implementation verifies WARMUP times untimed, then N times timed; medians and p90s
# are wall-clock per verification. The three run in turn, ROUNDS times, and the table keeps each one's round with
# the lowest median, so that a burst of load on a shared machine does not decide the comparison.
# Needs node >= 18, npm, a JDK >= 25 and Maven (./tdx4j builds the CLI).
# Usage: tdx4j-bench/compare-dcap-qvl.sh [N [ROUNDS]]        (default N = 1000, ROUNDS = 3)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
n=${1:-1000}
rounds=${2:-3}
warmup=50

data="$root/vectors"   # the repository's public test vectors (vectors/README.md)
quote="$data/dcap-qvl/tdx_quote"
collateral="$data/dcap-qvl/tdx_quote_collateral.json"
at=1751328000

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "compare-dcap-qvl.sh: $tool is not on PATH" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "Installing @phala/dcap-qvl@0.3.9 and @phala/dcap-qvl-web@0.3.3 into $tmp ..." >&2
(cd "$tmp" && npm init -y >/dev/null 2>&1 &&
  npm install --no-audit --no-fund --silent @phala/dcap-qvl@0.3.9 @phala/dcap-qvl-web@0.3.3 >/dev/null 2>&1) || {
  echo "compare-dcap-qvl.sh: npm install failed (is the npm registry reachable?)" >&2; exit 1; }

peers=""
ours=""
for round in $(seq 1 "$rounds"); do
  echo "Round $round/$rounds: dcap-qvl ($warmup warm-up + $n timed calls each) ..." >&2
  peers+=$(cd "$tmp" && node "$here/dcap-qvl-driver.mjs" "$quote" "$collateral" "$at" "$n" "$warmup")$'\n'
  echo "Round $round/$rounds: tdx4j verify (max($n, 2000) warm-up + $n timed calls) ..." >&2
  ours+=$("$root/tdx4j" verify "$quote" --collateral "$collateral" --at "$at" --json --repeat "$n")$'\n'
done

ROUNDS="$rounds" PEERS="$peers" OURS="$ours" node - <<'JS'
const best = rows => Object.values(rows.reduce((acc, r) => {
  const k = r.impl;
  if (!acc[k] || r.medianMicros < acc[k].medianMicros) acc[k] = r;
  return acc;
}, {}));
const peers = best(process.env.PEERS.trim().split('\n').map(l => JSON.parse(l)));
const ours = process.env.OURS.trim().split('\n').map(l => JSON.parse(l))
  .sort((a, b) => a.timing.medianMicros - b.timing.medianMicros)[0];
const rows = peers.map(p => ({ impl: p.impl, verdict: p.status ?? ('error: ' + p.error),
  median: p.medianMicros, p90: p.p90Micros }));
rows.push({ impl: 'tdx4j verify (Java, warm)', verdict: ours.status ?? ('error: ' + ours.error),
  median: ours.timing.medianMicros, p90: ours.timing.p90Micros });
const pad = (s, w) => String(s).padEnd(w);
const lpad = (s, w) => String(s).padStart(w);
console.log(pad('implementation', 34) + pad('verdict', 12) + lpad('median µs', 11) + lpad('p90 µs', 10));
for (const r of rows) {
  console.log(pad(r.impl, 34) + pad(r.verdict, 12) + lpad(r.median, 11) + lpad(r.p90, 10));
}
const fastestPeer = Math.min(...peers.map(p => p.medianMicros));
const ratio = fastestPeer / Math.max(ours.timing.medianMicros, 1);
console.log(`\ntdx4j median is ${ratio.toFixed(1)}x faster than the faster dcap-qvl build (goal: at least 50x).`);
console.log(`(best of ${process.env.ROUNDS} rounds each; load average now ${require('os').loadavg()[0].toFixed(1)})`);
JS
