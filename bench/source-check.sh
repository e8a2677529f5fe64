#!/usr/bin/env bash
# Runs the reverse-path source check in the routing simulator at scale: a random network with
# several parents, link costs and latencies, crashes, restarts, cuts and closed links, packets
# between random pairs from the cold start on and spoofers among the members. Fails (exit 1) if
# a legitimate packet is refused anywhere, or a spoofed one is not refused at its first hop.
# See docs/routing-sim.md (Data packets and the source check).
#
#   bench/source-check.sh [NODES] [SEED] [SECONDS] [PACKETS/S] [DISTURBANCES/MIN]
#                                     # default 2000 1 600 200 30 (virtual seconds)
#
# Builds the simulator (routing/sim, with routing and crypto) with Maven offline first.
# The last line of the output is
#   source-check nodes=N legit=L delivered=D checks_passed=C legit_refused=0 spoofed=S
#     spoofed_left=T spoofed_refused_first_hop=R violations=0 wall_s=W
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
java=java
if [[ -n ${JAVA_HOME:-} ]]; then java=$JAVA_HOME/bin/java; fi

(cd "$root" && mvn -B -q -pl routing/sim -am -DskipTests -o package) >&2

m2=${M2_REPO:-$HOME/.m2/repository}
bc=$m2/org/bouncycastle
cp=$root/routing/sim/target/classes:$root/routing/target/classes:$root/crypto/target/classes
for jar in bcprov bcpkix bcutil; do
  cp=$cp:$bc/$jar-jdk18on/1.87/$jar-jdk18on-1.87.jar
done

"$java" -version 2>&1 | head -1 >&2
echo "cpus: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$java" ${JAVA_OPTS:--Xmx4g} -cp "$cp" io.staex.routing.sim.SourceCheckRun "$@"
