#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of bench/ (ciphers, the record layer, the frame codecs) and says
# which JDK ran them.
#
#   bench/jmh.sh [--quick] [JMH args...]
#   bench/jmh.sh RecordLayerBench                      # one class (JMH takes a regex)
#   bench/jmh.sh FrameCodecBench                       # link PACKET / stream DATA, 16 KiB
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/jmh.sh
#
# JAVA_HOME picks the JDK that runs the benchmarks (else `java` on the PATH). The jar,
# bench/target/benchmarks.jar, is built with Maven (compiled for release 17) when it is missing
# or older than the sources or POMs.
# Defaults come from the annotations: 1 fork, 3 x 2 s warm-up, 5 x 2 s measured. --quick runs
# 1 fork, 2 x 1 s warm-up, 3 x 1 s measured: for checking that it works, not for figures.
# Units: every benchmark counts one op per payload byte, so JMH's ops/us are MB/s (10^6 B/s).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/bench/target/benchmarks.jar
java=java
if [[ -n ${JAVA_HOME:-} ]]; then java=$JAVA_HOME/bin/java; fi

quick=()
if [[ ${1:-} == --quick ]]; then
  quick=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
  shift
fi

is_stale() {
  [[ ! -f $jar ]] && return 0
  # bench depends on crypto and proxy/base (and what they depend on): any module's main sources,
  # nested modules (proxy/*, routing/sim, testing/fixtures) included.
  [[ -n $(find "$root"/*/src/main "$root"/*/*/src/main "$root/pom.xml" "$root"/*/pom.xml \
      "$root"/*/*/pom.xml -type f -newer "$jar" -print -quit) ]]
}
if is_stale; then
  echo "jmh.sh: building $jar" >&2
  (cd "$root" && mvn -B -q -pl bench -am -DskipTests package)
fi

# Which JDK, on what machine: part of every result.
"$java" -version 2>&1
echo "cpus: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg)"

jvm_flags=()
major=$("$java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
if (( ${major:-17} >= 24 )); then
  # JDK 24+ warns about (and will later deny) native access and sun.misc.Unsafe memory access.
  jvm_flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
fi

# Keep a CSV for the MB/s summary below, unless the caller chose their own result file.
csv=
if [[ " $* " != *" -rf "* && " $* " != *" -rff "* ]]; then
  mkdir -p "$root/bench/results/tmp"
  csv=$root/bench/results/tmp/jmh-java$major-$(date +%Y%m%dT%H%M%S).csv
  set -- -rf csv -rff "$csv" "$@"
fi

"$java" "${jvm_flags[@]}" -jar "$jar" "${quick[@]}" "$@"

if [[ -n $csv && -f $csv ]]; then
  echo
  echo "MB/s (10^6 B/s) on Java $major, 99.9% error; csv: $csv"
  awk -F, 'NR > 1 {
      gsub(/"/, ""); name = $1; sub(/^io\.staex\.bench\./, "", name)
      printf "  %-62s %10.1f ± %.1f\n", name, $5, $6
    }' "$csv"
fi
