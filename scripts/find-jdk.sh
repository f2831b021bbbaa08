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
  # Sets tdx4j_jdk_v to the feature version of the JDK at $1 (e.g. 25), or to nothing if it is not a usable JDK.
  # A variable rather than printed output, and bash builtins for the release file: the launcher runs this for every
  # JDK it finds, on every start, and each process it forks costs milliseconds of CPU (README, "Start-up").
  local home=$1 line
  tdx4j_jdk_v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then tdx4j_jdk_v=${BASH_REMATCH[1]}; break; fi
    done <"$home/release"
  fi
  if [ -z "$tdx4j_jdk_v" ]; then
    tdx4j_jdk_v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
  fi
}

tdx4j_find_jdk() {
  local min=${TDX4J_JDK_MIN:-25} best="" best_v=0 c v javac_path
  local -a candidates=() path_dirs=()
  # A feature version is a whole number; tdx4j is written for Java 25, so a lower minimum cannot build it.
  if ! [[ $min =~ ^[0-9]{1,3}$ ]] || [ "$((10#$min))" -lt 25 ]; then
    echo "TDX4J_JDK_MIN must be a Java feature version of 25 or more, such as 25 or 26; it is '$min'." >&2
    return "$TDX4J_EXIT_ENVIRONMENT"
  fi
  min=$((10#$min))
  # A qualifying JAVA_HOME is taken first, before anything else is looked at.
  if [ -n "${JAVA_HOME:-}" ]; then
    tdx4j_jdk_version "$JAVA_HOME"
    if [[ $tdx4j_jdk_v =~ ^[0-9]+$ ]] && [ "$tdx4j_jdk_v" -ge "$min" ]; then
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  fi
  # The JDK of the javac on PATH (its real location: /usr/bin/javac is a link on Debian). PATH is searched by hand
  # rather than by $(command -v javac), which forks.
  IFS=: read -ra path_dirs <<<"$PATH"
  for c in "${path_dirs[@]}"; do
    javac_path=${c:-.}/javac
    if [ -f "$javac_path" ] && [ -x "$javac_path" ]; then
      [ -L "$javac_path" ] && javac_path=$(readlink -f "$javac_path")
      javac_path=${javac_path%/*}
      candidates+=("${javac_path%/*}")
      break
    fi
  done
  for c in /usr/lib/jvm/* /usr/java/* /usr/jdk/* /opt/java/* /opt/jdk* \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.gradle/jdks/* "$HOME"/.m2/jdks/*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    tdx4j_jdk_version "$c"
    v=$tdx4j_jdk_v
    [[ $v =~ ^[0-9]+$ ]] || continue
    if [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then best=$c; best_v=$v; fi
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
