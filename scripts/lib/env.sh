# Shared by ./confide, ./mvnw and ./scripts/test: finds a JDK 25 and Maven.
# Sourced, never run; every function prints one clear line and returns non-zero on failure.

CONFIDE_TEMURIN_25=/usr/lib/jvm/temurin-25-jdk-amd64

# java_major JDK_HOME -> prints the feature version (e.g. 25), read from the JDK's release file
# (starting a JVM just to ask would cost every command a tenth of a second)
confide_java_major() {
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
  fi
}

# Sets JAVA_HOME to a JDK 25 or newer: $JAVA_HOME if it qualifies, else the Temurin path.
confide_find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" "$CONFIDE_TEMURIN_25"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    local major
    major=$(confide_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "confide: no JDK 25 found (JAVA_HOME='${JAVA_HOME:-}', $CONFIDE_TEMURIN_25 absent); install a JDK 25 (e.g. Temurin 25) and set JAVA_HOME to it" >&2
  return 1
}

# Prints the mvn to use; installs Debian's maven package when running as root and none is there.
confide_find_maven() {
  if command -v mvn >/dev/null 2>&1; then
    command -v mvn
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "confide: installing Maven from Debian's packages" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven) >&2 || {
      echo "confide: could not install Maven; install it with 'apt-get install maven'" >&2
      return 1
    }
    command -v mvn
    return 0
  fi
  echo "confide: Maven is not installed; install it with 'sudo apt-get install maven'" >&2
  return 1
}

# Installs Debian packages a run needs (bubblewrap for the sandbox, python3 for the Python example)
# when running as root and they are missing; otherwise says what to install. Blender is left to the
# user: 'confide demo' runs the Python example without it.
confide_ensure_run_packages() {
  local needed=()
  command -v bwrap >/dev/null 2>&1 || needed+=(bubblewrap)
  [ -x /usr/bin/python3 ] || needed+=(python3)
  [ ${#needed[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "confide: installing ${needed[*]} from Debian's packages" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}") >&2 || {
      echo "confide: could not install ${needed[*]}; install with 'apt-get install ${needed[*]}'" >&2
      return 1
    }
    return 0
  fi
  echo "confide: a confidential run needs ${needed[*]}; install with 'sudo apt-get install ${needed[*]}'" >&2
  return 0
}

# Unsets what would make Java run other code than Confide's measured jars: the runtime refuses a JVM
# with any of these set (RuntimeEnvironment.VARIABLES, which RuntimeEnvironmentTest keeps equal to
# this list).
CONFIDE_JVM_CHANGING_VARIABLES="JAVA_TOOL_OPTIONS _JAVA_OPTIONS JDK_JAVA_OPTIONS LD_PRELOAD LD_LIBRARY_PATH LD_AUDIT LD_PROFILE LD_DEBUG LD_DEBUG_OUTPUT LD_ORIGIN_PATH GCONV_PATH MALLOC_TRACE"
confide_clean_java_environment() {
  local v
  for v in $CONFIDE_JVM_CHANGING_VARIABLES; do
    unset "$v"
  done
}
