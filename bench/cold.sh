#!/usr/bin/env bash
# Cold figures of a fresh one-relay path, as a user meets it (issue 15): new `./staex run`
# processes with the launcher's defaults, nothing discarded, for each start-up cache variant:
#
#   client (python) → user ─▶ root ◀─ gateway → python echo server (port 80) / zero source (81)
#
#   bench/cold.sh [REPS] [VARIANTS]     # default 2 reps of "none aot aotprof"
#
# Variants (the launcher makes each variant's cache before the first timed start; not timed):
#   none      STAEX_CACHE=off: the JDK's own CDS archive only (JDK classes)
#   aot       JDK 25 AOT cache of the training run without method profiles (classes loaded and
#             linked: JEP 483; -XX:-AOTRecordTraining -XX:-AOTReplayTraining)
#   aotprof   the launcher's default on JDK 25: AOT cache with profiles (JEP 483 + 515) and its
#             JIT flags (profiling delays at 1; eager compiles are an option, off by default)
#   aotnd     aotprof with the JIT's profiling delays for methods in the training data set to 1
#             (-XX:Tier0ProfileDelayFactor=1 -XX:Tier2ProfileDelayFactor=1, diagnostic): what
#             the launcher does since issue 15 (so now the same as aotprof)
#   aotdelay  aotprof with the JDK 25 defaults of those delays (100 and 250): the launcher's
#             cache before issue 15, whose hot methods reached C2 late
#   nowarm    aotprof with staex.warmup = false in every node's file: what the warm-up buys
#   noeager   aotprof with -XX:-AOTCompileEagerly -XX:-SkipTier2IfPossible: the launcher's
#             default (eager compiles were its default for a while: bench/results/cold-eager.txt)
#   The next five set both eager flags explicitly (+ or -), so they mean what they meant when
#   measured while the launcher had both on (aoteagerskip: the eager option of docs/node.md):
#   aoteager  noeager with -XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly (JDK 25,
#             experimental): when a class's initialisation makes a training-run compile
#             "ready" (all the classes it saw initialised are initialised here), that method is
#             compiled at once (at tier 2, or tier 4 when already at tier 2), not at its next
#             invocation-counter event
#   aoteagerskip  aoteager plus -XX:+SkipTier2IfPossible (diagnostic): a ready method goes
#             straight to C2 with the training run's profile instead of through tier 2
#   skip2     noeager plus -XX:+SkipTier2IfPossible alone
#   n7        noeager plus -XX:Tier2InvokeNotifyFreqLog=7 -XX:Tier2BackedgeNotifyFreqLog=10
#             (product flags; JDK defaults 11 and 14): a method on tier-2 code asks the JIT
#             policy again after 128 invocations instead of 2 048, so a trained method whose
#             C2 compile is ready (or whose profile is) moves on after 128 records, not 2 048
#   eagern7   aoteager and n7 together
#   none17 / cds17   the same on JDK 17 (JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64) without
#             and with the AppCDS archive
# Variants alternate within each repetition. Per run, in this order:
#   start_ms           `staex run` of the root launched → its control socket answers (polled
#                      every 10 ms)
#   link_up_ms         then the gateway's and the user's `staex run` launched at once → both have
#                      an active parent (linked to the root; a dial before the root listened
#                      would add the redial backoff, hence the root first)
#   first_contact_us   the first new connection to the forward: connect → 1 byte → its echo
#                      (includes the end-to-end session's handshake)
#   setup_p50_first50_us, setup_p50_200_us   the median of the first 50 / all 200 such
#                      connections, one after another (the first included)
#   rss_idle_MB        VmRSS of root, gateway and user, summed, after the 200 connections and
#                      2 s idle (before any bulk traffic), then each node
#   bulk_MiBps         one stream from the zero source through the path, MiB/s in each of the
#                      first 20 seconds (comma-separated), and bulk_first10/next10 means
#   rss_after_MB       the same RSS sum after the bulk stream closed and 2 s idle
#   cpu_setup_ms, cpu_bulk_ms_per_GiB   CPU time (utime + stime) of the three node JVMs, summed,
#                      over the 200 connections, and over the bulk stream per GiB received: the
#                      cold cost in CPU (JIT threads included), less sensitive than wall time to
#                      what else runs on the machine
# Every line ends with load=<1-minute load average> read when the figure was taken.
# THREADS=1 adds, after the 200 connections and after the bulk stream, each node's CPU ms in
# that phase by thread kind (event loop, C1 and C2 compiler threads, VM thread incl. the serial
# GC, other): what a cold node spends its CPU on. (Lines without "=" after the key: not in the medians.)
# KEEP=DIR keeps each run's node files and outputs (DIR/VARIANT.REP/{root,gateway,user}.{conf,out,err});
# DIAG_OPTS="-XX:+PrintCompilation ..." adds JVM options to the JDK 25 variants (a cache of their own:
# the launcher keys its cache by the options), e.g. to see what the JIT does in the first seconds.
# At the end: the median over the repetitions of each variant's figures (key_median=...).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-2}
variants=${2:-"none aot aotprof"}
bulk_s=${BULK_S:-20}
setups=${SETUPS:-200}
work=$(mktemp -d /tmp/staex-cold.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
staex=$repo/staex
jdk17=/usr/lib/jvm/java-17-openjdk-amd64
load() { cut -d' ' -f1 /proc/loadavg; }

variant_env() { # prints the env assignments of a variant, one per line
  case "$1" in
    none) echo STAEX_CACHE=off ;;
    aot) echo "JAVA_OPTS=-XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -XX:-AOTReplayTraining" ;;
    aotprof | nowarm) [[ -z "${DIAG_OPTS:-}" ]] || echo "JAVA_OPTS=$DIAG_OPTS" ;;
    aotnd) echo "JAVA_OPTS=-XX:+UnlockDiagnosticVMOptions -XX:Tier0ProfileDelayFactor=1 -XX:Tier2ProfileDelayFactor=1" ;;
    aotdelay) echo "JAVA_OPTS=-XX:+UnlockDiagnosticVMOptions -XX:Tier0ProfileDelayFactor=100 -XX:Tier2ProfileDelayFactor=250" ;;
    noeager) echo "JAVA_OPTS=-XX:-AOTCompileEagerly -XX:-SkipTier2IfPossible${DIAG_OPTS:+ $DIAG_OPTS}" ;;
    aoteager) echo "JAVA_OPTS=-XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly -XX:+UnlockDiagnosticVMOptions -XX:-SkipTier2IfPossible${DIAG_OPTS:+ $DIAG_OPTS}" ;;
    aoteagerskip) echo "JAVA_OPTS=-XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly -XX:+UnlockDiagnosticVMOptions -XX:+SkipTier2IfPossible${DIAG_OPTS:+ $DIAG_OPTS}" ;;
    n7) echo "JAVA_OPTS=-XX:+UnlockExperimentalVMOptions -XX:-AOTCompileEagerly -XX:+UnlockDiagnosticVMOptions -XX:-SkipTier2IfPossible -XX:Tier2InvokeNotifyFreqLog=7 -XX:Tier2BackedgeNotifyFreqLog=10${DIAG_OPTS:+ $DIAG_OPTS}" ;;
    eagern7) echo "JAVA_OPTS=-XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly -XX:+UnlockDiagnosticVMOptions -XX:-SkipTier2IfPossible -XX:Tier2InvokeNotifyFreqLog=7 -XX:Tier2BackedgeNotifyFreqLog=10${DIAG_OPTS:+ $DIAG_OPTS}" ;;
    skip2) echo "JAVA_OPTS=-XX:+UnlockExperimentalVMOptions -XX:-AOTCompileEagerly -XX:+UnlockDiagnosticVMOptions -XX:+SkipTier2IfPossible${DIAG_OPTS:+ $DIAG_OPTS}" ;;
    none17) echo "JAVA_HOME=$jdk17"; echo STAEX_CACHE=off ;;
    cds17) echo "JAVA_HOME=$jdk17" ;;
    *) echo "cold.sh: unknown variant $1" >&2; exit 2 ;;
  esac
}
variant_conf() { # prints the variant's extra lines for each node's staex section
  case "$1" in
    nowarm) echo "warmup = false" ;;
  esac
}
with_variant() { # with_variant VARIANT command...: execs the command in the variant's env
  local v=$1; shift
  local envs=()
  while IFS= read -r line; do [[ -n "$line" ]] && envs+=("$line"); done < <(variant_env "$v")
  exec env -u JAVA_OPTS -u STAEX_CACHE "${envs[@]}" "$@" # (the launcher execs java: $! is the JVM)
}

