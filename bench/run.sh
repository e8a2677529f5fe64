#!/usr/bin/env bash
# Side-by-side benchmark on loopback (issue 6): staex against what a user would pick instead, all
# measured in the same run on this machine, every figure twice (run 1, run 2).
#
#   bench/run.sh            # 1024 MiB per download, 200 setup samples (5 minutes here)
#   bench/run.sh --quick    # 128 MiB per download, 50 setup samples (2.5 minutes here)
#   bench/run.sh --cold     # the cold block only (below), printed, bench/results left as it is
# (plus the cold block, the same in both: about a minute more, and a minute for the start-up
# cache when the jar is new)
#
# Systems and paths (client → … → server; "relays" = hops in the middle):
#   direct        client → server (the physical limit)
#   socat         a chain of `socat TCP-LISTEN:…,fork,reuseaddr TCP:…` processes, N+1 of them for
#                 N relays: plain TCP, no crypto (the practical upper bound). socat forks one
#                 child per connection in every hop.
#   ssh           `ssh -N -L` to an sshd next to the server, through N `-J` jump hosts (one sshd
#                 each, on loopback, started here as the current user with their own host keys and
#                 authorized_keys; cipher aes128-gcm@openssh.com) — the like-for-like peer. Each
#                 relay count has its own sshds, so their processes can be told apart.
#   staex         real `staex run` processes. The overlay always crosses at least the root, so
#                 there is no "0 relays" staex: staex_1relay is  user → root ← gateway  and
#                 staex_2relay is  user → relay → root ← gateway  (one network, both users at once).
#                 All nodes allow 2048 streams per session (limits.max-streams-per-session; the
#                 default 256 would refuse the 1000-stream figure). The users close a session
#                 300 ms after its last stream (limits.idle-timeout = 300ms, for the first-contact
#                 figure); a "keeper" connection holds one stream open during every other staex
#                 figure, so their sessions stay up as with the default 5 minutes.
#   socat and ssh are measured with 0, 1 and 2 relays, so each staex figure has a peer of the same
#   relay count.
#
# Figures (names from issue 6, `<system>_<relays>relay_<figure>`):
#   bulk_MBps     one stream, one download of MIB MiB (10^6 bytes/s). Source: `socat -U` serving a
#                 sparse file per connection (it did 2.1 GB/s direct here, python's http.server
#                 + curl only 1.7 GB/s, so socat is the one that is not the bottleneck); sink: a
#                 python3 client that recv_into()s a 256 KiB buffer, checks the byte count and
#                 times connect → EOF. In run 1 every system gets one discarded download first
#                 (staex: the JIT needs seconds; the others: page cache, first-connection costs).
#   cpu_s_per_GiB utime+stime+cutime+cstime (/proc/PID/stat, clock ticks) of the path's processes
#                 and all their descendants (socat: the listeners and their per-connection
#                 children; ssh: the client, its -J helpers, the sshds; staex: the node JVMs on the
#                 path, GC and JIT threads included), before and after that measured download
#                 (after: once forked children are gone), ÷ GiB moved. Not the client or server.
#   rtt_p50_us, rtt_p99_us   64-byte request/response over one connection (TCP_NODELAY on both
#                 ends): a python3 echo server and a python3 client, 200 warm-up round trips, then
#                 2000 timed with time.perf_counter_ns.
#   setup_known_p50_us   a new connection to the local forward: connect → send 1 byte → the echoed
#                 byte, median of 200 (quick: 50) after 5 warm-up. For ssh a new channel in the
#                 running `ssh -L` session; for staex a stream in the existing end-to-end session
#                 (the keeper's).
#   setup_first_p50_us   staex only, the same for a destination with no end-to-end session yet:
#                 the keeper is stopped, and before each of 20 (quick: 10) samples bench/first_echo.py polls
#                 the user node's control socket (`status json`) until its session list is empty
#                 (the 300 ms idle timeout closed it). ssh has no comparable figure (its first
#                 contact is a whole `ssh` start with its login); it is left out.
#   agg100_MBps   100 concurrent downloads of MIB/100 MiB each (one python3 client, epoll): total
#                 bytes ÷ wall time from the first connect to the last EOF, every count checked.
#   rss_idle_MB, rss_1000_MB   sum of VmRSS (/proc/PID/status) of the path's processes and their
#                 descendants (as for CPU), with no stream open (all systems at the start of a
#                 run), and with 1000 idle streams to the echo server (opened 100 at a time, one
#                 byte echoed on each, then 1 s settling). JVM heaps and malloc arenas do not
#                 shrink: run 2's idle figure comes after run 1's traffic. pss_*_MB is the
#                 same with Pss (/proc/PID/smaps_rollup), which shares socat's forked pages out
#                 fairly; stream_KiB_per_node = (rss_1000 − the same processes' RSS just before
#                 the 1000 streams were opened) / 1000 / nodes on the path: what the streams
#                 cost, not what earlier traffic left in pools and heaps
#                 (socat N+1 hops, ssh client + N+1 sshds, staex N+2 nodes).
# Cold block (issue 15), 1 relay, ssh -J and staex only: the figures a user meets when they start
# the processes and use them at once, nothing discarded. Each repetition starts a fresh path of
# its own beside the ones above (ssh: a new target sshd, a new jump sshd and a new `ssh -J -L`;
# staex: new croot, cgateway and cuser `staex run` processes, cuser → croot ← cgateway, with the
# launcher's defaults including its start-up cache, as a user gets them; cuser closes a session
# 300 ms after its last stream, like the users above), waits until they are up (staex: the
# control sockets say linked; both: the forwards listen, seen in /proc/net/tcp, since a test
# connection would open the session), then at once, in one python3 process (cold.py):
#   bulk_cold_MBps      the first download of 64 MiB (also with --quick), one stream, as bulk_MBps
#   setup_cold_p50_us   the first 200 new connections (also with --quick), one after the other:
#                       connect → 1 byte → its echo, median (as setup_known_p50_us, no warm-up)
#   first_cold_us       staex only: then, once cuser lists no session (its idle timeout), one
#                       more such connection: the first contact of a node that is a few seconds
#                       old (one sample; the 200 connections' first one also was one, but came
#                       after the download)
# then stops that path's processes. Two repetitions, alternated: staex then ssh, ssh then staex.
# The staex nodes warm up at start as `staex run` does by default (staex.warmup, docs/node.md);
# COLD_WARMUP=false in the environment turns that off in their files (the A/B of the warm-up).
# Order: the launcher's start-up cache is made first (untimed, as the first `staex run` makes
# it). Then the cold block, then run 1 takes every system's idle RSS, then per system bulk (+CPU),
# round trips, setup, agg100, 1000 streams, first contact; run 2 repeats all of it (without the
# warm-up download).
# Output: bench/results/latest.json (one flat JSON object, the better of the two runs: the higher
# throughput, the lower latency and CPU; memory figures are run 1's, the only idle figure before
# any traffic; the cold figures the better of their two repetitions, e.g.
# staex_1relay_bulk_cold_MBps) and bench/results/latest.md (date, commit, machine, the cold
# table, both runs of every figure, and ratios of the kept figure to ssh and socat of the same
# relays).
# Fails (non-zero) if any figure cannot be measured. Kills everything it started on exit.
# Installs socat / openssh-server / openssh-client with apt-get if they are missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mib=1024
quick=0
cold_only=0
setup_n=200
first_n=20
for a in "$@"; do
  case "$a" in
    --quick) quick=1; mib=128; setup_n=50; first_n=10 ;;
    --cold) cold_only=1 ;;
    *) echo "usage: bench/run.sh [--quick] [--cold]" >&2; exit 2 ;;
  esac
