#!/usr/bin/env bash
# Fuzzes every decoder that reads bytes from outside with Jazzer, one target at a time, each
# for SECONDS (default 600): the @FuzzTest methods that plain `mvn test` only replays.
#
#   bench/fuzz.sh [SECONDS] [FILTER]     # FILTER: a regex over the target names below
#   bench/fuzz.sh 60                     # every target for a minute
#   bench/fuzz.sh 600 'Link|Session'     # two targets for ten minutes each
#
# A crash (an exception the decoder's contract does not allow, a failed assertion, a timeout
# of 10 s on one input, an OutOfMemoryError within -Xmx1g) is written by Jazzer as crash-<sha1>
# into the target's inputs folder, src/test/resources/<package>/<Class>Inputs/<method>/, which
# `mvn test` replays from then on: fix the decoder and commit the input with the fix.
# The corpus Jazzer grows (inputs that reached new code) stays in <module>/.cifuzz-corpus/
# (not committed) so that the next run starts from it.
#
# Prints per target: seconds fuzzed (libFuzzer's own count, without the JVM's start and the
# instrumentation), executions, coverage (libFuzzer's cov: edges), corpus size, and findings
# (new crash files); the last line sums them up; each target's full log is in
# bench/results/tmp/fuzz/. Builds once (Maven, offline) first.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
filter=${2:-.}
java=java
if [[ -n ${JAVA_HOME:-} ]]; then java=$JAVA_HOME/bin/java; fi

# module (its directory)  class#method  extra classes to instrument (libraries the decoder is made of)
targets=(
  "proxy/base  io.staex.proxy.frame.LinkFrameFuzzTest#decodeRecord"
  "proxy/base  io.staex.proxy.frame.SessionFrameFuzzTest#decode"
  "proxy/base  io.staex.proxy.frame.StreamFrameFuzzTest#decodeBatch"
  "proxy/base  io.staex.proxy.frame.RoutingAssemblerFuzzTest#add"
  "routing     io.staex.routing.RoutingCodecFuzzTest#decodeMessage      org.bouncycastle.asn1.**"
  "routing     io.staex.routing.RoutingCodecFuzzTest#decodeState        org.bouncycastle.asn1.**"
  "crypto      io.staex.crypto.CertificateFuzzTest#decode               org.bouncycastle.asn1.**"
  "crypto      io.staex.crypto.KeyFilesFuzzTest#read                    org.bouncycastle.asn1.**,org.bouncycastle.util.io.pem.**"
  "proxy/doors io.staex.proxy.socks.internal.SocksHandshakeFuzzTest#handshake  io.netty.handler.codec.socksx.**"
  "resolver    io.staex.resolver.DnsQueryFuzzTest#answer                org.xbill.DNS.**"
  "proxy/doors io.staex.proxy.rtsp.internal.RtspMessageFuzzTest#parse"
  "conf        io.staex.conf.NodeConfigFuzzTest#load                    com.typesafe.config.**"
)

modules=$(printf '%s\n' "${targets[@]}" | awk '{print $1}' | sort -u | paste -sd, -)
echo "building $modules (offline) ..." >&2
(cd "$root" && mvn -B -o -q -pl "$modules" -am test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz-classpath.txt) >&2 || exit 1

"$java" -version 2>&1 | head -1 >&2
echo "cpus: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg), ${seconds} s per target" >&2

log_dir=$root/bench/results/tmp/fuzz
mkdir -p "$log_dir"
total_runs=0 total_findings=0 failed=0
printf '%-42s %7s %11s %6s %7s %8s\n' target fuzz_s execs cov corpus findings
for entry in "${targets[@]}"; do
  read -r module test extra <<<"$entry"
  [[ $test =~ $filter ]] || continue
  class=${test%#*} method=${test#*#}
  dir=$root/$module
  inputs=$dir/src/test/resources/${class//.//}Inputs/$method
  mkdir -p "$inputs" # Jazzer writes findings here only if the folder exists
  before=$(find "$inputs" -name 'crash-*' | wc -l)
  cp="$dir/target/test-classes:$dir/target/classes:$(cat "$dir/target/fuzz-classpath.txt")"
  log=$log_dir/${class##*.}-$method.log
  start=$(date +%s)
  # shellcheck disable=SC2086 # FUZZ_JAVA_OPTS is a list of options
  (cd "$dir" && JAZZER_FUZZ=1 nice "$java" -Xmx1g ${FUZZ_JAVA_OPTS:-} -cp "$cp" \
      -Djazzer.hooks=true \
      -Djazzer.instrument="io.staex.**${extra:+,$extra}" \
      -Djazzer.keep_going=20 \
      -Djazzer.internal.basedir="$dir" \
      -Djazzer.internal.arg.0=fuzz \
      -Djazzer.internal.arg.1=-max_total_time="$seconds" \
      -Djazzer.internal.arg.2=-timeout=10 \
      -Djazzer.internal.arg.3=-print_final_stats=1 \
      "$root/bench/fuzz/RunFuzzTest.java" "$test") >"$log" 2>&1
  status=$?
  took=$(( $(date +%s) - start ))
  fuzzed=$(grep -ao 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 | awk '{print $5}')
  execs=$(grep -ao 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  cov=$(grep -ao ' cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  corpus=$(grep -ao ' corp: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  findings=$(( $(find "$inputs" -name 'crash-*' | wc -l) - before ))
  printf '%-42s %7s %11s %6s %7s %8s\n' "${class##*.}#$method" "${fuzzed:-?}" "${execs:-?}" \
      "${cov:-?}" "${corpus:-?}" "$findings"
  if [[ $status -ne 0 && $findings -eq 0 ]]; then
    echo "  exit $status without a saved finding (${took} s): see $log" >&2
    failed=$((failed + 1))
  fi
  total_runs=$((total_runs + ${execs:-0}))
  total_findings=$((total_findings + findings))
  find "$dir/src/test/resources" -type d -empty -delete # no empty inputs folders left behind
done
echo "fuzz seconds_per_target=$seconds executions=$total_runs findings=$total_findings errors=$failed"
[[ $total_findings -eq 0 && $failed -eq 0 ]]
