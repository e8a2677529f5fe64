# Shared by up.sh, down.sh and run.sh: where the testbed keeps its state and how it is driven.
#
#   TESTBED_DIR      state directory (default /tmp/staex-testbed): topology, keys, configs, logs,
#                    the namespaces made (netns.txt) and the processes started (pids.txt)
#   TESTBED_PREFIX   namespace names are PREFIX + node index (default stb: stb0 ... stb49)
#   TESTBED_SEED     topology seed (default 14)
#   TESTBED_RESULTS  where run.sh writes <scenario>.txt (default testbed/results)
#   TESTBED_JAVA_OPTS  JAVA_OPTS for every node (default: the launcher's small-device defaults)
#   TESTBED_NODE_CONF  extra lines inside every node's staex { } block, e.g.
#                    'routing { keepalive-interval = 1s }'
set -euo pipefail
testbed_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export TESTBED_DIR=${TESTBED_DIR:-/tmp/staex-testbed}

testbed_require() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "testbed: needs root (network namespaces, veth, iptables, tc)" >&2
    exit 1
  fi
  local t
  for t in ip iptables tc python3 curl; do
    command -v "$t" >/dev/null || { echo "testbed: needs $t" >&2; exit 1; }
  done
}

testbed_py() { exec python3 "$testbed_here/tb.py" "$@"; }