done
rtt_n=2000
rtt_warm=200
max_relays=2
relays=$(seq 0 $max_relays) # the relay counts of socat and ssh (none with --cold)
agg_n=100
hold_n=1000
cold_mib=64
cold_n=200

work=$(mktemp -d /tmp/staex-run.XXXXXX)
pids=()
keeper_pid=
cleanup() {
  local rc=$?
  if [[ -n $keeper_pid ]]; then kill "$keeper_pid" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if ((rc)); then # keep the processes' logs for the post-mortem
    local kept
    kept=$(mktemp -d /tmp/staex-run-failed.XXXXXX)
    cp "$work"/*.log "$work"/*.conf "$kept"/ 2>/dev/null || true
    echo "run.sh: failed ($rc); logs in $kept" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "run.sh: $*" >&2; }
die() { log "$*"; exit 1; }
bg() { # bg NAME COMMAND...: start in the background, output in $work/NAME.log, PID remembered
  local name=$1; shift
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
}

# --- tools ---------------------------------------------------------------------------------------
missing=()
command -v socat >/dev/null || missing+=(socat)
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
command -v ssh >/dev/null || missing+=(openssh-client)
if ((${#missing[@]})); then
  log "installing ${missing[*]} with apt-get"
  apt-get install -y "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null
  }
fi
for tool in python3 socat ssh ssh-keygen /usr/sbin/sshd; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
(($(ulimit -n) >= 4 * hold_n)) || ulimit -n $((4 * hold_n)) 2>/dev/null ||
  die "needs $((4 * hold_n)) open files (ulimit -n is $(ulimit -n))"
staex=$root/staex
"$staex" addr /dev/null >/dev/null 2>&1 || true # builds the jar if stale, before nodes start
# The launcher makes its start-up cache (about a minute, once per build and JDK) for the first
# `staex run`; made here, untimed, so that every node below starts with it, as a user's do.
"$staex" run --help >/dev/null 2>&1 || true
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # wait_port PORT: until something accepts on 127.0.0.1:PORT (10 s)
  for _ in $(seq 100); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2).close()" 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on $1"
}

cd "$work"

# --- python helpers ------------------------------------------------------------------------------
cat >echo_server.py <<'EOF'
import socket, sys, threading
def serve(c):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with c:
        while True:
            d = c.recv(65536)
            if not d:
                return
            c.sendall(d)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4096)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
cat >procs.py <<'EOF'
# The processes of a path: the given PIDs and all their descendants, their RSS and CPU ticks.
import os, sys
def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    return s[s.rindex(")") + 2:].split()  # fields from 3 (state) on
def tree(roots):
    for r in roots:
        if not os.path.exists(f"/proc/{r}"):
            raise SystemExit(f"process {r} of the path is gone")
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                kids.setdefault(int(stat(d)[1]), []).append(int(d))
            except (OSError, IndexError):
                pass
    out, todo = [], list(roots)
    while todo:
        p = todo.pop(); out.append(p); todo += kids.get(p, [])
    return out
def field(path, name):
    with open(path) as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0
def rss(roots):
    """(VmRSS KiB, Pss KiB, processes) summed over the tree."""
    r = p = n = 0
    for pid in tree(roots):
        try:
            r += field(f"/proc/{pid}/status", "VmRSS")
            p += field(f"/proc/{pid}/smaps_rollup", "Pss")
            n += 1
        except OSError:
            pass
    return r, p, n
def ticks(roots):
    """utime+stime of the tree, plus cutime+cstime: children already reaped."""
    t = 0
    for pid in tree(roots):
        try:
            f = stat(pid); t += sum(int(x) for x in f[11:15])
        except (OSError, IndexError):
            pass
    return t
def settle(roots, count, seconds=10):
    """Waits until the tree has at most count processes (forked children gone)."""
    import time
    end = time.monotonic() + seconds
    while len(tree(roots)) > count:
        if time.monotonic() > end:
            raise SystemExit(f"{len(tree(roots))} processes, want {count} after {seconds} s")
        time.sleep(0.05)
if __name__ == "__main__":
    roots = [int(x) for x in sys.argv[2:]]
    if sys.argv[1] == "rss":
        print(*rss(roots))
    else:
        print(ticks(roots))
EOF
cat >rtt.py <<'EOF'
import socket, sys, time
port, n, warm = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
c = socket.create_connection(("127.0.0.1", port))
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
t = []
for _ in range(n):
    a = time.perf_counter_ns(); once(); t.append(time.perf_counter_ns() - a)
t.sort()
print(round(t[len(t) // 2] / 1000, 1), round(t[min(len(t) - 1, int(len(t) * 0.99))] / 1000, 1))
EOF
cat >sink.py <<'EOF'
# sink.py PORT BYTES [PID...]: one download; prints MB/s and the CPU ticks of the PIDs' trees.
import socket, sys, time, procs
port, want, roots = int(sys.argv[1]), int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
if roots:
    count = len(procs.tree(roots)); t0 = procs.ticks(roots)
a = time.perf_counter()
c = socket.create_connection(("127.0.0.1", port))
buf = bytearray(262144); got = 0
while True:
    k = c.recv_into(buf)
    if k == 0: break
    got += k
e = time.perf_counter()
c.close()
if got != want: raise SystemExit(f"got {got} bytes, want {want}")
ticks = -1
if roots:
    procs.settle(roots, count); ticks = procs.ticks(roots) - t0
print(round(want / (e - a) / 1e6, 1), ticks)
EOF
cat >agg.py <<'EOF'
# agg.py PORT N BYTES: N concurrent downloads of BYTES each; prints total MB/s.
import selectors, socket, sys, time
port, n, want = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sel = selectors.DefaultSelector(); buf = bytearray(262144); got = [0] * n
a = time.perf_counter()
for i in range(n):
    c = socket.socket(); c.setblocking(False)
    c.connect_ex(("127.0.0.1", port))
    sel.register(c, selectors.EVENT_READ, i)
left = n
while left:
    for key, _ in sel.select(30):
        try:
            k = key.fileobj.recv_into(buf)
        except BlockingIOError:
            continue
        if k == 0:
            sel.unregister(key.fileobj); key.fileobj.close(); left -= 1
        else:
            got[key.data] += k
    if time.perf_counter() - a > 600: raise SystemExit("agg: no end after 600 s")
e = time.perf_counter()
bad = [g for g in got if g != want]
if bad: raise SystemExit(f"{len(bad)} of {n} downloads short, e.g. {bad[0]} of {want} bytes")
print(round(n * want / (e - a) / 1e6, 1))
EOF
cat >hold.py <<'EOF'
# hold.py PORT N PID...: opens N idle connections (one byte echoed on each), then prints the
# RSS of the PIDs' trees (VmRSS KiB, Pss KiB, processes) and their VmRSS just before the
# connections were opened, closes them and waits for the trees to shrink back.
import socket, sys, time, procs
port, n, roots = int(sys.argv[1]), int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
count = len(procs.tree(roots))
time.sleep(2)  # the earlier figures' buffers freed and trimmed (the JVM trims every 2 s)
before = procs.rss(roots)[0]
cs = []
while len(cs) < n:  # in batches of 100 (ssh -L listens with a backlog of 128)
    batch = [socket.create_connection(("127.0.0.1", port), timeout=30)
             for _ in range(min(100, n - len(cs)))]
    for c in batch: c.sendall(b"x")
    for c in batch:
        if c.recv(1) != b"x": raise SystemExit(f"no echo on connection {len(cs) + 1}")
        cs.append(c)
time.sleep(1)
for c in cs:  # all still open: nothing arrived, not closed by the far end
    c.setblocking(False)
    try:
        d = c.recv(1)
        raise SystemExit("a held connection was closed" if d == b"" else "unexpected data")
    except BlockingIOError:
        pass
print(*procs.rss(roots), before)
for c in cs: c.close()
procs.settle(roots, count, 60)
EOF
cat >keeper.py <<'EOF'
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(b"x")
if c.recv(1) != b"x": raise SystemExit("no echo")
print("up", flush=True)
c.recv(1)  # until killed
EOF
cat >listening.py <<'EOF'
# listening.py PORT...: exit 0 once something listens on 127.0.0.1:PORT for every PORT (read from
# /proc/net/tcp, never by connecting: a connection to a staex forward would open its session).
# A JVM listens on an IPv6 socket (::ffff:127.0.0.1) even for 127.0.0.1: tcp6 counts too.
import sys, time
want = {int(p) for p in sys.argv[1:]}
end = time.monotonic() + 120
while time.monotonic() < end:
    up = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            up |= {int(c[1].split(":")[1], 16) for c in (l.split() for l in list(f)[1:])
                   if c[3] == "0A" and c[1].split(":")[0].endswith("0100007F")}
    if want <= up: sys.exit(0)
    time.sleep(0.02)
sys.exit(f"nothing listens on {sorted(want - up)} after 120 s")
EOF
cat >cold.py <<'EOF'
# cold.py BULK_PORT BYTES ECHO_PORT N [CONTROL_SOCKET]: on a path whose processes just started,
# one after the other with nothing discarded: one download of BYTES (MB/s, connect → EOF), N new
# connections (connect → 1 byte → its echo, median µs) and, with CONTROL_SOCKET (the staex user
# node's), the first contact: once the node lists no session, one more such connection (µs).
import json, socket, sys, time
bport, want, eport, n = (int(x) for x in sys.argv[1:5])
ctl = sys.argv[5] if len(sys.argv) > 5 else None
a = time.perf_counter()
c = socket.create_connection(("127.0.0.1", bport))
buf = bytearray(262144); got = 0
while True:
    k = c.recv_into(buf)
    if k == 0: break
    got += k
e = time.perf_counter()
c.close()
if got != want: raise SystemExit(f"got {got} bytes, want {want}")
def once():
    a = time.perf_counter_ns()
    c = socket.create_connection(("127.0.0.1", eport))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.sendall(b"x")
    if c.recv(1) != b"x": raise SystemExit("no echo")
    t = time.perf_counter_ns() - a
    c.close()
    return t
t = sorted(once() for _ in range(n))
out = [round(want / (e - a) / 1e6, 1), round(t[len(t) // 2] / 1000, 1)]
if ctl:
    def sessions():
        s = socket.socket(socket.AF_UNIX); s.connect(ctl); s.sendall(b"status json\n"); d = b""
        while k := s.recv(65536): d += k
        s.close()
        return json.loads(d)["sessions"]
    end = time.monotonic() + 15
    while sessions():
        if time.monotonic() > end: raise SystemExit("the session did not close in 15 s")
        time.sleep(0.05)
    out.append(round(once() / 1000, 1))
print(*out)
EOF
truncate -s "${mib}M" blob
truncate -s "${cold_mib}M" coldblob
bytes=$((mib * 1048576))
agg_bytes=$((bytes / agg_n))
truncate -s "$agg_bytes" aggblob

# --- servers -------------------------------------------------------------------------------------
bulk_port=$(free_port); echo_port=$(free_port); agg_port=$(free_port); cold_port=$(free_port)
bg bulk-server socat -U -b 262144 TCP-LISTEN:"$bulk_port",fork,reuseaddr,backlog=4096,bind=127.0.0.1 OPEN:blob
bg cold-server socat -U -b 262144 TCP-LISTEN:"$cold_port",fork,reuseaddr,backlog=4096,bind=127.0.0.1 OPEN:coldblob
bg agg-server socat -U -b 262144 TCP-LISTEN:"$agg_port",fork,reuseaddr,backlog=4096,bind=127.0.0.1 OPEN:aggblob
bg echo-server python3 echo_server.py "$echo_port"
wait_port "$bulk_port"; wait_port "$echo_port"; wait_port "$agg_port"; wait_port "$cold_port"

# fwd_<kind>[<system>_<relays>] = the local port a client of that system connects to;
# roots[...] = the PIDs of the path's processes (descendants count too); nodes[...] = hops.
declare -A fwd_bulk fwd_echo fwd_agg roots nodes
fwd_bulk[direct_0]=$bulk_port; fwd_echo[direct_0]=$echo_port; fwd_agg[direct_0]=$agg_port

# --- socat chains: N relays = N+1 socat hops -----------------------------------------------------
for r in $relays; do
  roots[socat_$r]=""; nodes[socat_$r]=$((r + 1))
  for kind in bulk echo agg; do
    case $kind in bulk) next=$bulk_port ;; echo) next=$echo_port ;; agg) next=$agg_port ;; esac
    for _ in $(seq 0 "$r"); do
      p=$(free_port)
      bg "socat-$r-$kind-$p" socat -b 262144 TCP-LISTEN:"$p",fork,reuseaddr,backlog=4096,bind=127.0.0.1 TCP:127.0.0.1:"$next"
      roots[socat_$r]+=" ${pids[-1]}"
      wait_port "$p"
      next=$p
    done
    case $kind in
      bulk) fwd_bulk[socat_$r]=$next ;; echo) fwd_echo[socat_$r]=$next ;; agg) fwd_agg[socat_$r]=$next ;;
    esac
  done
done

# --- ssh: for N relays sshd N_0 next to the servers, sshd N_1..N_N are its jump hosts ------------
mkdir -p /run/sshd 2>/dev/null || true # privilege separation directory (when run as root)
ssh-keygen -q -t ed25519 -N '' -f client_key
me=$(id -un)
declare -A sshd_port
start_sshd() { # start_sshd ID: an sshd on a free port (sshd_port[ID]), its PID last in pids
  local n=$1
  [[ -f "host_key_$n" ]] || ssh-keygen -q -t ed25519 -N '' -f "host_key_$n"
  cp client_key.pub "authorized_keys_$n"
  sshd_port[$n]=$(free_port)
  cat >"sshd_config_$n" <<EOF
Port ${sshd_port[$n]}
ListenAddress 127.0.0.1
HostKey $work/host_key_$n
AuthorizedKeysFile $work/authorized_keys_$n
PidFile none
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowTcpForwarding yes
Ciphers aes128-gcm@openssh.com
EOF
  bg "sshd-$n" /usr/sbin/sshd -D -e -f "$work/sshd_config_$n"
}
for r in $relays; do
  roots[ssh_$r]=""; nodes[ssh_$r]=$((r + 2))
  for i in $(seq 0 "$r"); do
    start_sshd "${r}_$i"
    roots[ssh_$r]+=" ${pids[-1]}"
  done
done
cat >ssh_config <<EOF
Host *
  IdentityFile $work/client_key
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  Ciphers aes128-gcm@openssh.com
  BatchMode yes
  ServerAliveInterval 0
EOF
for n in "${!sshd_port[@]}"; do wait_port "${sshd_port[$n]}"; done
start_ssh() { # start_ssh NAME TARGET_ID "JUMP_ID..." LOCAL:REMOTE...: `ssh -N -L` to the sshd
  # TARGET_ID through the sshds JUMP_IDS (first hop first), one -L per LOCAL:REMOTE port pair;
  # its PID last in pids
  local name=$1 target=$2 jumps="" j; shift 2
  for j in $1; do jumps="$jumps${jumps:+,}$me@127.0.0.1:${sshd_port[$j]}"; done
  shift
  local fw=()
  for j in "$@"; do fw+=(-L "127.0.0.1:${j%%:*}:127.0.0.1:${j#*:}"); done
  bg "$name" ssh -F "$work/ssh_config" -N ${jumps:+-J "$jumps"} "${fw[@]}" \
    -p "${sshd_port[$target]}" "$me@127.0.0.1"
}
for r in $relays; do
  jumps=""
  for j in $(seq "$r" -1 1); do jumps="$jumps ${r}_$j"; done
  pb=$(free_port); pe=$(free_port); pa=$(free_port)
  start_ssh "ssh-$r" "${r}_0" "$jumps" "$pb:$bulk_port" "$pe:$echo_port" "$pa:$agg_port"
  roots[ssh_$r]+=" ${pids[-1]}"
  wait_port "$pb"; wait_port "$pe"; wait_port "$pa"
  fwd_bulk[ssh_$r]=$pb; fwd_echo[ssh_$r]=$pe; fwd_agg[ssh_$r]=$pa
done

# --- staex: root, relay (parent root), gateway (parent root), user1 (parent root), user2 (parent
# relay). user1's forwards cross the root only (1 relay), user2's the relay and the root (2). ---
"$staex" network create --out network.key >/dev/null
made=()
for n in root relay gateway user1 user2 croot cgateway cuser; do # in parallel: each a JVM start
  ( "$staex" keygen --out "$n.key" >/dev/null &&
    "$staex" cert issue --network-key network.key --node-key "$n.key" --out "$n.crt" >/dev/null 2> >(grep -v "^serial: " >&2) &&
    "$staex" addr "$n.key" >"$n.addr" ) &
  made+=($!)
done
for p in "${made[@]}"; do wait "$p" || die "staex keygen / cert issue / addr failed"; done
addr() { cat "$1.addr"; }
root_port=$(free_port); relay_port=$(free_port)
gw=$(addr gateway)
conf() { # conf NODE IDLE_TIMEOUT SETTINGS
  printf 'staex {\n  key = %s.key\n  cert = %s.crt\n  limits { max-streams-per-session = 2048, idle-timeout = %s }\n  %s\n}\n' \
    "$1" "$1" "$2" "$3" >"$1.bench.conf"
}
conf root 5m "listen = \"127.0.0.1:$root_port\""
conf relay 5m "listen = \"127.0.0.1:$relay_port\"
  parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]"
conf gateway 5m "parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]
  services = [ { port = 80, target = \"127.0.0.1:$bulk_port\" }, { port = 7, target = \"127.0.0.1:$echo_port\" },
    { port = 81, target = \"127.0.0.1:$agg_port\" } ]"
for r in 1 2; do
  pb=$(free_port); pe=$(free_port); pa=$(free_port)
  if [[ $r == 1 ]]; then parent="127.0.0.1:$root_port\", key = \"$(addr root)"; else parent="127.0.0.1:$relay_port\", key = \"$(addr relay)"; fi
  conf "user$r" 300ms "parents = [ { address = \"$parent\" } ]
  forwards = [ { listen = \"127.0.0.1:$pb\", to = \"$gw.staex:80\" }, { listen = \"127.0.0.1:$pe\", to = \"$gw.staex:7\" },
    { listen = \"127.0.0.1:$pa\", to = \"$gw.staex:81\" } ]"
  fwd_bulk[staex_$r]=$pb; fwd_echo[staex_$r]=$pe; fwd_agg[staex_$r]=$pa
done
declare -A node_pid
if ((!cold_only)); then
  for n in root relay gateway user1 user2; do
    bg "staex-$n" "$staex" run -c "$work/$n.bench.conf" # a path no other tool's pattern matches
    node_pid[$n]=${pids[-1]}
  done
  roots[staex_1]="${node_pid[user1]} ${node_pid[root]} ${node_pid[gateway]}"; nodes[staex_1]=3
  roots[staex_2]="${node_pid[user2]} ${node_pid[relay]} ${node_pid[root]} ${node_pid[gateway]}"
  nodes[staex_2]=4
fi
cat >linked.py <<'EOF'
# linked.py ROOT N USER...: exit 0 once every USER has a parent and ROOT sees N nodes (control
# sockets).
import socket, sys
def status(node):
    s = socket.socket(socket.AF_UNIX); s.connect(f"{node}.sock"); s.sendall(b"status json\n")
    d = b""
    while k := s.recv(65536): d += k
    return d.decode()
try:
    ok = all('"activeParent":"' in status(u) for u in sys.argv[3:])
    sys.exit(0 if ok and f'"viewSize":{sys.argv[2]}' in status(sys.argv[1]) else 1)
except OSError:
    sys.exit(1)
EOF
wait_linked() { # wait_linked SECONDS ROOT N USER...
  local tries=$(($1 * 10)); shift
  for _ in $(seq "$tries"); do
    python3 linked.py "$@" && return 0
    sleep 0.1
  done
  log "staex nodes did not link up; logs in $work"; tail -5 "$work"/staex-*.log >&2; exit 1
}
if ((!cold_only)); then
  wait_linked 30 root 5 user1 user2
  sleep 1
fi

start_keeper() { # start_keeper SYSTEM: one open stream, so the user's session stays up
  python3 keeper.py "${fwd_echo[$1]}" >"$work/keeper.log" 2>&1 &
  keeper_pid=$!
  for _ in $(seq 100); do grep -q up "$work/keeper.log" && return 0; sleep 0.1; done
  die "keeper for $1 did not connect: $(cat "$work/keeper.log")"
}
stop_keeper() { kill "$keeper_pid"; wait "$keeper_pid" 2>/dev/null || true; keeper_pid=; }

log "set up in $SECONDS s"
# --- measure -------------------------------------------------------------------------------------
jdk_home=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*/ | sort -V | tail -1)}
jdk=$("$jdk_home/bin/java" -version 2>&1 | head -1)
tck=$(getconf CLK_TCK)
log "$(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), $jdk, $mib MiB per download"
: >figures.txt
systems=(direct_0)
for r in $(seq 0 $max_relays); do systems+=("socat_$r"); done
for r in $(seq 0 $max_relays); do systems+=("ssh_$r"); done
systems+=(staex_1 staex_2)
fig() { echo "$run $name $1 $2" >>figures.txt; }

