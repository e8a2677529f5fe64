#!/usr/bin/env bash
# Times a full Dijkstra recomputation of the routing graph for a large network (see
# io.staex.routing.internal.DijkstraScale) and says which JDK ran it.
#
#   bench/routing-dijkstra.sh [vertices [fanOut [crossPercent [runs [warmUp]]]]]
#   bench/routing-dijkstra.sh                     # 100 000 vertices, fan-out 10, 5 % cross links
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/routing-dijkstra.sh
#
# JAVA_HOME picks the JDK that runs it (else `java` on the PATH). The routing module and what it
# needs are built first, offline and without tests. Generating 100 000 Ed25519 addresses takes
# a few seconds before the timing starts. Extra JVM flags: JAVA_OPTS (default -Xmx1g).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
java=java
if [[ -n ${JAVA_HOME:-} ]]; then java=$JAVA_HOME/bin/java; fi

(cd "$root" && mvn -B -q -pl routing -am -DskipTests -o package)

# BouncyCastle, at the version the parent POM manages, from the local Maven repository.
bc_version=$(sed -n 's:.*<bouncycastle.version>\(.*\)</bouncycastle.version>.*:\1:p' "$root/pom.xml")
bc=$HOME/.m2/repository/org/bouncycastle
classpath=$root/routing/target/classes:$root/crypto/target/classes
for artifact in bcprov bcpkix bcutil; do
  jar=$bc/$artifact-jdk18on/$bc_version/$artifact-jdk18on-$bc_version.jar
  if [[ ! -f $jar ]]; then
    echo "routing-dijkstra.sh: missing $jar (run a Maven build online once)" >&2
    exit 1
  fi
  classpath=$classpath:$jar
done

"$java" -version 2>&1 | head -1
echo "cpus: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
"$java" ${JAVA_OPTS:--Xmx1g} -cp "$classpath" io.staex.routing.internal.DijkstraScale "$@"
