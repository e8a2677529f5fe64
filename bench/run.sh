#!/usr/bin/env bash
# Side-by-side benchmark on loopback (issue 6, first increment): staex against what a user would
# pick instead, all measured in the same run on this machine.
#
#   bench/run.sh            # 1024 MiB per download
#   bench/run.sh --quick    # 256 MiB per download (under 3 minutes)
#
# Systems and paths (client → … → server; "relays" = hops in the middle):
#   direct        client → server (the physical limit)
#   socat         a chain of `socat TCP-LISTEN:…,fork,reuseaddr TCP:…` processes, N+1 of them for
#                 N relays: plain TCP, no crypto (the practical upper bound)
#   ssh           `ssh -N -L` to an sshd next to the server, through N `-J` jump hosts (one sshd
#                 each, on loopback, started here as the current user with their own host keys and
#                 authorized_keys; cipher aes128-gcm@openssh.com) — the like-for-like peer
#   staex         real `staex run` processes. The overlay always crosses at least the root, so
#                 there is no "0 relays" staex: staex_1relay is  user → root ← gateway  and
#                 staex_2relay is  user → relay → root ← gateway  (one network, both users at once).
#   socat and ssh are measured with 0, 1 and 2 relays, so each staex figure has a peer of the same
#   relay count.
#
# Figures (names from issue 6, `<system>_<relays>relay_<figure>`):
#   bulk_MBps     one stream, one download of MIB MiB (10^6 bytes/s). Source: `socat -U` serving a
#                 sparse file per connection (it did 2.1 GB/s direct here, python's http.server
#                 + curl only 1.7 GB/s, so socat is the one that is not the bottleneck); sink: a
#                 python3 client that recv_into()s a 256 KiB buffer, checks the byte count and
#                 times connect → EOF. Every system gets one discarded download first (staex:
#                 the JIT needs seconds; the others: page cache, first-connection costs).
#   rtt_p50_us, rtt_p99_us   64-byte request/response over one connection (TCP_NODELAY on both
#                 ends): a python3 echo server and a python3 client, 200 warm-up round trips, then
#                 2000 timed with time.perf_counter_ns.
# Output: bench/results/latest.json (one flat JSON object) and bench/results/latest.md (date,
# commit, machine, figures and ratios to ssh and socat of the same relay count).
# Installs socat / openssh-server / openssh-client with apt-get if they are missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mib=1024
quick=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1; mib=256 ;;
    *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
  esac
done
rtt_n=2000
rtt_warm=200
max_relays=2

work=$(mktemp -d /tmp/staex-run.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "run.sh: $*" >&2; }
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
  command -v "$tool" >/dev/null || { log "needs $tool"; exit 1; }
done
staex=$root/staex
"$staex" addr /dev/null >/dev/null 2>&1 || true # builds the jar if stale, before nodes start
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # wait_port PORT: until something accepts on 127.0.0.1:PORT (10 s)
  for _ in $(seq 100); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2).close()" 2>/dev/null && return 0
    sleep 0.1
  done
  log "nothing listens on $1"; exit 1
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
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(128)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
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
import socket, sys, time
port, want = int(sys.argv[1]), int(sys.argv[2])
a = time.perf_counter()
c = socket.create_connection(("127.0.0.1", port))
buf = bytearray(262144); got = 0
while True:
    k = c.recv_into(buf)
    if k == 0: break
    got += k
e = time.perf_counter()
if got != want: raise SystemExit(f"got {got} bytes, want {want}")
print(round(want / (e - a) / 1e6, 1))
EOF
truncate -s "${mib}M" blob
bytes=$((mib * 1048576))

# --- servers -------------------------------------------------------------------------------------
bulk_port=$(free_port); echo_port=$(free_port)
bg bulk-server socat -U -b 262144 TCP-LISTEN:"$bulk_port",fork,reuseaddr,bind=127.0.0.1 OPEN:blob
bg echo-server python3 echo_server.py "$echo_port"
wait_port "$bulk_port"; wait_port "$echo_port"

# path_<system>_<relays>=(bulk forward port, echo forward port)
declare -A fwd_bulk fwd_echo
fwd_bulk[direct_0]=$bulk_port; fwd_echo[direct_0]=$echo_port