cd "$work"
"$staex" network create --out network.key >/dev/null
for n in root gateway user; do
  "$staex" keygen --out "$n.key" >/dev/null
  "$staex" cert issue --network-key network.key --node-key "$n.key" --out "$n.crt" >/dev/null 2> >(grep -v "^serial: " >&2)
done
addr() { "$staex" addr "$1.key"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo_port=$(free_port); src_port=$(free_port)

cat > servers.py <<'P'
import socket, sys, threading
def serve(port, handle):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(512)
    while True:
        c, _ = s.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=handle, args=(c,), daemon=True).start()
def echo(c):
    try:
        while True:
            b = c.recv(65536)
            if not b: break
            c.sendall(b)
    except OSError: pass
    c.close()
def source(c):
    buf = bytes(262144)
    try:
        while True: c.sendall(buf)
    except OSError: pass
    c.close()
threading.Thread(target=serve, args=(int(sys.argv[1]), echo), daemon=True).start()
serve(int(sys.argv[2]), source)
P
cat > measure.py <<'P'
import socket, sys, time, statistics, collections
def ask(path, req):
    s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect(path)
    s.sendall((req + "\n").encode()); data = b""
    while True:
        k = s.recv(65536)
        if not k: break
        data += k
    s.close(); return data.decode()
