# shellcheck shell=bash
# Finds a JDK >= TDX4J_JDK_MIN (default 25) and exports JAVA_HOME and PATH for it.
# Sourced by ./tdx4j and ./tdx4j-build so that the launcher and the test command use the same JDK.
# Candidates, in order: $JAVA_HOME, the javac on PATH, /usr/lib/jvm, /usr/java, /usr/jdk, /opt/java, /opt/jdk*,
# ~/.sdkman/candidates/java, ~/.jdks, ~/.gradle/jdks, ~/.m2/jdks. The highest qualifying version wins,
# except that a qualifying $JAVA_HOME is always taken first.
#
# Exit codes of the launchers (README, "Exit codes"): 3 means the environment cannot run tdx4j (no JDK, no Maven,
# a bad TDX4J_JDK_MIN, the build failed), so that scripts can tell it from 2, "a check failed".
TDX4J_EXIT_ENVIRONMENT=3

tdx4j_jdk_version() {
  # Prints the feature version of the JDK at $1 (e.g. 25), or nothing if it is not a usable JDK.
  local home=$1 v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    # Read with bash builtins: the launcher runs this for every JDK it finds, on every start.
    local line
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then v=${BASH_REMATCH[1]}; break; fi
    done <"$home/release"
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
  fi
  printf '%s' "$v"
}

tdx4j_find_jdk() {
  local min=${TDX4J_JDK_MIN:-25} best="" best_v=0 c v javac_path
  local -a candidates=()
  # A feature version is a whole number; tdx4j is written for Java 25, so a lower minimum cannot build it.
  if ! [[ $min =~ ^[0-9]{1,3}$ ]] || [ "$((10#$min))" -lt 25 ]; then
    echo "TDX4J_JDK_MIN must be a Java feature version of 25 or more, such as 25 or 26; it is '$min'." >&2
    return "$TDX4J_EXIT_ENVIRONMENT"
  fi
  min=$((10#$min))
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if javac_path=$(command -v javac 2>/dev/null); then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$javac_path")")")")
  fi
  for c in /usr/lib/jvm/* /usr/java/* /usr/jdk/* /opt/java/* /opt/jdk* \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.gradle/jdks/* "$HOME"/.m2/jdks/*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    v=$(tdx4j_jdk_version "$c")
    [[ $v =~ ^[0-9]+$ ]] || continue
    if [ "$v" -ge "$min" ]; then
      if [ -n "${JAVA_HOME:-}" ] && [ "$c" = "$JAVA_HOME" ]; then best=$c; break; fi
      if [ "$v" -gt "$best_v" ]; then best=$c; best_v=$v; fi
    fi
  done
  if [ -z "$best" ]; then
    echo "tdx4j needs a JDK $min or newer and found none (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt/java, ~/.sdkman and ~/.jdks); install one, for example Temurin $min, and try again." >&2
    return "$TDX4J_EXIT_ENVIRONMENT"
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}

tdx4j_need_maven() {
  # $1: who needs it, for the message. Returns 3 when no mvn is on PATH.
  if ! command -v mvn >/dev/null 2>&1; then
    echo "$1 needs Apache Maven 3.8.7 or newer on PATH (Debian: apt-get install maven)." >&2
    return "$TDX4J_EXIT_ENVIRONMENT"
  fi
}
