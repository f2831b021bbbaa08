#!/usr/bin/env bash
# Where the CPU of a one-shot `./tdx4j verify` goes (issue 15, "Cold start"); coldstart.sh says how much there is.
# One run of the same command as coldstart.sh, looked at three ways:
#  1. By process and thread: `perf record` (software clock, 10 kHz) of the launcher and everything it starts, CPU
#     per process and JVM thread (bash and what it forks, the Java main thread, the C1 compiler, GC, VM thread...),
#     then by where the time is spent (kernel: page faults and system calls; libjvm: class loading, linking, the
#     compiler; the interpreter and compiled Java code). Skipped with one line when perf is missing or not allowed.
#  2. By class: -Xlog:class+load (through JDK_JAVA_OPTIONS, which the java launcher reads), counts by where each
#     class came from (the AOT cache, the jar, generated at run time: "generated (X)" is a lambda or type-switch
#     class of X) and by library, with the time each library's first and last class was loaded (the AOT cache's
#     classes are all loaded as the JVM starts; picocli's, read from the jar, show when the command line is built),
#     and the number of garbage collections (-Xlog:gc).
#  3. Memory: minor page faults and max RSS of the run (/usr/bin/time).
# Usage: tdx4j-bench/coldstart-profile.sh      (about ten seconds; needs what ./tdx4j needs, /usr/bin/time, perf
# optional)
set -euo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
if [ $# -gt 0 ]; then
  echo "coldstart-profile.sh: takes no arguments (usage: tdx4j-bench/coldstart-profile.sh)" >&2
  exit 1
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
quote="$root/vectors/dcap-qvl/tdx_quote"
collateral="$root/vectors/dcap-qvl/tdx_quote_collateral.json"
verify=("$root/tdx4j" verify "$quote" --collateral "$collateral" --at 1751328000 --json)
[ -x /usr/bin/time ] || { echo "coldstart-profile.sh: needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/tdx4j" --version >/dev/null   # builds the jar and makes the start-up cache if needed
"${verify[@]}" >/dev/null            # file cache
echo "load: $(cut -d ' ' -f 1-3 /proc/loadavg)"

echo
echo "== 1. CPU by process and thread (perf, one run)"
if command -v perf >/dev/null && perf record -q -e cpu-clock -F 10000 -o "$tmp/perf.data" -- "${verify[@]}" \
    >/dev/null 2>"$tmp/perf.err"; then
  perf report -i "$tmp/perf.data" --stdio --sort comm 2>/dev/null | grep -v '^#' | grep -v '^$' | head -20
  echo "-- by where (dso: [kernel.kallsyms] is page faults and system calls, libjvm.so the JVM itself, [unknown] and"
  echo "   perf-*.map the interpreter and compiled Java code)"
  perf report -i "$tmp/perf.data" --stdio --sort dso 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
else
  echo "coldstart-profile.sh: skipping the perf profile: perf is missing or not allowed ($(head -c 200 \
    "$tmp/perf.err" 2>/dev/null || true))"
fi

echo
echo "== 2. Classes loaded, by source and library (-Xlog:class+load)"
JDK_JAVA_OPTIONS="-Xlog:class+load=info:file=$tmp/classes.log:uptime -Xlog:gc=info:file=$tmp/gc.log" \
  "${verify[@]}" >/dev/null 2>&1
awk '
  { t = $1; gsub(/[\[\]s]/, "", t); name = $2; src = $0; sub(/.*source: /, "", src)
    if (src ~ /shared objects file/) s = "AOT cache"; else if (src ~ /\.jar/) s = "jar"
    else if (src ~ /^jrt:/) s = "the JDK image (jrt)"; else s = "generated (" src ")"
    if (name ~ /^picocli\./) g = "picocli"; else if (name ~ /^com\.fasterxml\./) g = "Jackson"
    else if (name ~ /^org\.bouncycastle\./) g = "BouncyCastle"; else if (name ~ /^io\.github\.tdx4j\./) g = "tdx4j"
    else g = "JDK"
    n[g "|" s]++; if (!(g in first)) first[g] = t; last[g] = t; end = t }
  END { for (k in n) { split(k, p, "|"); printf "  %-13s %-40s %5d\n", p[1], p[2], n[k] | "sort" }
        close("sort")
        print "  first and last class loaded, seconds after JVM start:"
        for (g in first) printf "  %-13s %6.3f .. %6.3f\n", g, first[g], last[g] | "sort -k2 -n"
        close("sort -k2 -n"); printf "  last class of the run at %.3f s\n", end }' "$tmp/classes.log"
echo "  garbage collections: $(grep -c 'Pause' "$tmp/gc.log" || true)"
echo
echo "== 3. Memory (/usr/bin/time, one run)"
/usr/bin/time -f '  wall %e s, CPU %U s user + %S s system, max RSS %M KB, %R minor page faults' \
  "${verify[@]}" >/dev/null