cmd = sys.argv[1]
if cmd == "linkup":  # linkup T0_NS any|parent SOCKET...: ms from T0 until every node answers
    # on its control socket (any) or has an active parent (parent)
    t0 = int(sys.argv[2]); want = '"activeParent":"' if sys.argv[3] == "parent" else "{"
    left = set(sys.argv[4:]); end = time.time() + 120
    while left and time.time() < end:
        for p in list(left):
            try:
                if want in ask(p, "status json"): left.discard(p)
            except OSError: pass
        if left: time.sleep(0.01)
    if left: raise SystemExit("no link up within 120 s")
    print(round((time.time_ns() - t0) / 1e6))
elif cmd == "setup":  # setup PORT N: connect → 1 byte → echo, N times
    port, n = int(sys.argv[2]), int(sys.argv[3]); us = []
    for i in range(n):
        a = time.perf_counter_ns()
        for attempt in range(200):
            try:
                c = socket.create_connection(("127.0.0.1", port), timeout=10)
                c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                c.sendall(b"x"); got = c.recv(1); c.close()
                if got == b"x": break
            except OSError: pass
            time.sleep(0.01)
        else: raise SystemExit("setup: no echo")
        us.append((time.perf_counter_ns() - a) / 1000)
    print(f"first_contact_us={round(us[0])} setup_p50_first50_us={round(statistics.median(us[:50]))}"
          f" setup_p50_{n}_us={round(statistics.median(us))}")
elif cmd == "threads":  # threads SNAPFILE NAME=PID...: CPU ms per thread kind since the last call
    import json, os, glob
    tck = os.sysconf("SC_CLK_TCK"); now = {}
    for arg in sys.argv[3:]:
        name, pid = arg.split("="); kinds = collections.Counter()
        for t in glob.glob(f"/proc/{pid}/task/*"):
            try:
                comm = open(t + "/comm").read().strip(); f = open(t + "/stat").read().rsplit(")", 1)[1].split()
            except OSError: continue
            kind = ("C2" if comm.startswith("C2 Compiler") else "C1" if comm.startswith("C1 Compiler")
                    else "loop" if comm.startswith("multiThreadIo") else "gc+vm" if comm == "VM Thread" else "other")
            kinds[kind] += int(f[11]) + int(f[12])
        now[name] = kinds
    try: before = json.load(open(sys.argv[2]))
    except OSError: before = {}
    json.dump(now, open(sys.argv[2], "w"))
    if before:
        print(" ".join(f"{n}:" + ",".join(f"{k}={round((now[n][k] - before.get(n, {}).get(k, 0)) * 1000 / tck)}"
              for k in ("loop", "C1", "C2", "gc+vm", "other")) for n in now))
elif cmd == "bulk":  # bulk PORT SECONDS: MiB/s of one stream in each second
    port, secs = int(sys.argv[2]), int(sys.argv[3])
    c = socket.create_connection(("127.0.0.1", port)); buf = bytearray(262144)
    t0 = time.perf_counter(); per = [0] * secs
    while True:
        k = c.recv_into(buf)
        if k == 0: raise SystemExit("bulk: EOF")
        i = int(time.perf_counter() - t0)
        if i >= secs: break
        per[i] += k
    c.close()
    mib = [round(x / 1048576) for x in per]
    h = secs // 2
    print(f"bulk_MiBps={','.join(map(str, mib))} bulk_first{h}_MiBps={round(sum(mib[:h]) / h)}"
          f" bulk_next{secs - h}_MiBps={round(sum(mib[h:]) / (secs - h))}")
P
python3 servers.py "$echo_port" "$src_port" & pids+=($!)

