#!/usr/bin/env bash
# Runs the routing simulator at scale: the real RoutingNode on every node of a tree with
# fan-out 10 and 10 % cross links (second parents), cold start, invariant check, route
# recomputation at the root, one failover, the root's heap. See docs/routing-sim.md.
#
#   bench/routing-scale.sh [NODES] [SEED]        # default 100000 nodes, seed 1
#   JAVA_OPTS=-Xmx12g bench/routing-scale.sh 200000
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/routing-scale.sh
#   VERIFY=direct bench/routing-scale.sh 10000    # verify every state at every node (no shared memo)
#
# Builds the simulator (routing/sim, with routing and crypto) with Maven offline first.
# The last line of the output is
#   routing-scale nodes=N recompute_ms=X root_heap_mb=Y converge_s=Z msgs_per_node=W failover_periods=F
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
nodes=${1:-100000}
seed=${2:-1}
java=java
if [[ -n ${JAVA_HOME:-} ]]; then java=$JAVA_HOME/bin/java; fi

(cd "$root" && mvn -B -q -pl routing/sim -am -DskipTests -o package) >&2

m2=${M2_REPO:-$HOME/.m2/repository}
bc=$m2/org/bouncycastle
cp=$root/routing/sim/target/classes:$root/routing/target/classes:$root/crypto/target/classes
for jar in bcprov bcpkix bcutil; do
  cp=$cp:$bc/$jar-jdk18on/1.87/$jar-jdk18on-1.87.jar
done

# Which JDK, on what machine: part of every result.
"$java" -version 2>&1 | head -1 >&2
echo "cpus: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$java" ${JAVA_OPTS:--Xmx8g} -cp "$cp" io.staex.routing.sim.ScaleRun "$nodes" "$seed" "${VERIFY:-memo}"
