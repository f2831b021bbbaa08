#!/usr/bin/env bash
# Collects the shard reports of the Indexed Job in campaign-job.yaml and merges them:
#   collect-and-merge.sh [JOB [OUT_DIR]]     (defaults: tdx4j-campaign, ./campaign-shards)
# For each completion index it takes the log of the pod that finished the shard (exit 0: every oracle held, or
# exit 2: an oracle failed; both logs are the shard's JSON report) into OUT_DIR/shard-INDEX.json, then runs
# `tdx4j campaign merge`, which prints the table of the whole campaign, writes OUT_DIR/campaign.json and exits 0 (all
# oracles hold), 2 (some oracle failed) or 1 (a shard is missing or does not belong: it says which).
# Needs kubectl (pointing at the Job's namespace) and tdx4j (the ./tdx4j launcher of this repository, or TDX4J).
set -euo pipefail
job=${1:-tdx4j-campaign}
out=${2:-campaign-shards}
tdx4j=${TDX4J:-"$(cd "$(dirname "$0")/../../.." && pwd)/tdx4j"}
mkdir -p "$out"
shards=$(kubectl get job "$job" -o jsonpath='{.spec.completions}')
for ((i = 0; i < shards; i++)); do
  pod=""
  while read -r name code; do
    if [ "$code" = 0 ] || [ "$code" = 2 ]; then
      pod=$name
    fi
  done < <(kubectl get pods -l "job-name=$job,batch.kubernetes.io/job-completion-index=$i" \
             -o jsonpath='{range .items[*]}{.metadata.name} {.status.containerStatuses[0].state.terminated.exitCode}{"\n"}{end}')
  if [ -z "$pod" ]; then
    echo "collect-and-merge.sh: shard $i of $shards has no finished pod (yet); the merge will name it missing." >&2
    continue
  fi
  kubectl logs "$pod" > "$out/shard-$i.json"
done
exec "$tdx4j" campaign merge --out "$out/campaign.json" "$out"/shard-*.json
