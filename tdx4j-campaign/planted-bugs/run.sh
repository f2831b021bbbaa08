#!/usr/bin/env bash
# The planted-bug harness: how many realistic one-line bugs the fault campaign alone flags.
#
# Usage: tdx4j-campaign/planted-bugs/run.sh [--runs N] [--seed S] [--timeout SEC] [--jobs J] [PATCH...]
#   (default: every *.patch here, 20000 runs, seed 0x19, 600 s per patch, 1 patch at a time)
#
# Builds the campaign and what it depends on once (-o -DskipTests), then for each patch: applies it to a copy of
# the one file it changes under a temporary directory (the worktree is never touched), compiles that file alone
# against the built classes, and runs the campaign with the patched classes first on the class path, under a
# wall-clock limit (PlantedBugCampaign: the campaign's runs of seed S one at a time, stopping once 20 runs failed).
# "yes" means some campaign oracle fired. A campaign killed by the limit is NOT flagged (the campaign did not
# report it) and is marked "killed". First it runs the unpatched campaign (the control), which must flag nothing,
# or the table means nothing. --jobs runs that many patches at once (each campaign uses one core).
# Prints one table row per patch: patch | flagged | oracles | note. Exit code 0, or 3 when the build fails or the
# control flags something.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=20000
seed=0x19
limit=600
jobs=1
patches=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) patches+=("$1"); shift ;;
  esac
done
[ ${#patches[@]} -gt 0 ] || patches=("$here"/*.patch)
# shellcheck source=../../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
tdx4j_find_jdk || exit
work=$(mktemp -d /tmp/planted-bugs.XXXXXX)
trap 'rm -rf "$work"' EXIT

(cd "$root" && ./tdx4j-build -q -o -pl tdx4j-campaign -am compile dependency:build-classpath \
    -Dmdep.outputFile="$work/cp.txt" -DskipTests) >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 3; }
cp="$root/tdx4j-campaign/target/classes:$(cat "$work/cp.txt")"
mkdir -p "$work/launcher"
javac -nowarn -d "$work/launcher" -cp "$cp" "$here/PlantedBugCampaign.java"

row() { printf '%-40s | %-7s | %-46s | %s\n' "$@"; }

# One patch: its table row in $work/row-NAME.
one() {
  local p=$1 name file dir start result f o note rc
  name=$(basename "$p" .patch)
  dir="$work/$name"
  file=$(sed -n 's|^+++ b/||p' "$p" | head -1)
  mkdir -p "$dir/src/$(dirname "$file")" "$dir/classes"
  cp "$root/$file" "$dir/src/$file"
  if ! patch -s -p1 -d "$dir/src" <"$p" >/dev/null; then
    row "$name" "-" "-" "does not apply" >"$work/row-$name"; return
  fi
  if ! javac -nowarn -d "$dir/classes" -cp "$cp" "$dir/src/$file" >"$dir/javac.txt" 2>&1; then
    row "$name" "-" "-" "does not compile" >"$work/row-$name"; return
  fi
  start=$(date +%s)
  note=""
  rc=0
  timeout "$limit" java -XX:+UseSerialGC -cp "$dir/classes:$work/launcher:$cp" \
      PlantedBugCampaign "$runs" "$seed" >"$dir/out.txt" 2>&1 || rc=$?
  result=$(grep '^RESULT' "$dir/out.txt" || true)
  f=$(sed -n 's/.*flagged=\([a-z]*\).*/\1/p' <<<"$result")
  o=$(sed -n 's/.*oracles=\([^ ]*\).*/\1/p' <<<"$result")
  if [ $rc -eq 124 ]; then
    f=no; o=-; note="killed by the ${limit}s limit after $(grep -c '^PROGRESS' "$dir/out.txt" || true)000 runs (the campaign did not report it), "
  elif [ $rc -ne 0 ] || [ -z "$f" ]; then
    f=no; o=-; note="campaign exited $rc: $(grep -m1 -E 'Exception|Error' "$dir/out.txt" | head -c 100), "
  elif [ "$f" = yes ]; then
    note="first failing run $(sed -n 's/.*firstFailingRun=\([0-9-]*\).*/\1/p' <<<"$result"), "
  fi
  row "$name" "$f" "$o" "${note}$(( $(date +%s) - start ))s" >"$work/row-$name"
}

row patch flagged oracles note
timeout "$limit" java -XX:+UseSerialGC -cp "$work/launcher:$cp" PlantedBugCampaign \
    "$runs" "$seed" >"$work/control.txt" 2>&1 || true
if ! grep -q '^RESULT flagged=no' "$work/control.txt"; then
  echo "control: the unpatched campaign flagged something or did not finish: $(head -c 300 "$work/control.txt")"
  exit 3
fi
row "(control, no patch)" "no" "-" "must be no"
for p in "${patches[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  one "$p" &
done
wait
flagged=0; total=0
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  cat "$work/row-$name"
  total=$((total + 1))
  if grep -q '| yes ' "$work/row-$name"; then flagged=$((flagged + 1)); fi
done
echo "flagged $flagged of $total ($runs runs, seed $seed)"
