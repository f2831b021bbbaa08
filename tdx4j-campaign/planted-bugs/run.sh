#!/usr/bin/env bash
# The planted-bug harness: how many realistic one-line bugs the fault campaign alone flags.
#
# Usage: tdx4j-campaign/planted-bugs/run.sh [--runs N] [--seed S] [--timeout SEC] [PATCH...]
#   (default: every *.patch here, 20000 runs, seed 0x19, 150 s per patch)
#
# Builds the campaign and what it depends on once (-o -DskipTests), then for each patch: applies it to a copy of
# the one file it changes under a temporary directory (the worktree is never touched), compiles that file alone
# against the built classes, and runs a fixed-seed campaign with the patched classes first on the class path,
# under a wall-clock limit (PlantedBugCampaign: the campaign's runs one at a time, stopping once 20 runs failed).
# "yes" means some campaign oracle fired. A campaign killed by the limit
# is NOT flagged (the campaign did not report it) and is marked "killed". First it runs the unpatched campaign
# (the control), which must flag nothing, or the table means nothing.
# Prints one table row per patch: patch | flagged | oracles | note. Exit code 0, or 3 when the build fails.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=20000
seed=0x19
limit=150
patches=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
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

campaign() { # $1 = extra class path entry (the patched classes) or empty
  timeout "$limit" java -XX:+UseSerialGC -cp "${1:+$1:}$work/launcher:$cp" PlantedBugCampaign "$runs" "$seed" \
    >"$work/out.txt" 2>&1
}

printf '%-40s | %-7s | %-40s | %s\n' patch flagged oracles note
if ! campaign ""; then
  echo "control: the unpatched campaign did not finish within ${limit}s"; exit 3
fi
control=$(grep '^RESULT' "$work/out.txt" || true)
printf '%-40s | %-7s | %-40s | %s\n' "(control, no patch)" "$(sed -n 's/.*flagged=\([a-z]*\).*/\1/p' <<<"$control")" \
  "$(sed -n 's/.*oracles=\([^ ]*\).*/\1/p' <<<"$control")" "must be no"
flagged=0; total=0
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  file=$(sed -n 's|^+++ b/||p' "$p" | head -1)
  rm -rf "$work/src" "$work/classes"; mkdir -p "$work/src/$(dirname "$file")" "$work/classes"
  cp "$root/$file" "$work/src/$file"
  note=""
  if ! patch -s -p1 -d "$work/src" <"$p" >/dev/null; then
    printf '%-40s | %-7s | %-40s | %s\n' "$name" "-" "-" "does not apply"; continue
  fi
  if ! javac -nowarn -d "$work/classes" -cp "$cp" "$work/src/$file" >"$work/javac.txt" 2>&1; then
    printf '%-40s | %-7s | %-40s | %s\n' "$name" "-" "-" "does not compile"; continue
  fi
  total=$((total + 1))
  start=$(date +%s)
  if campaign "$work/classes"; then
    result=$(grep '^RESULT' "$work/out.txt" || true)
    f=$(sed -n 's/.*flagged=\([a-z]*\).*/\1/p' <<<"$result")
    o=$(sed -n 's/.*oracles=\([^ ]*\).*/\1/p' <<<"$result")
    [ "$f" = yes ] && note="first failing run $(sed -n 's/.*firstFailingRun=\([0-9]*\).*/\1/p' <<<"$result"), "
    [ -n "$f" ] || { f=no; o=-; note="no result: $(head -c 120 "$work/out.txt" | tr '\n' ' '), "; }
  else
    rc=$?
    f=no; o=-
    if [ $rc -eq 124 ]; then note="killed by the ${limit}s limit (the campaign itself did not report it), "
    else note="campaign exited $rc: $(grep -m1 -E 'Exception|Error' "$work/out.txt" | head -c 120), "; fi
  fi
  [ "$f" = yes ] && flagged=$((flagged + 1))
  printf '%-40s | %-7s | %-40s | %s\n' "$name" "$f" "$o" "${note}$(( $(date +%s) - start ))s"
done
echo "flagged $flagged of $total ($runs runs, seed $seed)"
