# Sourced by ./sluice and ./run-tests: sets SLUICE_JAVA_HOME to a JDK >= 21.
# JAVA_HOME wins when it is >= 21; otherwise the newest JDK under /usr/lib/jvm.

sluice_java_major() {
  # Prints the feature version of the java binary in $1/bin, or nothing.
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  case "$v" in 1.*) v=${v#1.} ;; esac
  printf '%s' "${v%%.*}"
}

sluice_find_jdk() {
  local best="" best_major=0 dir major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(sluice_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      SLUICE_JAVA_HOME=$JAVA_HOME
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
    return 0
  fi
  echo "sluice: needs a JDK 21 or newer; set JAVA_HOME to one (found: ${JAVA_HOME:-none}, newest under /usr/lib/jvm: ${best:-none})" >&2
  return 1
}