# --- socat chains: N relays = N+1 socat hops -----------------------------------------------------
for r in $(seq 0 $max_relays); do
  for kind in bulk echo; do
    if [[ $kind == bulk ]]; then next=$bulk_port; else next=$echo_port; fi
    for _ in $(seq 0 "$r"); do
      p=$(free_port)
      bg "socat-$r-$kind-$p" socat -b 262144 TCP-LISTEN:"$p",fork,reuseaddr,bind=127.0.0.1 TCP:127.0.0.1:"$next"
      wait_port "$p"
      next=$p
    done
    if [[ $kind == bulk ]]; then fwd_bulk[socat_$r]=$next; else fwd_echo[socat_$r]=$next; fi
  done
done

# --- ssh: sshd 0 next to the servers, sshd 1..N are jump hosts -----------------------------------
mkdir -p /run/sshd 2>/dev/null || true # privilege separation directory (when run as root)
ssh-keygen -q -t ed25519 -N '' -f client_key
me=$(id -un)
declare -a sshd_port
for i in $(seq 0 $max_relays); do
  ssh-keygen -q -t ed25519 -N '' -f "host_key_$i"
  cp client_key.pub "authorized_keys_$i"
  sshd_port[$i]=$(free_port)
  cat >"sshd_config_$i" <<EOF
Port ${sshd_port[$i]}
ListenAddress 127.0.0.1
HostKey $work/host_key_$i
AuthorizedKeysFile $work/authorized_keys_$i
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
  bg "sshd-$i" /usr/sbin/sshd -D -e -f "$work/sshd_config_$i"
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
for i in $(seq 0 $max_relays); do wait_port "${sshd_port[$i]}"; done
for r in $(seq 0 $max_relays); do
  jumps=""
  for j in $(seq "$r" -1 1); do jumps="$jumps${jumps:+,}$me@127.0.0.1:${sshd_port[$j]}"; done
  pb=$(free_port); pe=$(free_port)
  bg "ssh-$r" ssh -F "$work/ssh_config" -N ${jumps:+-J "$jumps"} \
    -L "127.0.0.1:$pb:127.0.0.1:$bulk_port" -L "127.0.0.1:$pe:127.0.0.1:$echo_port" \
    -p "${sshd_port[0]}" "$me@127.0.0.1"
  wait_port "$pb"; wait_port "$pe"
  fwd_bulk[ssh_$r]=$pb; fwd_echo[ssh_$r]=$pe
done

# --- staex: root, relay (parent root), gateway (parent root), user1 (parent root), user2 (parent
# relay). user1's forwards cross the root only (1 relay), user2's the relay and the root (2). ---
"$staex" network create --out network.key >/dev/null
for n in root relay gateway user1 user2; do
  "$staex" keygen --out "$n.key" >/dev/null
  "$staex" cert issue --network-key network.key --node-key "$n.key" --out "$n.crt" >/dev/null
done
addr() { "$staex" addr "$1.key"; }
root_port=$(free_port); relay_port=$(free_port)
gw=$(addr gateway)
conf() { printf 'staex {\n  key = %s.key\n  cert = %s.crt\n  %s\n}\n' "$1" "$1" "$2" >"$1.conf"; }
conf root "listen = \"127.0.0.1:$root_port\""
conf relay "listen = \"127.0.0.1:$relay_port\"
  parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]"
