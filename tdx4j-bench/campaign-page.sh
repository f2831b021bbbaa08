#!/usr/bin/env bash
# How big and how quick to open the page of a large campaign is: runs `tdx4j campaign --runs N --html` (default
# 1000000 runs; or takes an existing page with PAGE=file.html), then prints the page's size and its load time in
# headless Chromium (Debian's chromium package): the time from navigation start to the load event, measured by the
# page itself (performance.now() in a load listener added to a copy of the page), median of 5 loads, and the wall
# time of a whole `chromium --headless --dump-dom` of the page next to that of an empty page (browser start included).
#   tdx4j-bench/campaign-page.sh [RUNS]       SEED=0x... to change the seed; PAGE=file.html to skip the campaign
set -euo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-1000000}
if [ $# -gt 1 ] || ! [[ $runs =~ ^[1-9][0-9]{0,9}$ ]]; then
  echo "campaign-page.sh: RUNS is a whole number of 1 or more (usage: tdx4j-bench/campaign-page.sh [RUNS])" >&2
  exit 1
fi
seed=${SEED:-0x7d45ca4ba16e}
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "campaign-page.sh: needs chromium on PATH (apt-get install chromium)" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "tdx4j campaign page: $(nproc) cores, $("$browser" --version 2>/dev/null | head -1), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
if [ -n "${PAGE:-}" ]; then
  cp "$PAGE" "$tmp/page.html"
else
  start=$(date +%s.%N)
  status=0
  "$root/tdx4j" campaign --runs "$runs" --seed "$seed" --quiet --out "$tmp/failures" --html "$tmp/page.html" \
    >/dev/null || status=$?
  [ "$status" -le 2 ] || { echo "campaign-page.sh: tdx4j campaign exited $status" >&2; exit 1; }
  echo "campaign: $runs runs, seed $seed, $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s"
fi
echo "page: $(wc -c <"$tmp/page.html") bytes ($(grep -o '<rect class="cell"' "$tmp/page.html" | wc -l) heat-map cells)"
# The copy reports its own load time: the page's Content-Security-Policy allows inline scripts (none of its own).
sed 's|</body>|<script>addEventListener("load",()=>document.body.setAttribute("data-load-ms",performance.now().toFixed(1)))</script></body>|' \
  "$tmp/page.html" >"$tmp/timed.html"
printf '<!DOCTYPE html><html><body></body></html>\n' >"$tmp/empty.html"
browse() {
  "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
    --user-data-dir="$tmp/profile" --window-size=1250,1500 --dump-dom "file://$1" 2>/dev/null
}
median() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
loads=()
walls=()
empties=()
for _ in 1 2 3 4 5; do
  s=$(date +%s%N); dom=$(browse "$tmp/timed.html"); e=$(date +%s%N)
  loads+=("$(sed -n 's/.*data-load-ms="\([0-9.]*\)".*/\1/p' <<<"$dom" | head -1)")
  walls+=("$(( (e - s) / 1000000 ))")
  s=$(date +%s%N); browse "$tmp/empty.html" >/dev/null; e=$(date +%s%N)
  empties+=("$(( (e - s) / 1000000 ))")
done
echo "load event: median $(printf '%s\n' "${loads[@]}" | median) ms after navigation start (5 loads: ${loads[*]})"
echo "chromium --dump-dom wall: median $(printf '%s\n' "${walls[@]}" | median) ms; an empty page: median $(printf '%s\n' "${empties[@]}" | median) ms"
