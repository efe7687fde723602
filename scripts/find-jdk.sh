# Sourced by ./sluice and ./run-tests: sets SLUICE_JAVA_HOME to a JDK >= 21.
# JAVA_HOME wins when it is >= 21; otherwise the newest JDK under /usr/lib/jvm.

sluice_java_major() {
  # Prints the feature version of the JDK at $1, or nothing. The JDK's release file says it
  # without starting a JVM (which costs about 50 ms); the JVM is asked only when it is missing.
  local v=""
  if [ -r "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  fi
  case "$v" in 1.*) v=${v#1.} ;; esac
  printf '%s' "${v%%.*}"
}

sluice_find_jdk() {
  local best="" best_major=0 dir major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(sluice_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      SLUICE_JAVA_HOME=$JAVA_HOME
      SLUICE_JAVA_MAJOR=$major
      return 0
    fi
  fi
  for dir in /usr/lib/jvm/*; do
    [ -x "$dir/bin/javac" ] || continue
    [ -L "$dir" ] && continue
    major=$(sluice_java_major "$dir")
    [ -n "$major" ] || continue
    if [ "$major" -gt "$best_major" ]; then
      best=$dir
      best_major=$major
    fi
  done
  if [ "$best_major" -ge 21 ]; then
    SLUICE_JAVA_HOME=$best
    SLUICE_JAVA_MAJOR=$best_major
    return 0
  fi
  echo "sluice: needs a JDK 21 or newer; set JAVA_HOME to one (found: ${JAVA_HOME:-none}, newest under /usr/lib/jvm: ${best:-none})" >&2
  return 1
}
