#!/usr/bin/env bash
# The warm 64-byte round trip, A/B, with what each node spends on it (issue 15):
#
#   client (python) → user ─▶ root ◀─ gateway → echo (python)
#
#   bench/rtt-ab.sh [--first-contact] NAME=REPO [NAME=REPO ...]   # each REPO a checkout with
#                                                                 # node/target/staex.jar
#   ROUNDS=2 N=20000 WARM=20000 bench/rtt-ab.sh old=/tmp/rtt-old new=.   # the defaults
#   --first-contact: instead of round trips, new streams to a gateway the user has no session
#                    with (the user closes a session 300 ms after its last stream,
#                    limits.idle-timeout = 300ms): before each sample the client polls the user's
#                    control socket until it lists no session, then connect → 1 byte → its echo.
#                    WARM such first contacts (default 100), then N measured (default 60); it
#                    prints p50, p90 and p99 in µs. CPU and switches are per first contact.
#   STRACE=gateway bench/rtt-ab.sh ...   # also strace -c -f that node over the measured round
#                                        # trips (slows it: read its counts, not the times)
#   JFR=/tmp/jfr bench/rtt-ab.sh ...     # a JFR recording (settings=profile) of each node over
#                                        # the measured round trips: JFR/NAME-ROUND-NODE.jfr
#                                        # (JFR_SETTINGS=file.jfc: other settings)
#   SIDE_ENV_new="STAEX_CACHE=off" ...   # environment for one side's nodes only (shell words:
#                                        # SIDE_ENV_x='JAVA_OPTS="-Xa -Xb"')
#   THREADS=1 bench/rtt-ab.sh ...        # also each node's busiest threads (µs per round trip)
#   PERF=gateway bench/rtt-ab.sh ...     # perf record (flat, JIT symbols from jcmd
#                                        # Compiler.perfmap) and perf stat (syscalls, switches)
#                                        # of that node over the measured round trips (stderr)
#   TIERS=1 bench/rtt-ab.sh ...          # also, per node after the measured round trips, how many
#                                        # of staex's and Netty's compiled methods (in use) are
#                                        # at each JIT tier (1-3: C1, 4: C2; jcmd Compiler.codelist);
#                                        # with PERF, also the share of that node's samples in JIT
#                                        # code by tier (issue 15: the AOT cache's training data
#                                        # keep data-path methods at tier 2)
#   KEEP=/tmp/k bench/rtt-ab.sh ...      # keep each run's folder (the nodes' stdout and stderr;
#                                        # NODE.out.from/.to: its stdout's line count at the
#                                        # start and end of the measured round trips, e.g. for
#                                        # SIDE_ENV_x="JAVA_OPTS=-XX:+PrintCompilation")
#
# Sides run alternated, ROUNDS times (a b a b ...), each with fresh `staex run` nodes (the
# launcher's defaults, its start-up cache as a user gets it unless STAEX_CACHE is set), one
# TCP connection through a forward, WARM round trips, then N measured. Per run it prints p50 and
# p99, the load, and per node over the N measured round trips: CPU (utime + stime of the whole
# JVM, /proc/PID/stat) and the event loop thread's CPU in microseconds per round trip, context
# switches per round trip (voluntary + involuntary, all threads), and with STRACE syscalls per
# round trip. The machine is shared: compare sides within a round, give the load with every
# figure, and prefer the CPU and switch counts to the wall-clock times.
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,/^set /p' "$0" | grep "^#"; exit 2; }
fc=0
if [[ $1 == --first-contact ]]; then fc=1; shift; fi
if ((fc)); then rounds=${ROUNDS:-2}; n=${N:-60}; warm=${WARM:-100}
else rounds=${ROUNDS:-2}; n=${N:-20000}; warm=${WARM:-20000}; fi
hz=$(getconf CLK_TCK)
bench=$(cd "$(dirname "$0")" && pwd)  # for bench/first_echo.py
work=$(mktemp -d /tmp/staex-rtt-ab.XXXXXX); pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
cleanup() { stop_all; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
jcmd_bin() { # the jcmd of the JDK running PID $1
  local exe; exe=$(readlink "/proc/$1/exe"); echo "${exe%/java}/jcmd"
}
cat >"$work/echo.py" <<'P'
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
def serve(c):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with c:  # closed at EOF: a stream ends only when both sides finished
        while True:
            d = c.recv(65536)
            if not d: break
            c.sendall(d)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
P
# Warms up, says "warm", waits for a line on stdin, measures, prints the figures.
cat >"$work/rtt.py" <<'EOF'
import socket, sys, time
port, n, warm = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for i in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", port)); break
    except OSError:
        time.sleep(0.1)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
msg = bytes(range(64)); buf = bytearray(64); view = memoryview(buf)
def once():
    c.sendall(msg); got = 0
    while got < 64:
        k = c.recv_into(view[got:])
        if k == 0: raise SystemExit("connection closed")
        got += k
    if buf != msg: raise SystemExit("echo differs")
for _ in range(warm): once()
print("warm", flush=True)
sys.stdin.readline()
t = []
a0 = time.perf_counter_ns()
for _ in range(n):
    a = time.perf_counter_ns(); once(); t.append(time.perf_counter_ns() - a)
wall = time.perf_counter_ns() - a0
t.sort()
print("p50_us", round(t[len(t) // 2] / 1000, 1), "p99_us", round(t[min(len(t) - 1, int(len(t) * 0.99))] / 1000, 1),
      "wall_s", round(wall / 1e9, 2), flush=True)
EOF
# ticks of the whole process; ticks of its event loop threads; switches (all threads)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
loop_ticks() { # the event loop threads ("multiThreadIoEventLoopGroup-N-M", cut to 15 characters)
  local t sum=0
  for t in /proc/"$1"/task/*; do
    if grep -qE '^multiThreadIoEv' "$t/comm" 2>/dev/null; then
      sum=$(( sum + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0) ))
    fi
  done
  echo "$sum"
}
thread_ticks() { # "name ticks" per thread, names cut to 15 characters
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ <"$t/comm" 2>/dev/null)" "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)"
  done
}
busiest() { # the threads (by name, summed) that used the most CPU between two thread_ticks
  python3 - "$1" "$2" "$3" "$hz" <<'PY'
import sys, collections
def load(f):
    d = collections.Counter()
    for l in open(f):
        k, v = l.rsplit(' ', 1); d[k.rstrip('-0123456789#')] += int(v)
    return d
a, b, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
hz = int(sys.argv[4])
top = sorted(((b[k] - a.get(k, 0), k) for k in b), reverse=True)[:4]
print(" ".join(f"{k}:{v * 1e6 / hz / n:.0f}" for v, k in top if v > 0))
PY
}
tiers() { # "tier:count ..." of io.staex and io.netty methods compiled and in use (state 0)
  awk '$3 == 0 && $4 ~ /^io\.(staex|netty)\./ {c[$2]++} END {for (t = 1; t <= 4; t++) printf "%d:%d ", t, c[t]}' "$1"
}
jit_tiers() { # stdin: sample addresses (perf script -F ip); $1: a codelist taken after the samples
  python3 -c "$(cat <<'PY'
import bisect, collections, sys
ranges = []
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) < 6 or not p[0].isdigit() or not line.rstrip().endswith("]"):
        continue
    a, b = line.rsplit("[", 1)[1].rstrip("]\n").split(",")[1].split("-")
    ranges.append((int(a, 16), int(b, 16), int(p[1]), p[3].startswith(("io.staex.", "io.netty."))))
ranges.sort()
starts = [r[0] for r in ranges]
count = collections.Counter(); total = 0
for line in sys.stdin:
    try:
        ip = int(line.strip(), 16)
    except ValueError:
        continue
    total += 1
    i = bisect.bisect_right(starts, ip) - 1
    if i >= 0 and ranges[i][0] <= ip < ranges[i][1]:
        count[ranges[i][2]] += 1
        if ranges[i][3]:
            count["app%d" % ranges[i][2]] += 1
print(" ".join(f"tier{t} {100 * count[t] / max(total, 1):.1f}% (staex+netty {100 * count['app%d' % t] / max(total, 1):.1f}%)" for t in range(1, 5)),
      f"of {total} samples")
PY
)" "$1"
}
switches() {
  local t sum=0 v
  for t in /proc/"$1"/task/*; do
    v=$(awk '/ctxt_switches/ {s += $2} END {print s + 0}' "$t/status" 2>/dev/null || echo 0)
    sum=$(( sum + v ))
  done
  echo "$sum"
}

run_side() { # NAME REPO ROUND
  local name=$1 repo=$2 round=$3 staex=$2/staex dir="$work/$1-$3"
  mkdir -p "$dir"; cd "$dir"
  local envvar="SIDE_ENV_$name"; local -a side_env=(); eval "side_env=(${!envvar:-})" # shell words, quotes kept
  "$staex" network create --out network.key >/dev/null
  for x in root gateway user; do
    "$staex" keygen --out "$x.key" >/dev/null
    "$staex" cert issue --network-key network.key --node-key "$x.key" --out "$x.crt" >/dev/null 2>&1
  done
  addr() { "$staex" addr "$1.key"; }
  local root_port srv fwd; root_port=$(free_port); srv=$(free_port); fwd=$(free_port)
  conf() { printf 'staex {\n  key = %s.key\n  cert = %s.crt\n  %s\n}\n' "$1" "$1" "$2" > "$1.conf"; }
  conf root "listen = \"127.0.0.1:$root_port\""
  conf gateway "parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]
  services = [ { port = 7, target = \"127.0.0.1:$srv\" } ]"
  local user_limits=""; ((fc)) && user_limits="limits.idle-timeout = 300ms"
  conf user "$user_limits
  parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]
  forwards = [ { listen = \"127.0.0.1:$fwd\", to = \"$(addr gateway).staex:7\" } ]"
  python3 "$work/echo.py" "$srv" & pids+=($!)
  declare -A np
  for x in root gateway user; do
    env "${side_env[@]}" "$staex" run -c "$x.conf" >"$x.out" 2>"$x.err" & pids+=($!); np[$x]=$!
  done
  for _ in $(seq 600); do
    if "$staex" status -c user.conf --json 2>/dev/null | grep -q '"activeParent":"'; then
      if "$staex" status -c gateway.conf --json 2>/dev/null | grep -q '"activeParent":"'; then break; fi; fi
    sleep 0.2
  done
  if ((fc)); then coproc RTT { python3 "$bench/first_echo.py" "$fwd" "$n" "$warm" "$dir/user.sock" --pause; }
  else coproc RTT { python3 "$work/rtt.py" "$fwd" "$n" "$warm"; }; fi
  local line; read -r line <&"${RTT[0]}"
  [[ "$line" == warm ]] || { echo "$name: no warm-up: $line" >&2; return 1; }
  local -A c0 l0 s0; local x st=""
  if [[ -n "${JFR:-}" ]]; then
    mkdir -p "$JFR"
    for x in root gateway user; do "$(jcmd_bin "${np[$x]}")" "${np[$x]}" JFR.start name=rtt settings="${JFR_SETTINGS:-profile}" >/dev/null; done
  fi
  if [[ -n "${STRACE:-}" ]]; then
    strace -c -f -qq -p "${np[$STRACE]}" -o "$dir/strace.txt" & st=$!
    sleep 1
  fi
  local pr="" ps=""
  if [[ -n "${PERF:-}" ]]; then
    perf record -q -F "${PERF_HZ:-2999}" -p "${np[$PERF]}" -o "$dir/perf.data" 2>/dev/null & pr=$!
    perf stat -e task-clock,context-switches,raw_syscalls:sys_enter -p "${np[$PERF]}" -o "$dir/perf-stat.txt" 2>/dev/null & ps=$!
    sleep 1
  fi
  local load0; load0=$(cut -d' ' -f1 /proc/loadavg)
  for x in root gateway user; do
    c0[$x]=$(cpu_ticks "${np[$x]}"); l0[$x]=$(loop_ticks "${np[$x]}"); s0[$x]=$(switches "${np[$x]}")
    [[ -z "${THREADS:-}" ]] || thread_ticks "${np[$x]}" >"$dir/$x.t0"
    wc -l <"$x.out" >"$x.out.from" # the measured round trips' lines of its stdout start after this
  done
  echo go >&"${RTT[1]}"
  local result; read -r result <&"${RTT[0]}"
  local out="$name round $round: $result load $load0-$(cut -d' ' -f1 /proc/loadavg)"
  for x in user root gateway; do
    local dc dl ds
    dc=$(( $(cpu_ticks "${np[$x]}") - c0[$x] )); dl=$(( $(loop_ticks "${np[$x]}") - l0[$x] ))
    ds=$(( $(switches "${np[$x]}") - s0[$x] ))
    out="$out | $x cpu_us $(python3 -c "print(round($dc * 1e6 / $hz / $n, 1))")"
    out="$out loop_us $(python3 -c "print(round($dl * 1e6 / $hz / $n, 1))")"
    out="$out csw $(python3 -c "print(round($ds / $n, 2))")"
    if [[ -n "${THREADS:-}" ]]; then
      thread_ticks "${np[$x]}" >"$dir/$x.t1"; out="$out [$(busiest "$dir/$x.t0" "$dir/$x.t1" "$n")]"
    fi
    if [[ -n "${TIERS:-}" ]]; then
      "$(jcmd_bin "${np[$x]}")" "${np[$x]}" Compiler.codelist >"$dir/$x.codelist" 2>/dev/null || true
      out="$out tiers $(tiers "$dir/$x.codelist")"
    fi
  done
  if [[ -n "$pr" ]]; then
    kill -INT "$pr" "$ps" 2>/dev/null || true; wait "$pr" "$ps" 2>/dev/null || true
    "$(jcmd_bin "${np[$PERF]}")" "${np[$PERF]}" Compiler.perfmap >/dev/null 2>&1 || true
    local sc; sc=$(awk '/raw_syscalls:sys_enter/ {gsub(",", "", $1); print $1}' "$dir/perf-stat.txt")
    out="$out | $PERF syscalls/rt (perf, whole recording) $(python3 -c "print(round(${sc:-0} / $n, 2))")"
    echo "--- perf report of $PERF ($name round $round), top symbols:" >&2
    perf report -i "$dir/perf.data" --no-children --sort dso,sym --percent-limit 0.7 --stdio 2>/dev/null \
      | grep -v '^#' | grep -v '^$' | head -${PERF_TOP:-45} >&2 || true
    cat "$dir/perf-stat.txt" >&2
    if [[ -n "${TIERS:-}" ]]; then
      echo "--- $PERF: share of all samples in JIT code, by tier ($name round $round):" >&2
      perf script -i "$dir/perf.data" -F ip 2>/dev/null | jit_tiers "$dir/$PERF.codelist" >&2 || true
    fi
  fi
  if [[ -n "$st" ]]; then
    kill -INT "$st" 2>/dev/null || true; wait "$st" 2>/dev/null || true
    local calls; calls=$(awk '$NF == "total" {print $(NF-2)}' "$dir/strace.txt")
    out="$out | $STRACE syscalls/rt $(python3 -c "print(round(${calls:-0} / $n, 2))")"
    echo "--- strace -c of $STRACE ($name round $round, $n round trips):" >&2
    cat "$dir/strace.txt" >&2
  fi
  if [[ -n "${JFR:-}" ]]; then
    for x in root gateway user; do
      "$(jcmd_bin "${np[$x]}")" "${np[$x]}" JFR.dump name=rtt filename="$JFR/$name-$round-$x.jfr" >/dev/null
    done
  fi
  for x in root gateway user; do wc -l <"$x.out" >"$x.out.to"; done
  local acks
  acks=$("$staex" status -c gateway.conf --json 2>/dev/null | grep -o '"acksSent":{[^}]*}' || echo "")
  echo "$out${acks:+ | gateway $acks}"
  stop_all
  if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP"; cp -r "$dir" "$KEEP/"; fi
  cd "$work"
}

echo "# $(date -u +%FT%TZ)$( ((fc)) && echo " first contact:") rounds $rounds, $n measured after $warm warm, $(nproc) cores"
for s in "$@"; do
  name=${s%%=*}; repo=$(cd "${s#*=}" && pwd)
  echo "# $name = $repo at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD -- 2>/dev/null || echo ' (+ uncommitted)')"
done
for ((r = 1; r <= rounds; r++)); do
  for s in "$@"; do
    run_side "${s%%=*}" "$(cd "${s#*=}" && pwd)" "$r"
  done
done