# --- cold: fresh processes, nothing discarded (1 relay, ssh -J and staex, alternated) ------------
cold_pids=()
cold_bg() { bg "$@"; cold_pids+=("${pids[-1]}"); }
cold_stop() {
  local p
  for p in "${cold_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${cold_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  cold_pids=()
}
cold_ssh() { # the target sshd and one jump sshd, then `ssh -J`; measured once its forwards listen
  local pb pe
  start_sshd "cold${run}_0"; cold_pids+=("${pids[-1]}")
  start_sshd "cold${run}_1"; cold_pids+=("${pids[-1]}")
  python3 listening.py "${sshd_port[cold${run}_0]}" "${sshd_port[cold${run}_1]}" || die "sshd did not start"
  pb=$(free_port); pe=$(free_port)
  start_ssh "ssh-cold$run" "cold${run}_0" "cold${run}_1" "$pb:$cold_port" "$pe:$echo_port"
  cold_pids+=("${pids[-1]}")
  python3 listening.py "$pb" "$pe" || die "ssh -L did not listen"
  python3 cold.py "$pb" "$((cold_mib * 1048576))" "$pe" "$cold_n"
}
cold_staex() { # croot ← cgateway, cuser → croot (the launcher's defaults, start-up cache included)
  local rp pb pe parent
  rp=$(free_port); pb=$(free_port); pe=$(free_port)
  parent="parents = [ { address = \"127.0.0.1:$rp\", key = \"$(addr croot)\" } ]"
  local w="" # COLD_WARMUP=false: the nodes' warm-up off (staex.warmup), for its A/B
  [[ -n ${COLD_WARMUP:-} ]] && w=$'\n  warmup = '"$COLD_WARMUP"
  conf croot 5m "listen = \"127.0.0.1:$rp\"$w"
  conf cgateway 5m "$parent
  services = [ { port = 80, target = \"127.0.0.1:$cold_port\" }, { port = 7, target = \"127.0.0.1:$echo_port\" } ]$w"
  conf cuser 300ms "$parent
  forwards = [ { listen = \"127.0.0.1:$pb\", to = \"$(addr cgateway).staex:80\" }, { listen = \"127.0.0.1:$pe\", to = \"$(addr cgateway).staex:7\" } ]$w"
  for n in croot cgateway cuser; do
    cold_bg "staex-$n-$run" env -u STAEX_CACHE "$staex" run -c "$work/$n.bench.conf"
  done
  wait_linked 120 croot 3 cuser
  python3 listening.py "$pb" "$pe" || die "the cold user's forwards do not listen"
  python3 cold.py "$pb" "$((cold_mib * 1048576))" "$pe" "$cold_n" "$work/cuser.sock"
}
for run in 1 2; do # run 1: staex, ssh; run 2: ssh, staex
  order=(staex ssh); ((run == 2)) && order=(ssh staex)
  for sys in "${order[@]}"; do
    name=${sys}_1relay
    t0=$SECONDS
    if [[ $sys == ssh ]]; then cold_ssh >cold.out; else cold_staex >cold.out; fi # not in $(…): a
    cold_stop                                                        # subshell's PIDs were lost
    out=$(cat cold.out)
    read -r bulk setup first <<<"$out"
    fig bulk_cold_MBps "$bulk"; fig setup_cold_p50_us "$setup"
    line="first $cold_mib MiB $bulk MB/s, first $cold_n connections p50 $setup µs"
    if [[ $sys == staex ]]; then fig first_cold_us "$first"; line+=", first contact after them $first µs"; fi
    log "cold $run $name ($((SECONDS - t0)) s, load $(cut -d' ' -f1 /proc/loadavg)): $line"
  done
done
declare -A rss_idle
((cold_only)) || for run in 1 2; do
  # Idle RSS of every system first, before this run's traffic (in run 1: before any).
  for s in "${systems[@]}"; do
    [[ -n ${roots[$s]:-} ]] || continue
    name="${s%_*}_${s##*_}relay"
    # shellcheck disable=SC2086 # roots are a list of PIDs
    out=$(python3 procs.py rss ${roots[$s]}); read -r rss pss _ <<<"$out"
    rss_idle[$s]=$rss
    fig rss_idle_MB "$(python3 -c "print(round($rss / 1024, 1))")"
    fig pss_idle_MB "$(python3 -c "print(round($pss / 1024, 1))")"
  done
  for s in "${systems[@]}"; do
    name="${s%_*}_${s##*_}relay"
    user=; [[ $s == staex_* ]] && user=user${s##*_}
    # shellcheck disable=SC2086 # roots are a list of PIDs
    set -- ${roots[$s]:-}
    t0=$SECONDS
    [[ -n $user ]] && start_keeper "$s"
    if [[ $run == 1 ]]; then # warm-up, discarded (staex: the JIT)
      python3 sink.py "${fwd_bulk[$s]}" "$bytes" >/dev/null
    fi
    out=$(python3 sink.py "${fwd_bulk[$s]}" "$bytes" "$@"); read -r bulk ticks <<<"$out"
    fig bulk_MBps "$bulk"
    line="bulk $bulk MB/s"
    if (($#)); then
      cpu=$(python3 -c "print(round($ticks / $tck / ($bytes / 2**30), 2))")
      fig cpu_s_per_GiB "$cpu"; line+=" ($cpu CPU s/GiB)"
    fi
    out=$(python3 rtt.py "${fwd_echo[$s]}" "$rtt_n" "$rtt_warm"); read -r p50 p99 <<<"$out"
    fig rtt_p50_us "$p50"; fig rtt_p99_us "$p99"
    known=$(python3 "$root/bench/first_echo.py" "${fwd_echo[$s]}" "$setup_n" 5)
    fig setup_known_p50_us "$known"
    agg=$(python3 agg.py "${fwd_agg[$s]}" "$agg_n" "$agg_bytes")
    fig agg100_MBps "$agg"
    line+=", rtt p50 $p50 µs, p99 $p99 µs, setup $known µs, agg100 $agg MB/s"
    if (($#)); then
      out=$(python3 hold.py "${fwd_echo[$s]}" "$hold_n" "$@"); read -r rss1 pss1 np rss0 <<<"$out"
      fig rss_1000_MB "$(python3 -c "print(round($rss1 / 1024, 1))")"
      fig pss_1000_MB "$(python3 -c "print(round($pss1 / 1024, 1))")"
      rss=${rss_idle[$s]}
      per=$(python3 -c "print(round(($rss1 - $rss0) / $hold_n / ${nodes[$s]}, 1))")
      fig stream_KiB_per_node "$per"
      line+=", RSS $((rss / 1024)) → $((rss1 / 1024)) MB ($np processes, $per KiB/stream/node)"
    fi
    if [[ -n $user ]]; then
      stop_keeper
      first=$(python3 "$root/bench/first_echo.py" "${fwd_echo[$s]}" "$first_n" 0 "$work/$user.sock")
      fig setup_first_p50_us "$first"
      line+=", first contact $first µs"
    fi
    log "run $run $name ($((SECONDS - t0)) s): $line"
  done
done

# --- results -------------------------------------------------------------------------------------
results=$root/bench/results
((cold_only)) && results=$work/results # --cold: printed only, bench/results/latest.* untouched
mkdir -p "$results"
commit=$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo "+dirty")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
python3 - "$results" "$commit" "$(nproc)" "$cpu" "$jdk" "$mib" "$quick" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$work/figures.txt" "$setup_n" "$first_n" "$cold_mib" "$cold_n" <<'EOF'
import json, sys, datetime
out, commit, nproc, cpu, jdk, mib, quick, load, figures, setup_n, first_n, cold_mib, cold_n = sys.argv[1:]
runs = {"1": {}, "2": {}}
for line in open(figures):
    run, name, key, v = line.split()
    runs[run][f"{name}_{key}"] = float(v)
if runs["1"].keys() != runs["2"].keys():
    raise SystemExit(f"runs measured different figures: {runs['1'].keys() ^ runs['2'].keys()}")
higher = lambda k: k.endswith("MBps")
memory = lambda k: k.endswith(("_MB", "_KiB_per_node"))
fig = {k: runs["1"][k] if memory(k) else (max if higher(k) else min)(runs["1"][k], runs["2"][k])
       for k in runs["1"]}
with open(f"{out}/latest.json", "w") as f:
    json.dump(fig, f, indent=1, sort_keys=False); f.write("\n")
figs = [("bulk_MBps", "one stream, MB/s (higher is better)"),
        ("agg100_MBps", "100 concurrent streams, total MB/s (higher is better)"),
        ("rtt_p50_us", "64 B round trip, median µs"), ("rtt_p99_us", "64 B round trip, p99 µs"),
        ("setup_known_p50_us", "new stream to a known destination: connect → first echoed byte, "
         "median µs"),
        ("setup_first_p50_us", "new stream, first contact (no session yet), median µs "
         "(staex only)"),
        ("cpu_s_per_GiB", "CPU seconds per GiB relayed (path processes, one-stream download)"),
        ("rss_idle_MB", "RSS of the path's processes, idle, MB (VmRSS sum)"),
        ("rss_1000_MB", "RSS with 1000 idle streams, MB (VmRSS sum)"),
        ("pss_idle_MB", "PSS of the path's processes, idle, MB"),
        ("pss_1000_MB", "PSS with 1000 idle streams, MB"),
        ("stream_KiB_per_node", "RSS per idle stream per node on the path, KiB "
         "((rss_1000 − RSS just before opening them) / 1000 / nodes)")]
L = [f"# bench/run.sh{' --quick' if quick == '1' else ''}", "",
     f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
     f"- commit: {commit}", f"- machine: {nproc} cpus, {cpu}; load average at the end {load}",
     f"- JDK (staex): {jdk}",
     f"- bulk: one download of {mib} MiB; agg100: 100 concurrent downloads of {mib}/100 MiB; "
     f"round trips: 2000 after 200 warm-up, one connection; setup: {setup_n} new connections "
     f"(first contact: {first_n}); RSS: 1000 idle streams to an echo server",
     "- everything on loopback, all systems in this one run, every figure measured twice "
     "(run 1: all systems, then run 2: all again). Each cell shows run 1 / run 2; "
     "latest.json and the ratios hold the better of the two (throughput: the higher; latency "
     "and CPU: the lower), except memory (RSS, PSS, per stream): run 1's, whose idle figure is "
     "the only one before any traffic (malloc arenas and JVM heaps keep what run 1's 1000 "
     "streams took, so run 2's idle is higher and its per-stream difference near 0). "
     "The machine is shared: expect ±30 %.",
     "- ratios are staex ÷ peer of the same relay count (throughput: above 1 is better; the "
     "rest: below 1 is better)", ""]
fmt = lambda v: "–" if v is None else (f"{v:.0f}" if abs(v) >= 100 else f"{v:.1f}")
def cell(key):
    a, b = runs["1"].get(key), runs["2"].get(key)
    return "–" if a is None else f"{fmt(a)} / {fmt(b)}"
L += ["## cold: fresh processes, nothing discarded (1 relay)", "",
      "Each cell is one new set of processes (repetition 1 / repetition 2; staex first in "
      "repetition 1, ssh first in 2), measured at once after they are up: no warm-up.", "",
      "| figure | ssh -J | staex | staex ÷ ssh |", "|---|---:|---:|---:|"]
for key, title in [("bulk_cold_MBps", f"the first {cold_mib} MiB, one stream, MB/s (higher is better)"),
                   ("setup_cold_p50_us", f"the first {cold_n} new connections: connect → first "
                    "echoed byte, median µs"),
                   ("first_cold_us", "then first contact (no session yet), µs (staex only)")]:
    st, ss = fig.get(f"staex_1relay_{key}"), fig.get(f"ssh_1relay_{key}")
    r = f"{st / ss:.2f}" if st and ss else "–"
    L.append(f"| {title} | {cell(f'ssh_1relay_{key}')} | {cell(f'staex_1relay_{key}')} | {r} |")
L.append("")
for key, title in figs:
    if not any(k.endswith(f"relay_{key}") for k in fig):
        continue  # --cold: the warm figures were not measured
    L += [f"## {title}", "",
          "| relays | direct | socat | ssh -J | staex | staex ÷ ssh | staex ÷ socat |",
          "|---|---:|---:|---:|---:|---:|---:|"]
    for r in (0, 1, 2):
        g = lambda s: fig.get(f"{s}_{r}relay_{key}")
        c = lambda s: cell(f"{s}_{r}relay_{key}")
        st, ss, so = g("staex"), g("ssh"), g("socat")
        rs = f"{st / ss:.2f}" if st and ss else "–"
        ro = f"{st / so:.2f}" if st and so else "–"
        L.append(f"| {r} | {c('direct')} | {c('socat')} | {c('ssh')} | {c('staex')} | {rs} | {ro} |")
    L.append("")
L += ["staex has no 0-relay path (the overlay always crosses the root): staex_1relay is "
      "user → root ← gateway, staex_2relay is user → relay → root ← gateway. socat: N+1 plain TCP "
      "hops for N relays, one forked child per connection per hop; ssh: `ssh -L` with N `-J` "
      "jumps, aes128-gcm.", "",
      "Method notes: CPU and RSS count the path's processes and all their descendants (socat's "
      "forked children, ssh's -J helpers and per-connection sshds, the staex node JVMs; root "
      "and gateway are shared by both staex paths), never the client or the server. VmRSS "
      "counts pages shared between socat's forked children once per child; PSS shares them out. "
      "Idle RSS is taken for all systems at the start of each run; JVM heaps and buffer pools "
      "grow with traffic and do not shrink, so RSS with 1000 streams includes what the earlier "
      "figures' traffic left; the per-stream figure compares with the RSS just before the "
      "streams were opened. staex_2relay's 1000 streams come after staex_1relay's through the "
      "same root and gateway. "
      "setup known: for ssh a new channel in its running session, for staex a new stream in an "
      "existing end-to-end session. setup first: the user node runs with idle-timeout = 300ms "
      "and each sample waits until its control socket lists no session; ssh's first contact "
      "(a new `ssh` process and login) is not comparable and is left out.", "",
      "Cold: each repetition starts a path of its own (ssh: target sshd, jump sshd, `ssh -J -L`; "
      "staex: root, gateway and user `staex run` with the launcher's defaults and start-up "
      "cache), waits until it is linked and its forwards listen, and measures at once: the "
      "download, then the connections one after the other, then (staex) waits until the user "
      "lists no session (idle-timeout 300ms) and opens one more. CPU time of the processes "
      "is not taken there.", "",
      "Raw figures: [`latest.json`](latest.json)."]
with open(f"{out}/latest.md", "w") as f:
    f.write("\n".join(L) + "\n")
EOF
((cold_only)) || log "wrote bench/results/latest.json and bench/results/latest.md"
((cold_only)) && cat "$results/latest.json"
cat "$results/latest.md"
