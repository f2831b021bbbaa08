# shellcheck shell=bash
# Sourced by the load benchmarks of tdx4j-bench (serve-load.sh, serve-ab.sh). tdx4j_bench_lock NAME takes a lock
# that one of them at a time can hold on this machine, for as long as the calling script and the processes it starts
# run (file descriptor 9, which they inherit). Two load benchmarks at once measure each other, and when they share a
# port their load generators can reach the other's server: two overlapping serve-ab.sh runs, started seconds apart
# (the second checked the port before the first had a server on it), wrote one garbled log. The lock file is
# ${TMPDIR:-/tmp}/tdx4j-bench-serve.lock. Returns 1 with one line on stderr when another run holds the lock, and
# takes no lock where flock (util-linux) is missing.
tdx4j_bench_lock() {
  command -v flock >/dev/null || return 0
  exec 9>"${TMPDIR:-/tmp}/tdx4j-bench-serve.lock"
  if ! flock -n 9; then
    echo "$1: another serve-load.sh or serve-ab.sh is running on this machine, and two at once would measure each other; wait for it to end" >&2
    return 1
  fi
}
