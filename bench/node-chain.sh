#!/usr/bin/env bash
# One TCP stream through real staex processes over two relays, and the memory of idle nodes:
#
#   curl → user ─▶ relay ─▶ root ◀─ gateway → HTTP server (python3 -m http.server)
#          forward  (relay 1) (relay 2)  service
#
#   bench/node-chain.sh [MIB]            # default 1024 MiB per download
#   JAVA_HOME=/usr/lib/jvm/temurin-17-jdk-amd64 bench/node-chain.sh   # another JDK
#   JAVA_OPTS=-Xmx256m bench/node-chain.sh
#
# Uses ./staex (the newest JDK unless JAVA_HOME says otherwise), builds the jar if stale.
# Downloads the file three times (the first warms the JIT: AES-GCM and the data path need
# seconds to reach full speed) and reports the best of the last two. RSS is read from /proc
# after the nodes linked up and sat idle for 5 s. The last line is
#   node-chain relays=2 mib=N bulk_MBps=X rss_idle_mb=root:A,relay:B,gateway:C,user:D
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mib=${1:-1024}
work=$(mktemp -d /tmp/staex-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "node-chain.sh: needs $tool" >&2; exit 1; }
done
staex=$root/staex
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cd "$work"
"$staex" network create --out network.key >/dev/null
for n in root relay gateway user; do
  "$staex" keygen --out "$n.key" >/dev/null
  "$staex" cert issue --network-key network.key --node-key "$n.key" --out "$n.crt" >/dev/null 2> >(grep -v "^serial: " >&2)
done
addr() { "$staex" addr "$1.key"; }
root_port=$(free_port); relay_port=$(free_port); http_port=$(free_port); fwd_port=$(free_port)
conf() { printf 'staex {\n  key = %s.key\n  cert = %s.crt\n  %s\n}\n' "$1" "$1" "$2" > "$1.conf"; }
conf root "listen = \"127.0.0.1:$root_port\""
conf relay "listen = \"127.0.0.1:$relay_port\"
  parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]"
conf gateway "parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]
  services = [ { port = 80, target = \"127.0.0.1:$http_port\" } ]"
conf user "parents = [ { address = \"127.0.0.1:$relay_port\", key = \"$(addr relay)\" } ]
  forwards = [ { listen = \"127.0.0.1:$fwd_port\", to = \"$(addr gateway).staex:80\" } ]"

mkdir www
truncate -s "${mib}M" www/blob
(cd www && exec python3 -m http.server "$http_port" --bind 127.0.0.1 >/dev/null 2>&1) &
pids+=($!)
declare -A node_pid
for n in root relay gateway user; do
  "$staex" run -c "$n.conf" >"$n.out" 2>"$n.err" &
  node_pid[$n]=$!
  pids+=($!)
done

# Which JDK, on what machine: part of every result.
"${JAVA_HOME:-$(ls -d /usr/lib/jvm/*/ | sort -V | tail -1)}"/bin/java -version 2>&1 | head -1 >&2
echo "cpus: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for _ in $(seq 100); do
  if "$staex" status -c user.conf --json 2>/dev/null | grep -q '"activeParent":"'; then
    if "$staex" status -c root.conf --json 2>/dev/null | grep -q '"viewSize":4'; then break; fi
  fi
  sleep 0.2
done
sleep 5
rss=""
for n in root relay gateway user; do
  kb=$(awk '/VmRSS/ {print $2}' "/proc/${node_pid[$n]}/status")
  rss="$rss${rss:+,}$n:$((kb / 1024))"
done
echo "idle RSS (MB): $rss" >&2

best=0
for i in 1 2 3; do
  bps=$(curl -sS --fail -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$fwd_port/blob")
  mbps=$(python3 -c "print(round($bps / 1e6))")
  echo "download $i: $mib MiB at $mbps MB/s" >&2
  if [[ $i -gt 1 && $mbps -gt $best ]]; then best=$mbps; fi
done
echo "node-chain relays=2 mib=$mib bulk_MBps=$best rss_idle_mb=$rss"