one_run() { # one_run VARIANT REP: prints key=value lines, each with the load
  local v=$1 rep=$2 root_port fwd_e fwd_s
  root_port=$(free_port); fwd_e=$(free_port); fwd_s=$(free_port)
  local d="$work/$v.$rep"; mkdir -p "$d"
  conf() { printf 'staex {\n  key = %s/%s.key\n  cert = %s/%s.crt\n  control.socket = "%s/%s.sock"\n  %s\n  %s\n}\n' \
      "$work" "$1" "$work" "$1" "$d" "$1" "$2" "$(variant_conf "$v")" > "$d/$1.conf"; }
  local parent="parents = [ { address = \"127.0.0.1:$root_port\", key = \"$(addr root)\" } ]"
  conf root "listen = \"127.0.0.1:$root_port\""
  conf gateway "$parent
  services = [ { port = 80, target = \"127.0.0.1:$echo_port\" }, { port = 81, target = \"127.0.0.1:$src_port\" } ]"
  conf user "$parent
  forwards = [ { listen = \"127.0.0.1:$fwd_e\", to = \"$(addr gateway).staex:80\" }, { listen = \"127.0.0.1:$fwd_s\", to = \"$(addr gateway).staex:81\" } ]"
  local -A np
  local p="$v.r$rep" l0 t0 up
  start() { (with_variant "$v" "$staex" run -c "$d/$1.conf" >"$d/$1.out" 2>"$d/$1.err") & np[$1]=$!; pids+=($!); }
  l0=$(load); t0=$(date +%s%N); start root
  up=$(python3 measure.py linkup "$t0" any "$d/root.sock")
  echo "$p.start_ms=$up load=$l0"
  l0=$(load); t0=$(date +%s%N); start gateway; start user
  up=$(python3 measure.py linkup "$t0" parent "$d/user.sock" "$d/gateway.sock")
  echo "$p.link_up_ms=$up load=$l0"
  cpu() { local t=0 f; for n in root gateway user; do read -ra f <"/proc/${np[$n]}/stat"
      t=$((t + f[13] + f[14])); done; echo "$t"; } # clock ticks (fields 14, 15: no spaces in "java")
  local tck c0; tck=$(getconf CLK_TCK); c0=$(cpu)
  thr() { [[ -z "${THREADS:-}" ]] || python3 measure.py threads "$d/threads.json" root="${np[root]}" gateway="${np[gateway]}" user="${np[user]}"; }
  thr >/dev/null # (the snapshot to count from)
  local s; s=$(python3 measure.py setup "$fwd_e" "$setups")
  for kv in $s; do echo "$p.$kv load=$(load)"; done
  [[ -z "${THREADS:-}" ]] || echo "$p.threads_setup_ms $(thr)"
  echo "$p.cpu_setup_ms=$((($(cpu) - c0) * 1000 / tck)) load=$(load)"
  sleep 2 # idle, not synchronisation: RSS of nodes at rest
  rss() { local sum=0 each="" kb; for n in root gateway user; do
      kb=$(awk '/VmRSS/ {print $2}' "/proc/${np[$n]}/status"); sum=$((sum + kb)); each="$each${each:+,}$n:$((kb / 1024))"; done
    echo "$((sum / 1024)) ($each)"; }
  local r; r=$(rss); echo "$p.rss_idle_MB=${r%% *} load=$(load) ${r#* }"
  c0=$(cpu); thr >/dev/null
  local b; b=$(python3 measure.py bulk "$fwd_s" "$bulk_s")
  for kv in $b; do echo "$p.$kv load=$(load)"; done
  [[ -z "${THREADS:-}" ]] || echo "$p.threads_bulk_ms $(thr)"
  local mib=0 x per; per=${b#bulk_MiBps=}; IFS=, read -ra per <<<"${per%% *}"
  for x in "${per[@]}"; do mib=$((mib + x)); done
  echo "$p.cpu_bulk_ms_per_GiB=$((($(cpu) - c0) * 1000 / tck * 1024 / (mib > 0 ? mib : 1))) load=$(load)"
  sleep 2
  r=$(rss); echo "$p.rss_after_MB=${r%% *} load=$(load) ${r#* }"
  for n in root gateway user; do kill "${np[$n]}" 2>/dev/null || true; done
  for n in root gateway user; do wait "${np[$n]}" 2>/dev/null || true; done
  if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP"; cp -r "$d" "$KEEP/"; fi
}

echo "cpus=$(nproc) load=$(load) commit=$(git -C "$repo" rev-parse --short HEAD) date=$(date -u +%FT%TZ)"
for v in $variants; do # each variant's cache is made (untimed) before the first run: only a
  # `run` (or `demo`) makes it, `--version` alone would leave it to the first timed start
  (with_variant "$v" "$staex" run --help >/dev/null 2>&1) || true
  (with_variant "$v" "$staex" --version) | tail -1 | sed "s/^/$v.jvm=/"
done
out="$work/lines"
for rep in $(seq "$reps"); do
  for v in $variants; do one_run "$v" "$rep" | tee -a "$out"; done
  variants=$(echo "$variants" | awk '{for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "")}')
done
# Medians over the repetitions (numeric figures only).
python3 - "$out" <<'P'
import sys, statistics, collections
vals = collections.defaultdict(list)
for line in open(sys.argv[1]):
    if "=" not in line.split()[0]:
        continue
    key, val = line.split()[0].split("=", 1)
    v, _, fig = key.split(".", 2)
    if "," in val:
        continue
    vals[(v, fig)].append(float(val))
for (v, fig), xs in vals.items():
    print(f"{v}.{fig}_median={statistics.median(xs):g} n={len(xs)}")
P
