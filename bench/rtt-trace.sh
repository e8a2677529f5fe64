#!/usr/bin/env bash
# The 64-byte round trip's tail, one round trip at a time (issue 15):
#
#   client (python) → user ─▶ root ◀─ gateway → echo (python)
#
#   bench/rtt-trace.sh [REPO] [N]        # REPO: a checkout with node/target/staex.jar (default:
#                                        # this one); N measured round trips (5000) after 2000
#   OUT=/tmp/x bench/rtt-trace.sh ...    # keep the raw files (round trips, GC/safepoint logs)
#   HOLD=1000 bench/rtt-trace.sh ...     # then N idle streams through the forward (one byte
#                                        # echoed on each, 100 at a time): the nodes' RSS
#
# Fresh nodes with the launcher's defaults (STAEX_CACHE=off unless set), each with
# -Xlog:gc,safepoint to a file (wall-clock milliseconds). Prints p50/p90/p99/p99.9/max, a
# histogram, and what the slowest 1 % overlapped: a safepoint (a GC pause or another stop) of
# which node, or none; then the ACK counters of both ends. A round trip "overlaps" a pause when
# the pause's interval (its end as logged, minus its length) meets the round trip's.
# The machine is shared: give the load (printed) with every figure, alternate A/B sides.
set -euo pipefail
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}; n=${2:-5000}
export STAEX_CACHE=${STAEX_CACHE:-off}
work=$(mktemp -d /tmp/staex-rtt-trace.XXXXXX); pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [[ -n "${OUT:-}" ]]; then mkdir -p "$OUT"; cp "$work"/*.gc "$work"/rtt.txt "$OUT"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
staex=$repo/staex
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cd "$work"
"$staex" network create --out network.key >/dev/null
for x in root gateway user; do
  "$staex" keygen --out "$x.key" >/dev/null
  "$staex" cert issue --network-key network.key --node-key "$x.key" --out "$x.crt" >/dev/null 2>&1
done
addr() { "$staex" addr "$1.key"; }
root_port=$(free_port); srv=$(free_port); fwd=$(free_port)
# 2048 streams per session, as bench/run.sh: the default 256 would refuse HOLD=1000
conf() { printf 'staex {\n  key = %s.key\n  cert = %s.crt\n  limits { max-streams-per-session = 2048 }\n  %s\n}\n' "$1" "$1" "$2" > "$1.conf"; }
conf root "listen = \"127.0.0.1:$root_port\""
conf gateway "parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]
  services = [ { port = 7, target = \"127.0.0.1:$srv\" } ]"
conf user "parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]
  forwards = [ { listen = \"127.0.0.1:$fwd\", to = \"$(addr gateway).staex:7\" } ]"
cat > echo.py <<'P'
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
def serve(c):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        d = c.recv(65536)
        if not d: break
        c.sendall(d)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
P
python3 echo.py "$srv" & pids+=($!)
declare -A np
for x in root gateway user; do
  JAVA_OPTS="${JAVA_OPTS:-} -Xlog:gc,safepoint:file=$work/$x.gc:timemillis" \
    "$staex" run -c "$x.conf" >"$x.out" 2>"$x.err" & pids+=($!); np[$x]=$!
done
for _ in $(seq 300); do
  if "$staex" status -c user.conf --json 2>/dev/null | grep -q '"activeParent":"'; then
    if "$staex" status -c gateway.conf --json 2>/dev/null | grep -q '"activeParent":"'; then break; fi; fi
  sleep 0.2
done
cat >rtt.py <<'EOF'
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
with open("rtt.txt", "w") as f:  # wall-clock start (ns) and length (ns) of each round trip
    for _ in range(n):
        w = time.time_ns(); a = time.perf_counter_ns(); once(); d = time.perf_counter_ns() - a
        f.write(f"{w} {d}\n")
EOF
load0=$(cut -d' ' -f1 /proc/loadavg)
python3 rtt.py "$fwd" "$n" 2000
load1=$(cut -d' ' -f1 /proc/loadavg)
sleep 0.5 # the last log lines
acks() { "$staex" status -c "$1.conf" --json 2>/dev/null | grep -o '"acksSent":{[^}]*}' || echo none; }
echo "load $load0 → $load1; user $(acks user); gateway $(acks gateway)"
python3 - <<'EOF'
import re
rt = [tuple(map(int, l.split())) for l in open("rtt.txt")]
d = sorted(x[1] for x in rt)
q = lambda p: d[min(len(d) - 1, int(len(d) * p))] / 1000
print(f"n {len(d)} p50_us {q(0.5):.0f} p90_us {q(0.9):.0f} p99_us {q(0.99):.0f} "
      f"p99.9_us {q(0.999):.0f} max_us {d[-1] / 1000:.0f}")
edges = [250, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 20000, 1e12]
hist = [0] * len(edges)
for x in d:
    hist[next(i for i, e in enumerate(edges) if x / 1000 < e)] += 1
lo = 0
for e, h in zip(edges, hist):
    print(f"  {lo:>6.0f}-{e if e < 1e12 else 'inf':>6} us {h:6d}")
    lo = e
# pauses: [end_ms - len, end_ms] of every safepoint (GC pauses included) per node
pauses = []
for node in ("user", "root", "gateway"):
    gc_n = 0; gc_ms = 0.0; sp_ms = 0.0
    for l in open(f"{node}.gc"):
        m = re.match(r"\[(\d+)ms\]", l)
        if not m: continue
        t = int(m.group(1)) * 1_000_000
        s = re.search(r"Total: (\d+) ns", l)
        if s:
            ln = int(s.group(1)); pauses.append((t - ln, t, node, "safepoint")); sp_ms += ln / 1e6
        g = re.search(r"Pause.* ([\d.]+)ms$", l.strip())
        if g:
            gc_n += 1; gc_ms += float(g.group(1))
    print(f"  {node}: {gc_n} GC pauses, {gc_ms:.1f} ms; safepoints {sp_ms:.1f} ms in all")
start, end = rt[0][0], rt[-1][0] + rt[-1][1]
pauses = [p for p in pauses if p[1] >= start - 2_000_000 and p[0] <= end]
def overlap(rs):
    hit = {}
    for w, ln in rs:
        who = sorted({p[2] for p in pauses if p[0] <= w + ln + 1_000_000 and p[1] >= w - 1_000_000})
        key = "+".join(who) if who else "none"
        hit[key] = hit.get(key, 0) + 1
    return ", ".join(f"{k} {v * 100 / len(rs):.0f} %" for k, v in sorted(hit.items(), key=lambda kv: -kv[1]))
slow = sorted(rt, key=lambda x: -x[1])[: max(1, len(rt) // 100)]
print(f"slowest 1 % ({len(slow)}, from {slow[-1][1] / 1000:.0f} us) overlapping a safepoint of: "
      + overlap(slow))
print("all round trips overlapping a safepoint of: " + overlap(rt) + " (±1 ms: the log's clock)")
EOF
if [[ -n "${HOLD:-}" ]]; then
  python3 - "$fwd" "$HOLD" "${np[user]}" "${np[root]}" "${np[gateway]}" <<'EOF'
import socket, sys, time
port, n, pids = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
def rss():
    return [int(next(l for l in open(f"/proc/{p}/status") if l.startswith("VmRSS")).split()[1]) // 1024
            for p in pids]
time.sleep(2); before = rss(); cs = []
while len(cs) < n:
    batch = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(min(100, n - len(cs)))]
    for c in batch: c.sendall(b"x")
    for c in batch:
        if c.recv(1) != b"x": raise SystemExit(f"no echo on connection {len(cs) + 1}")
        cs.append(c)
time.sleep(1); after = rss()
print(f"RSS MB user/root/gateway before {before} (sum {sum(before)}), with {n} idle streams {after} (sum {sum(after)})")
for c in cs: c.close()
EOF
fi
