#!/usr/bin/env bash
# Where an idle node's memory is (issue 15): three fresh `staex run` nodes with the launcher's
# defaults (its start-up cache included, as a user has it after `./staex demo`), linked and then
# left alone; one line per node with its RSS, what of it is anonymous and file-backed, its PSS
# and threads, taken from /proc before anything attaches to the JVM.
#
#   root ◀─ gateway (one service)      root ◀─ user (one forward, SOCKS5, DNS)
#
#   bench/idle-memory.sh [IDLE_SECONDS]        # default 20 s after the nodes linked up
#   REPO=/tmp/base bench/idle-memory.sh        # another checkout's launcher and jar (an A/B)
#   JAVA_OPTS=... bench/idle-memory.sh         # other JVM options (their own start-up cache)
#   DETAIL=/tmp/dir bench/idle-memory.sh       # then, per node: smaps_rollup, GC.heap_info,
#       VM.native_memory summary (with JAVA_OPTS=-XX:NativeMemoryTracking=summary),
#       Thread.print's thread names, VM.classloader_stats and the largest mappings
#
# The machine is shared: alternate the two sides of an A/B (base, new, base, new). Idle memory
# does not depend on the load, the time to link up does.
set -euo pipefail
repo=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}; idle=${1:-20}
work=$(mktemp -d /tmp/staex-idle-mem.XXXXXX); pids=()
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
root_port=$(free_port); srv=$(free_port); fwd=$(free_port); socks=$(free_port); dns=$(free_port)
conf() { printf 'staex {\n  key = %s.key\n  cert = %s.crt\n  %s\n}\n' "$1" "$1" "$2" > "$1.conf"; }
parent="parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]"
conf root "listen = \"127.0.0.1:$root_port\""
conf gateway "$parent
  services = [ { port = 80, target = \"127.0.0.1:$srv\" } ]"
conf user "$parent
  forwards = [ { listen = \"127.0.0.1:$fwd\", to = \"$(addr gateway).staex:80\" } ]
  socks { listen = \"127.0.0.1:$socks\" }
  dns { listen = \"127.0.0.1:$dns\" }"
# The launcher makes its start-up cache before the first `run` (about a minute once per build);
# made here, so that no node of the three starts without it while another makes it.
"$staex" run -c "$work/none.conf" >/dev/null 2>&1 || true
declare -A np
for n in root gateway user; do "$staex" run -c "$n.conf" >"$n.out" 2>"$n.err" & np[$n]=$!; pids+=($!); done
linked=""
for _ in $(seq 600); do
  if "$staex" status -c user.conf --json 2>/dev/null | grep -q '"activeParent":"' &&
      "$staex" status -c gateway.conf --json 2>/dev/null | grep -q '"activeParent":"'; then
    linked=1; break
  fi
  sleep 0.2
done
[[ -n $linked ]] || { echo "the nodes did not link up" >&2; tail -3 ./*.err >&2; exit 1; }
sleep "$idle"
kb() { awk -v k="$2:" '$1 == k {print $2}' "$1"; }
mb() { python3 -c "print(round($1 / 1024, 1))"; }
line=""
for n in root gateway user; do
  p=${np[$n]}
  cp /proc/$p/smaps_rollup "$n.rollup"; cp /proc/$p/status "$n.status"
  line+="$n RSS=$(mb "$(kb "$n.status" VmRSS)") anon=$(mb "$(kb "$n.status" RssAnon)")"
  line+=" file=$(mb "$(kb "$n.status" RssFile)") pss=$(mb "$(kb "$n.rollup" Pss)")"
  line+=" threads=$(kb "$n.status" Threads)  "
done
echo "${line}idle=${idle}s load=$(cut -d' ' -f1 /proc/loadavg)"
if [[ -n "${DETAIL:-}" ]]; then
  mkdir -p "$DETAIL"
  for n in root gateway user; do
    p=${np[$n]} f=$DETAIL/$n.txt
    { cat "$n.status" "$n.rollup"
      echo "## largest mappings (RSS KiB, path)"
      awk '/^[0-9a-f]+-[0-9a-f]+ / {name = $6 == "" ? "[anon]" : $6} /^Rss:/ {rss[name] += $2}
           END {for (k in rss) print rss[k], k}' /proc/$p/smaps | sort -rn | head -15
      jcmd "$p" GC.heap_info; jcmd "$p" VM.native_memory summary 2>/dev/null || true
      jcmd "$p" Thread.print | grep -E '^"' | sed 's/ #.*//'
      jcmd "$p" VM.classloader_stats; jcmd "$p" VM.metaspace 2>/dev/null | head -40
    } >"$f" 2>&1 || true
  done
fi
