#!/usr/bin/env bash
# Verifier speed, measured fairly (issue 15), in one run on the same quote and collateral: dcap-qvl/tdx_quote with
# its collateral at 1751328000 (2025-07-01T00:00Z), UpToDate for tdx4j, Intel's QVL and both dcap-qvl builds.
# Rows, each ROUNDS times (median and range printed):
#   tdx4j verify --no-cache --repeat   nothing kept between calls: every parse, every key, all 15 signatures
#   tdx4j verify --repeat              the default cache (checked collateral, PCK chain, QE report, keys)
#   Intel QVL                          qvl-driver QUOTE COLLATERAL ROOT AT REPEAT (QvE-style flow per call)
#   @phala/dcap-qvl, @phala/dcap-qvl-web   the pure-JS and the Rust-to-wasm npm builds, on node
#   work floor                         the 15 BouncyCastle P-256 verifies an uncached call must do, timed call by
#                                      call alternately with QuoteVerifier.caching(false) in one JVM (VerifierFloor)
#   warm fresh quotes                  distinct quotes of one simulated platform, platform checks cached, against
#                                      one BouncyCastle verify; and warm-fresh throughput on 1 and 2 threads
# Then the goals as ratios: QVL / uncached >= 20, uncached / floor <= 1.3, warm fresh / one verify <= 1.5.
# Peers that are missing print one line saying why and are left out. The machine's load (uptime) is printed
# before and after. Bounded: about 40 s per round here; at most ~10 min on a loaded 2-core machine.
# Needs a JDK >= 25 and Maven (the launcher builds the CLI); node and npm for dcap-qvl; Intel's QVL driver at
# $QVL_DRIVER, else next to the repository where the QVL differential tests look for it (QvlOracle), else on PATH.
# Usage: tdx4j-bench/compare.sh [ROUNDS [SECONDS]]      (default 3 rounds; SECONDS per in-process row, default 1.5)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${1:-3}
secs=${2:-1.5}
case ${1:-} in -h|--help) sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
if [ $# -gt 2 ] || ! [[ $rounds =~ ^[1-9][0-9]{0,2}$ && $secs =~ ^[0-9]{1,3}(\.[0-9]+)?$ && ! $secs =~ ^0+(\.0+)?$ ]]; then
  echo "compare.sh: ROUNDS is a whole number of 1 or more and SECONDS a number above 0 (usage: tdx4j-bench/compare.sh [ROUNDS [SECONDS]])" >&2
  exit 1
fi
n_uncached=300      # timed calls after the CLI's warm-up of max(N, 2000) calls
n_cached=2000
n_peer=100          # timed calls of QVL and dcap-qvl (each takes milliseconds), after their own warm-up

data="$root/vectors"   # the repository's public test vectors (vectors/README.md)
quote="$data/dcap-qvl/tdx_quote"
collateral="$data/dcap-qvl/tdx_quote_collateral.json"
rootca="$data/dcap-qvl/TrustedRootCA.der"
at=1751328000

# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
tdx4j_find_jdk || exit
"$root/tdx4j" --version >/dev/null                       # builds the CLI jar if needed
bench="$root/tdx4j-bench/target/benchmarks.jar"
if [ ! -f "$bench" ] || [ -n "$(find "$root/tdx4j-bench/src" "$root/tdx4j-attest/src/main" -newer "$bench" -print -quit)" ]; then
  echo "building tdx4j-bench/target/benchmarks.jar ..." >&2
  (cd "$root" && ./tdx4j-build -q -pl tdx4j-bench -am package -DskipTests)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
results="$tmp/results.tsv"
: >"$results"
skip() { echo "compare.sh: skipping $1" >&2; printf 'skip\t0\t%s\n' "$1" >>"$results"; }

qvl=${QVL_DRIVER:-$root/../shared/tools/qvl-oracle/qvl-driver}
[ -x "$qvl" ] || ! command -v qvl-driver >/dev/null || qvl=$(command -v qvl-driver)
have_qvl=0
if [ -x "$qvl" ]; then have_qvl=1; else skip "Intel QVL: no qvl-driver at $qvl (set QVL_DRIVER)"; fi

have_node=0
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  skip "dcap-qvl (JS and wasm): node and npm are not on PATH"
else
  echo "installing @phala/dcap-qvl@0.3.9 and @phala/dcap-qvl-web@0.3.3 into $tmp/npm ..." >&2
  mkdir -p "$tmp/npm"
  if (cd "$tmp/npm" && npm init -y >/dev/null 2>&1 &&
      npm install --no-audit --no-fund --silent @phala/dcap-qvl@0.3.9 @phala/dcap-qvl-web@0.3.3 >/dev/null 2>&1); then
    have_node=1
  else
    skip "dcap-qvl (JS and wasm): npm install failed (is the npm registry reachable?)"
  fi
fi
# dcap-qvl's native build is the Rust crate (crates.io) and its Python wheel (PyPI); neither registry is one this
# project's machines reach, and npm carries only the JS and wasm builds.
skip "dcap-qvl native (Rust): published on crates.io and PyPI only, not installable from npm, Debian or Maven Central"

load_before=$(uptime)
echo "load before: $load_before" >&2
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds: tdx4j uncached, cached ..." >&2
  printf 'uncached\t%s\t%s\n' "$round" "$("$root/tdx4j" verify "$quote" --collateral "$collateral" --at "$at" \
      --json --no-cache --repeat "$n_uncached" | tr -d '\n')" >>"$results"
  printf 'cached\t%s\t%s\n' "$round" "$("$root/tdx4j" verify "$quote" --collateral "$collateral" --at "$at" \
      --json --repeat "$n_cached" | tr -d '\n')" >>"$results"
  if [ "$have_qvl" = 1 ]; then
    echo "round $round/$rounds: Intel QVL ..." >&2
    printf 'qvl\t%s\t%s\n' "$round" "$("$qvl" "$quote" "$collateral" "$rootca" "$at" "$n_peer" || true)" >>"$results"
  fi
  if [ "$have_node" = 1 ]; then
    echo "round $round/$rounds: dcap-qvl JS and wasm ..." >&2
    (cd "$tmp/npm" && node "$here/dcap-qvl-driver.mjs" "$quote" "$collateral" "$at" "$n_peer" 20) |
      while IFS= read -r line; do printf 'dcap\t%s\t%s\n' "$round" "$line"; done >>"$results"
  fi
  echo "round $round/$rounds: work floor, warm fresh quotes, throughput ..." >&2
  (cd "$root" && "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$bench" \
      io.github.tdx4j.bench.VerifierFloor "$secs") |
    while IFS= read -r line; do printf 'floor\t%s\t%s\n' "$round" "$line"; done >>"$results"
done
load_after=$(uptime)

echo
echo "Verifier speed on $(nproc) cores, $rounds rounds; dcap-qvl/tdx_quote at $at (tdx4j-bench/compare.sh)"
"$JAVA_HOME/bin/java" -cp "$bench" io.github.tdx4j.bench.CompareReport "$results"
echo "load before: $load_before"
echo "load after:  $load_after"
