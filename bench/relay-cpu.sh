#!/usr/bin/env bash
# Where the CPU goes on a one-relay path, per node process (the A/B tool behind the data-path
# changes of issue 6; bench/run.sh is the side-by-side benchmark):
#
#   client (python) → user ─▶ root ◀─ gateway → socat serving a sparse file
#
#   bench/relay-cpu.sh [MIB] ["extra config lines"]     # default 1024 MiB per download
#   JAVA_OPTS=... bench/relay-cpu.sh 1024               # another JVM setting, e.g. for an A/B
#   PROFILE=/tmp/prof bench/relay-cpu.sh 1024           # JFR of each node (settings=profile)
#   REPO=/tmp/base bench/relay-cpu.sh 512               # the nodes of another checkout (its
#       node/target/staex.jar): the two sides of an A/B measured by this one script
#   SNAPSHOT=/tmp/snap bench/relay-cpu.sh 512           # where each node's memory is, idle, in
#       the middle of the second timed download and after (smaps_rollup, and with
#       JAVA_OPTS=-XX:NativeMemoryTracking=summary the JVM's NMT summary; heap and threads)
#
# One warm-up download, then three timed ones; prints MB/s of each, the CPU seconds
# (utime + stime from /proc) each node used for the three, and each node's RSS idle and after.
# The machine is shared: alternate the two sides of an A/B and compare CPU, not only MB/s.
set -euo pipefail
repo=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}; mib=${1:-1024}; extra=${2:-}
work=$(mktemp -d /tmp/staex-relay-cpu.XXXXXX); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
staex=$repo/staex
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cd "$work"
"$staex" network create --out network.key >/dev/null
for n in root gateway user; do
  "$staex" keygen --out "$n.key" >/dev/null
  "$staex" cert issue --network-key network.key --node-key "$n.key" --out "$n.crt" >/dev/null 2> >(grep -v "^serial: " >&2)
done
addr() { "$staex" addr "$1.key"; }
root_port=$(free_port); srv=$(free_port); fwd=$(free_port)
conf() { printf 'staex {\n  key = %s.key\n  cert = %s.crt\n  %s\n  %s\n}\n' "$1" "$1" "$2" "$extra" > "$1.conf"; }
conf root "listen = \"127.0.0.1:$root_port\""
conf gateway "parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]
  services = [ { port = 80, target = \"127.0.0.1:$srv\" } ]"
conf user "parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]
  forwards = [ { listen = \"127.0.0.1:$fwd\", to = \"$(addr gateway).staex:80\" } ]"
truncate -s "${mib}M" blob
socat -U -b 262144 TCP-LISTEN:"$srv",fork,reuseaddr,bind=127.0.0.1 OPEN:blob & pids+=($!)
declare -A np
for n in root gateway user; do "$staex" run -c "$n.conf" >"$n.out" 2>"$n.err" & np[$n]=$!; pids+=($!); done
for _ in $(seq 150); do
  if "$staex" status -c user.conf --json 2>/dev/null | grep -q '"activeParent":"'; then
    if "$staex" status -c gateway.conf --json 2>/dev/null | grep -q '"activeParent":"'; then break; fi; fi
  sleep 0.2
done
sleep 4
rss=""; for n in root gateway user; do rss="$rss $n=$(( $(awk '/VmRSS/ {print $2}' /proc/${np[$n]}/status) / 1024 ))"; done
cat > sink.py <<'P'
import socket, sys, time
port, want = int(sys.argv[1]), int(sys.argv[2])
a = time.perf_counter(); c = socket.create_connection(("127.0.0.1", port))
buf = bytearray(262144); got = 0
while True:
    k = c.recv_into(buf)
    if k == 0: break
    got += k
e = time.perf_counter()
if got != want: raise SystemExit(f"got {got} bytes, want {want}")
print(round(want / (e - a) / 1e6, 1))
P
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
snapshot() { # $1: idle, busy or after
  [[ -n "${SNAPSHOT:-}" ]] || return 0
  mkdir -p "$SNAPSHOT"
  for n in root gateway user; do
    local f=$SNAPSHOT/$n-$1.txt p=${np[$n]}
    { grep -E 'VmRSS|RssAnon|RssFile|RssShmem|Threads' /proc/$p/status; cat /proc/$p/smaps_rollup
      jcmd $p GC.heap_info; jcmd $p VM.native_memory summary 2>/dev/null || true
      jcmd $p Thread.print | grep -E '^"' | sed 's/ #.*//'; } >"$f" 2>&1 || true
  done
}
snapshot idle
python3 sink.py $fwd $((mib*1048576)) >/dev/null
if [[ -n "${PROFILE:-}" ]]; then for n in root gateway user; do jcmd ${np[$n]} JFR.start name=p settings=profile >/dev/null; done; fi
declare -A c0; for n in root gateway user; do c0[$n]=$(cpu ${np[$n]}); done
r=""; for i in 1 2 3; do
  if [[ $i == 2 && -n "${SNAPSHOT:-}" ]]; then
    python3 sink.py $fwd $((mib*1048576)) >mbps2 & sp=$!
    sleep 1; snapshot busy; wait $sp; r="$r $(cat mbps2)"
  else r="$r $(python3 sink.py $fwd $((mib*1048576)))"; fi
done
out="MBps:$r cpu_s(3x${mib}MiB):"
for n in root gateway user; do out="$out $n=$(python3 -c "print(($(cpu ${np[$n]})-${c0[$n]})/100)")"; done
if [[ -n "${PROFILE:-}" ]]; then for n in root gateway user; do jcmd ${np[$n]} JFR.dump name=p filename=$PROFILE/$n.jfr >/dev/null; done; fi
rss2=""; for n in root gateway user; do rss2="$rss2 $n=$(( $(awk '/VmRSS/ {print $2}' /proc/${np[$n]}/status) / 1024 ))"; done
snapshot after
echo "$out idleRSS:$rss busyRSS:$rss2 load=$(cut -d' ' -f1 /proc/loadavg)"