conf gateway "parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]
  services = [ { port = 80, target = \"127.0.0.1:$bulk_port\" }, { port = 7, target = \"127.0.0.1:$echo_port\" } ]"
for r in 1 2; do
  pb=$(free_port); pe=$(free_port)
  if [[ $r == 1 ]]; then parent="127.0.0.1:$root_port\", key = \"$(addr root)"; else parent="127.0.0.1:$relay_port\", key = \"$(addr relay)"; fi
  conf "user$r" "parents = [ { address = \"$parent\" } ]
  forwards = [ { listen = \"127.0.0.1:$pb\", to = \"$gw.staex:80\" }, { listen = \"127.0.0.1:$pe\", to = \"$gw.staex:7\" } ]"
  fwd_bulk[staex_$r]=$pb; fwd_echo[staex_$r]=$pe
done
for n in root relay gateway user1 user2; do bg "staex-$n" "$staex" run -c "$n.conf"; done
up=0
for _ in $(seq 150); do
  if "$staex" status -c user1.conf --json 2>/dev/null | grep -q '"activeParent":"' &&
    "$staex" status -c user2.conf --json 2>/dev/null | grep -q '"activeParent":"' &&
    "$staex" status -c root.conf --json 2>/dev/null | grep -q '"viewSize":5'; then up=1; break; fi
  sleep 0.2
done
((up)) || { log "staex nodes did not link up; logs in $work"; tail -5 "$work"/staex-*.log >&2; exit 1; }
sleep 1

# --- measure -------------------------------------------------------------------------------------
jdk_home=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*/ | sort -V | tail -1)}
jdk=$("$jdk_home/bin/java" -version 2>&1 | head -1)
log "$(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), $jdk, $mib MiB per download"
: >figures.txt
systems=(direct_0)
for r in $(seq 0 $max_relays); do systems+=("socat_$r"); done
for r in $(seq 0 $max_relays); do systems+=("ssh_$r"); done
systems+=(staex_1 staex_2)
for s in "${systems[@]}"; do
  name="${s%_*}_${s##*_}relay"
  python3 sink.py "${fwd_bulk[$s]}" "$bytes" >/dev/null # warm-up, discarded (staex: the JIT)
  bulk=$(python3 sink.py "${fwd_bulk[$s]}" "$bytes")
  rtt=$(python3 rtt.py "${fwd_echo[$s]}" "$rtt_n" "$rtt_warm")
  read -r p50 p99 <<<"$rtt"
  log "$name: bulk ${bulk} MB/s, rtt p50 ${p50} µs, p99 ${p99} µs"
  printf '%s_bulk_MBps %s\n%s_rtt_p50_us %s\n%s_rtt_p99_us %s\n' \
    "$name" "$bulk" "$name" "$p50" "$name" "$p99" >>figures.txt
done

# --- results -------------------------------------------------------------------------------------
mkdir -p "$root/bench/results"
commit=$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo "+dirty")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
python3 - "$root/bench/results" "$commit" "$(nproc)" "$cpu" "$jdk" "$mib" "$quick" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$work/figures.txt" <<'EOF'
import json, sys, datetime
out, commit, nproc, cpu, jdk, mib, quick, load, figures = sys.argv[1:]
fig = {}
for line in open(figures):
    k, v = line.split()
    fig[k] = float(v)
with open(f"{out}/latest.json", "w") as f:
    json.dump(fig, f, indent=1, sort_keys=False); f.write("\n")
figs = [("bulk_MBps", "one stream, MB/s", True), ("rtt_p50_us", "64 B round trip, median µs", False),
        ("rtt_p99_us", "64 B round trip, p99 µs", False)]
L = [f"# bench/run.sh{' --quick' if quick == '1' else ''}", "",
     f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
     f"- commit: {commit}", f"- machine: {nproc} cpus, {cpu}; load average at the end {load}",
     f"- JDK (staex): {jdk}",
     f"- bulk: one download of {mib} MiB; round trips: 2000 after 200 warm-up, one connection",
     "- everything on loopback, all systems in this one run, one sample each (no repeated pair yet; the machine is shared, so expect ±30 %); ratios are staex ÷ peer of the same "
     "relay count (for latency, below 1 is better)", ""]
fmt = lambda v: "–" if v is None else (f"{v:.0f}" if v >= 100 else f"{v:.1f}")
for key, title, _ in figs:
    L += [f"## {title}", "", "| relays | direct | socat | ssh -J | staex | staex ÷ ssh | staex ÷ socat |",
          "|---|---:|---:|---:|---:|---:|---:|"]
    for r in (0, 1, 2):
        g = lambda s: fig.get(f"{s}_{r}relay_{key}")
        st, ss, so = g("staex"), g("ssh"), g("socat")
        rs = f"{st / ss:.2f}" if st and ss else "–"
        ro = f"{st / so:.2f}" if st and so else "–"
        L.append(f"| {r} | {fmt(g('direct'))} | {fmt(so)} | {fmt(ss)} | {fmt(st)} | {rs} | {ro} |")
    L.append("")
L += ["staex has no 0-relay path (the overlay always crosses the root): staex_1relay is "
      "user → root ← gateway, staex_2relay is user → relay → root ← gateway. socat: N+1 plain TCP "
      "hops for N relays; ssh: `ssh -L` with N `-J` jumps, aes128-gcm.",
      "", "Raw figures: [`latest.json`](latest.json)."]
with open(f"{out}/latest.md", "w") as f:
    f.write("\n".join(L) + "\n")
EOF
log "wrote bench/results/latest.json and bench/results/latest.md"
cat "$root/bench/results/latest.md"
