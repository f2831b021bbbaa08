#!/usr/bin/env bash
# Whether two commits behave the same: builds the CLI of each in a detached worktree (one build at a time) and
# compares `tdx4j demo --json` and a fixed-seed `tdx4j campaign --runs N --seed S --json`, with the fields that
# measure wall time removed (demo: summary.wallMillis; campaign: elapsedSeconds, runsPerSecond) and keys sorted
# (the campaign's "shard" object is a Map.of, whose key order varies between runs).
# Usage: scripts/same-behaviour.sh BEFORE AFTER [RUNS [SEED]]   (RUNS 100000, SEED 0x7d45ca4ba16e by default)
# Exit codes: 0 the same, 1 a difference (printed), 3 a build or command failed. Needs git and jq.
# A 10^5-run campaign is about a minute of CPU on both cores of a loaded machine; the builds two minutes each.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,8p' "$0"; exit 3; }
root=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${3:-100000}
seed=${4:-0x7d45ca4ba16e}
work=$(mktemp -d)
trap 'for w in "$work"/wt-*; do [ -d "$w" ] && git -C "$root" worktree remove --force "$w"; done; rm -rf "$work"' EXIT
for c in "$1" "$2"; do
  w="$work/wt-$c"
  git -C "$root" worktree add --detach "$w" "$c" >/dev/null 2>&1 || { echo "cannot check out $c" >&2; exit 3; }
  (cd "$w" && ./tdx4j-build -q -DskipTests -Dmaven.test.skip=true -pl tdx4j-cli -am package >"$work/build-$c.log" 2>&1) ||
    { cat "$work/build-$c.log" >&2; echo "the build of $c failed" >&2; exit 3; }
  touch "$w/tdx4j-cli/target/tdx4j.jar"   # fresh: the launcher must not rebuild it
  "$w/tdx4j" demo --json | jq -S 'del(.summary.wallMillis)' >"$work/demo-$c.json"
  # Exit 2 means an oracle counted a violation: still an output to compare.
  { "$w/tdx4j" campaign --runs "$runs" --seed "$seed" --json 2>/dev/null || [ $? -eq 2 ]; } |
    jq -S 'del(.elapsedSeconds, .runsPerSecond)' >"$work/campaign-$c.json"
done
same=0
for what in demo campaign; do
  if diff -u "$work/$what-$1.json" "$work/$what-$2.json"; then
    echo "$what: the same ($(sha256sum <"$work/$what-$1.json" | cut -c1-16))"
  else
    echo "$what: differs"; same=1
  fi
done
exit $same
