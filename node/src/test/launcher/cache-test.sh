#!/usr/bin/env bash
# The launcher's start-up cache logic, with real JVMs (not part of `mvn verify`: each training
# run is a JVM with three nodes; 5-10 minutes with the machine under load):
#
#   node/src/test/launcher/cache-test.sh            # after `mvn -pl node -am package`
#   ONLY=17 node/src/test/launcher/cache-test.sh    # one JDK (17 or 25)
#
# It copies ./staex and node/target/staex.jar into a temporary tree (so the repository's own
# cache is not touched) and, for JDK 25 (AOT cache) and JDK 17 (AppCDS) where installed, checks:
# a missing cache is made once with one line on stderr; a present one is used without a word; a
# jar or JDK newer than the cache makes it again; a garbage cache is skipped by the JVM without a
# word; a truncated one (JDK 17 dies of SIGBUS on it) is never given to the JVM but made again;
# a failed training run is reported once, the
# command still works, and it is not retried until the jar changes; STAEX_CACHE=off makes none.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../../.." && pwd)
[[ -f "$repo/node/target/staex.jar" ]] || { echo "build the jar first" >&2; exit 2; }
work=$(mktemp -d /tmp/staex-cache-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}
export STAEX_TRAIN_ARGS="--mib 1 --streams 5 --rounds 1"

one_jdk() { # one_jdk REAL_JDK_HOME EXT
  local real=$1 ext=$2 t="$work/$(basename "$1")"
  mkdir -p "$t/node/target" "$t/jdk/bin"
  cp "$repo/staex" "$t/staex"
  cp -p "$repo/node/target/staex.jar" "$t/node/target/staex.jar"
  # A JDK home of our own whose release file the test can touch: java itself is the real one.
  ln -s "$real/bin/java" "$t/jdk/bin/java"
  cp -p "$real/release" "$t/jdk/release"
  export JAVA_HOME="$t/jdk"
  # `run --help`: a `run` (only `run` and `demo` make a cache) that exits at once
  run() { (cd "$t" && ./staex run --help >"$t/out" 2>"$t/err") && grep -q '^Usage: staex run' "$t/out"; }
  cache() { compgen -G "$t/node/target/staex-jdk*.$ext" | head -1; }
  flag_is() { # flag_is NAME VALUE_REGEX: the final value of a JVM flag of `staex run --help`
    (cd "$t" && JDK_JAVA_OPTIONS="-XX:+UnlockDiagnosticVMOptions -XX:+UnlockExperimentalVMOptions -XX:+PrintFlagsFinal" ./staex run --help 2>/dev/null) \
      | grep -Eq "^ *[a-z]+ +$1 += $2 "
  }
  echo "== $(basename "$real")"

  check "fresh: the command works while the cache is made" run
  check "fresh: one line says so" grep -q '^staex: making the start-up cache' "$t/err"
  check "fresh: nothing else on stderr" test "$(wc -l <"$t/err")" -eq 1
  local c; c=$(cache)
  check "fresh: the cache exists (.$ext)" test -s "$c"
  cp -p "$c" "$work/saved"

  check "second run works" run
  check "second run: silent, cache kept" test ! -s "$t/err" -a "$c" -nt "$t/node/target/staex.jar"
  check "second run: the same cache" cmp -s "$c" "$work/saved"
  if [[ $ext == aot ]]; then # the cache's JIT options (docs/node.md), seen by the JVM that maps it
    check "with the cache: its training data replayed" flag_is AOTReplayTraining true
    check "with the cache: the JIT's profiling delays at 1" flag_is Tier2ProfileDelayFactor '1\.0+'
    check "  ... and Tier0ProfileDelayFactor too" flag_is Tier0ProfileDelayFactor '1\.0+'
    check "with the cache: no eager compiles by default (start-up CPU)" flag_is AOTCompileEagerly false
  fi

  touch -d '+2 seconds' "$t/node/target/staex.jar"
  check "jar newer: works" run
  check "jar newer: the cache is made again" grep -q '^staex: making' "$t/err"
  check "jar newer: the new cache is newer than the jar" test "$c" -nt "$t/node/target/staex.jar"

  touch -d '+4 seconds' "$t/jdk/release"
  check "JDK newer: the cache is made again" run
  check "JDK newer: said so" grep -q '^staex: making' "$t/err"

  # Garbage of the recorded size: only the JVM can tell; it must skip it without a word.
  head -c "$(cat "$c.size")" /dev/urandom >"$c"; touch -d '+6 seconds' "$c"
  check "garbage cache: the command works" run
  check "garbage cache: nothing on stderr" test ! -s "$t/err"
  # Truncated: JDK 17 would die of SIGBUS mapping it; the launcher sees the size and remakes it.
  head -c 1000000 "$work/saved" >"$c"; touch -d '+6 seconds' "$c"
  check "truncated cache: the command works" run
  check "truncated cache: made again" grep -q '^staex: making' "$t/err"
  check "truncated cache: the new one has its size" test "$(stat -c %s "$c")" = "$(cat "$c.size")"
  head -c 1000000 "$work/saved" >"$c"; touch -d '+6 seconds' "$c"
  STAEX_TRAIN_ARGS="--no-such-option" check "truncated cache, training fails: still works" run
  check "  ... the truncated cache is not used, the failure said" grep -q '^staex: could not make' "$t/err"

  rm -f "$c" "$c.failed"
  STAEX_TRAIN_ARGS="--no-such-option" check "failing training: the command works" run
  check "failing training: reported once" grep -q '^staex: could not make the start-up cache' "$t/err"
  check "failing training: no cache left" test -z "$(cache)"
  check "after a failure: works" run
  check "after a failure: not retried" test ! -s "$t/err"
  touch -d '+8 seconds' "$t/node/target/staex.jar"
  check "after a failure, a newer jar: retried and made" run
  check "  ... and the cache exists" test -s "$(cache)"

  rm -f "$t"/node/target/staex-jdk*
  STAEX_CACHE=off check "STAEX_CACHE=off: works" run
  check "STAEX_CACHE=off: silent, no cache" test ! -s "$t/err" -a -z "$(cache)"
  if [[ $ext == aot ]]; then
    STAEX_CACHE=off check "STAEX_CACHE=off: the JDK's profiling delays" flag_is Tier2ProfileDelayFactor '250\.0+'
    STAEX_CACHE=off check "STAEX_CACHE=off: no eager compiles" flag_is AOTCompileEagerly false
  fi
  unset JAVA_HOME
}

[[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java && "${ONLY:-25}" == 25* ]] && one_jdk /usr/lib/jvm/temurin-25-jdk-amd64 aot
[[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java && "${ONLY:-17}" == 17* ]] && one_jdk /usr/lib/jvm/java-17-openjdk-amd64 jsa
echo "$fails failed"
[[ $fails -eq 0 ]]
