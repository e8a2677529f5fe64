#!/usr/bin/env python3
"""The staex field testbed: real `staex run` nodes, one network namespace each, veth links.

Called by up.sh, down.sh and run.sh (see README.md); not meant to be run by hand, except
`tb.py shim` (the delay shim) and `tb.py shim-bench` (what the shim can carry).

Everything the testbed makes is recorded in the state directory ($TESTBED_DIR, default
/tmp/staex-testbed): the namespaces it created (netns.txt) and every process it started
(pids.txt, "label pid" per line); down removes exactly those, never by pattern.

Sockets of the traffic generators and echo servers are made inside a node's namespace with
setns(2) from this one process, so one asyncio loop drives streams in many namespaces.
"""

import argparse
import asyncio
import ctypes
import datetime
import hashlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
STAEX = os.path.join(REPO, "staex")
STATE = os.environ.get("TESTBED_DIR", "/tmp/staex-testbed")
PREFIX = os.environ.get("TESTBED_PREFIX", "stb")  # namespace names: PREFIX + index
RESULTS = os.environ.get("TESTBED_RESULTS", os.path.join(HERE, "results"))
LISTEN_PORT = 7400  # every relay listens here in its own namespace (no clash across namespaces)
ECHO_PORT, HTTP_PORT, IPERF_PORT = 7007, 8080, 5201  # a gateway's real services, on its loopback
SOCKS_PORT = 1080
DNS_PORT = 5353  # a user's resolver for .staex names (nodeI.staex: Keys.java names every node)
SO_MARK = 36
SHIM_MARK = 0x5354  # the shim's own upstream connections are not redirected into itself
CLONE_NEWNET = 0x40000000

_libc = ctypes.CDLL(None, use_errno=True)


def log(*a):
    print("testbed:", *a, file=sys.stderr, flush=True)


def sh(*cmd, check=True, quiet=False):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def ns(i):
    return f"{PREFIX}{i}"


class in_netns:
    """Runs the with-block in namespace `name` (this thread only): sockets made there stay there."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.home = os.open(f"/proc/thread-self/ns/net", os.O_RDONLY)
        fd = os.open(f"/var/run/netns/{self.name}", os.O_RDONLY)
        try:
            if _libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns {self.name}")
        finally:
            os.close(fd)

    def __exit__(self, *exc):
        _libc.setns(self.home, CLONE_NEWNET)
        os.close(self.home)


# ---------------------------------------------------------------- topology

def generate(n, seed):
    """A tree with a root (0), a standby root (1, child of the root), relays, gateways, users.

    Every child of the root has the standby as backup parent and every child of the standby
    the root; about one other node in ten gets a second parent (a relay of lower index, so no
    cycle of parents). Fixed roles keep the scenarios' subjects in every size: relay 2 (parent
    root, backup standby), relay 3 (parent relay 2, backup root), the first gateway under relay
    2 and the first user under relay 3.
    """
    if n < 6:
        raise SystemExit("testbed: N must be at least 6")
    rnd = random.Random(seed)
    rest = n - 2
    relays = max(2, rest * 3 // 10)
    gateways = max(1, rest * 2 // 10)
    users = rest - relays - gateways
    nodes = [{"id": 0, "role": "root", "parents": []}, {"id": 1, "role": "standby", "parents": [0]}]
    relay_ids = []
    for k in range(relays):
        i = len(nodes)
        if k == 0:
            p = 0
        elif k == 1:
            p = 2
        else:
            p = rnd.choice([0, 1] + relay_ids)
        nodes.append({"id": i, "role": "relay", "parents": [p]})
        relay_ids.append(i)
    for role, count in (("gateway", gateways), ("user", users)):
        for k in range(count):
            i = len(nodes)
            if k == 0:
                p = 2 if role == "gateway" else 3
            else:
                p = rnd.choice(relay_ids + relay_ids + [0, 1])
            nodes.append({"id": i, "role": role, "parents": [p]})
    for node in nodes[2:]:
        p = node["parents"][0]
        if node["id"] == 3:
            node["parents"].append(0)
        elif p == 0:
            node["parents"].append(1)
        elif p == 1:
            node["parents"].append(0)
        elif rnd.random() < 0.1:
            lower = [r for r in relay_ids if r != p and r < node["id"]] + [0]
            node["parents"].append(rnd.choice(lower))
    links = []
    for node in nodes:
        for rank, p in enumerate(node["parents"]):
            links.append({"id": len(links), "parent": p, "child": node["id"], "rank": rank})
    return {"n": n, "seed": seed, "nodes": nodes, "links": links}


def link_addrs(k):
    base = k * 4
    net = f"10.88.{base >> 8}.{base & 255}"
    a = f"10.88.{base >> 8}.{(base & 255) + 1}"
    b = f"10.88.{base >> 8}.{(base & 255) + 2}"
    return a, b  # parent side, child side (/30)


def by_role(topo, role):
    return [nd["id"] for nd in topo["nodes"] if nd["role"] == role]


def path_nodes(topo, u, g):
    """Nodes on the tree path (primary parents) between u and g, both included."""
    parent = {nd["id"]: (nd["parents"][0] if nd["parents"] else None) for nd in topo["nodes"]}

    def up(x):
        out = [x]
        while parent[x] is not None:
            x = parent[x]
            out.append(x)
        return out

    a, b = up(u), up(g)
    common = next(x for x in a if x in b)
    return a[: a.index(common) + 1] + list(reversed(b[: b.index(common)]))


def subtree(topo, top):
    """Nodes whose primary-parent chain passes through `top` (top included)."""
    out = set()
    for nd in topo["nodes"]:
        x = nd["id"]
        while True:
            if x == top:
                out.add(nd["id"])
                break
            ps = topo["nodes"][x]["parents"]
            if not ps:
                break
            x = ps[0]
    return out


# ---------------------------------------------------------------- state

def state(*p):
    return os.path.join(STATE, *p)


def start_time(pid):
    """The process's start time in clock ticks since boot (0 if gone): with the PID it names
    one process, so a PID reused by someone else's process is never signalled."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(") ", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return 0


def record_pid(label, pid):
    with open(state("pids.txt"), "a") as f:
        f.write(f"{label} {pid} {start_time(pid)}\n")


def recorded():
    """Every (label, pid, start time) ever recorded, oldest first (restarts append)."""
    out = []
    if os.path.exists(state("pids.txt")):
        for line in open(state("pids.txt")):
            label, pid, st = line.split()
            out.append((label, int(pid), int(st)))
    return out


def pids():
    """The newest live process of each label that is still the one recorded."""
    return {label: pid for label, pid, st in recorded() if start_time(pid) == st}


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def load_topo():
    with open(state("topology.json")) as f:
        return json.load(f)


def addr_of(i):
    with open(state(f"node{i}.addr")) as f:
        return f.read().strip()


def spawn(label, argv, netns=None, log_to=None, cwd=None):
    cmd = (["ip", "netns", "exec", netns] if netns else []) + argv
    out = open(log_to or os.devnull, "ab")
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT if log_to else out,
                         stdin=subprocess.DEVNULL, cwd=cwd or STATE, start_new_session=True)
    record_pid(label, p.pid)
    return p.pid


def start_node(i):
    env_opts = os.environ.get("TESTBED_JAVA_OPTS", "")
    argv = ["env", f"JAVA_OPTS={env_opts}", STAEX, "run", "-c", f"node{i}.conf"] if env_opts \
        else [STAEX, "run", "-c", f"node{i}.conf"]
    # ip netns exec and env exec, the launcher execs java: the recorded PID is the JVM's.
    return spawn(f"node{i}", argv, netns=ns(i), log_to=state(f"node{i}.log"))


def kill_node(i, sig=signal.SIGKILL):
    pid = pids().get(f"node{i}")
    if pid and alive(pid):
        os.kill(pid, sig)
        for _ in range(200):
            if not alive(pid):
                break
            time.sleep(0.01)


def proc_cpu_s(pid):
    """User + system CPU seconds of a live process (0 if gone)."""
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, TypeError):
        return 0.0


def rss_mb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return -1


# ---------------------------------------------------------------- up / down

def write_conf(topo, i, addrs):
    nd = topo["nodes"][i]
    lines = [f"key = node{i}.key", f"cert = node{i}.crt"]
    relaying = nd["role"] in ("root", "standby", "relay")
    if relaying:
        lines.append(f'listen = "0.0.0.0:{LISTEN_PORT}"')
    if nd["parents"]:
        entries = []
        for link in topo["links"]:
            if link["child"] == i:
                pa, _ = link_addrs(link["id"])
                entries.append((link["rank"], f'{{ address = "{pa}:{LISTEN_PORT}", key = "{addrs[link["parent"]]}" }}'))
        lines.append("parents = [ " + ", ".join(e for _, e in sorted(entries)) + " ]")
    if nd["role"] == "gateway":
        svc = [f'{{ port = 7, target = "127.0.0.1:{ECHO_PORT}" }}',
               f'{{ port = 80, target = "127.0.0.1:{HTTP_PORT}" }}',
               f'{{ port = 5201, target = "127.0.0.1:{IPERF_PORT}" }}']
        lines.append("services = [ " + ", ".join(svc) + " ]")
    if nd["role"] == "user":
        fw = []
        for g in by_role(topo, "gateway"):
            fw.append(f'{{ listen = "127.0.0.1:{20000 + g}", to = "{addrs[g]}.staex:7" }}')
            fw.append(f'{{ listen = "127.0.0.1:{30000 + g}", to = "{addrs[g]}.staex:80" }}')
            fw.append(f'{{ listen = "127.0.0.1:{40000 + g}", to = "{addrs[g]}.staex:5201" }}')
        lines.append("forwards = [\n    " + ",\n    ".join(fw) + "\n  ]")
        lines.append(f'socks {{ listen = "127.0.0.1:{SOCKS_PORT}" }}')
        lines.append(f'dns {{ listen = "127.0.0.1:{DNS_PORT}" }}')
    extra = os.environ.get("TESTBED_NODE_CONF", "")
    if extra:
        lines.append(extra)
    with open(state(f"node{i}.conf"), "w") as f:
        f.write("staex {\n  " + "\n  ".join(lines) + "\n}\n")


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


def keys(topo):
    """Keys and certificates with the CLI's own commands, in one JVM (Keys.java)."""
    sh(java(), "-cp", os.path.join(REPO, "node", "target", "staex.jar"), os.path.join(HERE, "Keys.java"),
       STATE, str(topo["n"]))
    return [addr_of(i) for i in range(topo["n"])]


def diagnose(topo, per_pair, limit=4):
    """Note lines on the pairs that never worked (None in per_pair): which they are, whether the
    root's view holds each end, the gateway's active parent, and the user's `trace` to the
    gateway (each node asked on the way says what it decided). For a next look at a mesh that
    did not converge: the nodes' logs say little at INFO."""
    failing = sorted(p for p, v in per_pair.items() if v is None)
    if not failing:
        return []
    notes = [f"pairs that never worked ({len(failing)}): "
             + " ".join(f"{u}->{g}" for u, g in failing[:60])]

    addrs = {}
    for nd in topo["nodes"]:
        with open(state(f"node{nd['id']}.addr")) as f:
            addrs[nd["id"]] = f.read().split()[0]
    ids = {a: i for i, a in addrs.items()}
    addr = addrs.__getitem__

    try:
        root = json.loads(control(0))
        known = set(root["routes"]["known"])
        notes.append(f"root: view {root['routes']['viewSize']} states; lacks "
                     + (" ".join(str(i) for i in sorted({x for p in failing for x in p})
                                 if addr(i) not in known) or "none of their ends"))
    except (OSError, ValueError, KeyError) as e:
        notes.append(f"root: no status ({e})")
    for u, g in failing[:limit]:
        try:
            gs = json.loads(control(g))
            parent = gs.get("activeParent")
            owner = ids.get(parent, parent)
            t = json.loads(control(u, f"trace {addr(g)}", timeout=15))
            steps = [f"{u}: {t.get('result')}"] + [
                f"{ids.get(a.get('address'), '?')}: {a.get('result')}"
                + ("" if a.get("result") in ("up", "forward") else f" ({a.get('why', '')[:80]})")
                + ("" if a.get("result") == "up" else " via " + ",".join(
                    str(ids.get(h.get("address"), "?")) for h in a.get("hops", [])))
                for a in t.get("asked", [])]
            notes.append(f"{u}->{g}: gateway's active parent {owner}; trace " + " > ".join(steps))
        except (OSError, ValueError) as e:
            notes.append(f"{u}->{g}: no answer ({e})")
    return notes


def cmd_up(args):
    if os.path.exists(state("netns.txt")):
        raise SystemExit(f"testbed: already up in {STATE} (run testbed/down.sh first)")
    os.makedirs(STATE, exist_ok=True)
    topo = generate(args.n, args.seed)
    with open(state("topology.json"), "w") as f:
        json.dump(topo, f, indent=1)
    with open(state("topology.txt"), "w") as f:
        for nd in topo["nodes"]:
            f.write(f"node {nd['id']} {nd['role']} parents={','.join(map(str, nd['parents'])) or '-'}\n")
        for l in topo["links"]:
            pa, ca = link_addrs(l["id"])
            f.write(f"link {l['id']} parent={l['parent']}:{pa} child={l['child']}:{ca} rank={l['rank']}\n")
    t0 = time.monotonic()
    for nd in topo["nodes"]:
        name = ns(nd["id"])
        with open(state("netns.txt"), "a") as f:  # recorded before it exists: down removes partial runs
            f.write(name + "\n")
        sh("ip", "netns", "add", name)
        sh("ip", "-n", name, "link", "set", "lo", "up")
    for l in topo["links"]:
        pa, ca = link_addrs(l["id"])
        pn, cn = ns(l["parent"]), ns(l["child"])
        pi, ci = f"l{l['id']}p", f"l{l['id']}c"
        sh("ip", "link", "add", pi, "netns", pn, "type", "veth", "peer", "name", ci, "netns", cn)
        sh("ip", "-n", pn, "addr", "add", f"{pa}/30", "dev", pi)
        sh("ip", "-n", cn, "addr", "add", f"{ca}/30", "dev", ci)
        sh("ip", "-n", pn, "link", "set", pi, "up")
        sh("ip", "-n", cn, "link", "set", ci, "up")
    log(f"{topo['n']} namespaces, {len(topo['links'])} links in {time.monotonic() - t0:.1f}s")
    t0 = time.monotonic()
    # builds the jar if stale, and the launcher's start-up cache (made for `run`; a minute):
    # made here, not by the first node, which would start a minute after the others
    sh(STAEX, "run", "--version", check=False)
    addrs = keys(topo)
    for nd in topo["nodes"]:
        write_conf(topo, nd["id"], addrs)
    log(f"keys, certificates, configs in {time.monotonic() - t0:.1f}s")
    www = state("www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "blob"), "wb") as f:
        f.write(pattern_bytes(0, 64 << 20))
    with open(os.path.join(www, "small"), "wb") as f:
        f.write(pattern_bytes(0, 64 << 10))
    gws = by_role(topo, "gateway")
    spawn("echo", [sys.executable, os.path.abspath(__file__), "echo-servers"] + [ns(g) for g in gws],
          log_to=state("echo.log"))
    for g in gws:
        start_http(f"http{g}", g)
        if which("iperf3"):
            spawn(f"iperf{g}", ["iperf3", "-s", "-B", "127.0.0.1", "-p", str(IPERF_PORT)], netns=ns(g))
    start_all(topo)
    per_pair = {}
    converge_s, rounds = asyncio.run(wait_mesh(topo, time.monotonic(), args.timeout,
                                               per_pair=per_pair))
    for line in diagnose(topo, per_pair):
        log(line)
    socks = socks_check(topo) if converge_s is not None else False
    print(f"testbed up n={topo['n']} seed={args.seed} links={len(topo['links'])} "
          f"converge_s={fmt(converge_s)} socks_ok={int(socks)} state={STATE}")
    if converge_s is None or not socks:
        sys.exit(1)


def start_http(label, i):
    """Python's threading HTTP server on the node's loopback, serving the known files, with a
    listen backlog of 1024 (`python3 -m http.server` has 5: 100 connections at once waited for
    SYN retries of 1, 3 and 7 s, which the first 100-stream runs measured instead of staex)."""
    return spawn(label, [sys.executable, os.path.abspath(__file__), "http-server", state("www")], netns=ns(i))


def http_server(directory):
    import functools
    import http.server

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 1024

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
    handler.log_message = lambda *a: None
    Server(("127.0.0.1", HTTP_PORT), handler).serve_forever()


def socks_check(topo):
    """The first user's SOCKS proxy fetches a known file from the first gateway's HTTP server."""
    u, g = by_role(topo, "user")[0], by_role(topo, "gateway")[0]
    out = subprocess.run(["ip", "netns", "exec", ns(u), "curl", "-sS", "--fail", "--max-time", "20",
                          "--socks5-hostname", f"127.0.0.1:{SOCKS_PORT}", f"http://{addr_of(g)}.staex/small"],
                         capture_output=True)
    if out.returncode != 0 or out.stdout != pattern_bytes(0, 64 << 10):
        log(f"SOCKS check failed: {out.stderr.decode().strip()}")
        return False
    return True


def start_all(topo):
    for nd in topo["nodes"]:
        start_node(nd["id"])


def which(prog):
    return any(os.access(os.path.join(d, prog), os.X_OK) for d in os.environ.get("PATH", "").split(":"))


def cmd_down(args):
    if not os.path.isdir(STATE):
        log(f"nothing to remove in {STATE}")
        return
    mine = [(pid, st) for _, pid, st in recorded() if st and start_time(pid) == st]
    for pid, _ in mine:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # the namespaces' veths go with them
    if os.path.exists(state("netns.txt")):
        for name in open(state("netns.txt")).read().split():
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
    for pid, _ in mine:
        for _ in range(300):
            if not alive(pid):
                break
            time.sleep(0.01)
    subprocess.run(["rm", "-rf", STATE])
    log(f"removed {STATE}")


# ---------------------------------------------------------------- traffic

_PATTERN = None


def pattern_bytes(off, n):
    """The bytes every stream sends: a fixed 1 MiB random block, repeated."""
    global _PATTERN
    if _PATTERN is None:
        _PATTERN = random.Random(14).randbytes(1 << 20) * 2
    out = bytearray()
    while n > 0:
        o = off % (1 << 20)
        k = min(n, (1 << 20) - o)
        out += _PATTERN[o:o + k]
        off += k
        n -= k
    return bytes(out)


def nodelay(w):
    """A forwarder must not add Nagle's wait to small writes."""
    s = w.get_extra_info("socket")
    if s is not None:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def connect_in(name, port, timeout):
    with in_netns(name):
        s = socket.socket()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    try:
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(s, ("127.0.0.1", port)), timeout)
        return await asyncio.open_connection(sock=s)
    except BaseException:
        s.close()
        raise


async def probe(user, gw, timeout=3.0, size=1024):
    """One new stream: user's forward to gw's echo, `size` bytes there and back."""
    try:
        r, w = await connect_in(ns(user), 20000 + gw, timeout)
    except (OSError, asyncio.TimeoutError):
        return False
    try:
        data = os.urandom(size)
        w.write(data)
        got = await asyncio.wait_for(r.readexactly(size), timeout)
        return got == data
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        return False
    finally:
        w.close()


def all_pairs(topo):
    return [(u, g) for u in by_role(topo, "user") for g in by_role(topo, "gateway")]


async def mesh_round(pairs):
    res = await asyncio.gather(*(probe(u, g) for u, g in pairs))
    return [p for p, ok in zip(pairs, res) if not ok]


async def wait_mesh(topo, since, timeout, pairs=None, every=0.5, confirm=2, cap=128, per_pair=None):
    """Seconds from `since` until every pair of `pairs` (default: every user to every gateway)
    works, and the number of probes sent; None for the seconds on timeout. Each pair is probed
    on its own, a new stream every `every` s (so up to six of a pair's 3 s probes are out while
    a path is down), but never more than `cap` probes out in all; a pair works from the start of
    the first of `confirm` probes in a row (in the order they started) that succeed, and the
    answer is the last pair's. The cap keeps probes from piling up on a loaded machine: rounds of
    every pair at once every 0.5 s (what this did before) had a 50-node root-kill 'recover' at
    +72 s while no node logged a failed stream after +17 s. With `per_pair` (a dict), each pair's
    own seconds from `since` go there (None: it never worked)."""
    pairs = pairs or all_pairs(topo)
    deadline = since + timeout
    sent = 0
    out = 0

    async def probed(u, g):
        nonlocal out
        try:
            return await probe(u, g)
        finally:
            out -= 1

    async def one(u, g):
        nonlocal sent, out
        flying = []  # (start, task), oldest first
        run_start, run = None, 0
        try:
            while time.monotonic() < deadline:
                while flying and flying[0][1].done():
                    start, t = flying.pop(0)
                    if t.result():
                        run_start = start if run == 0 else run_start
                        run += 1
                        if run >= confirm:
                            return run_start
                    else:
                        run = 0
                if out < cap:
                    out += 1
                    sent += 1
                    flying.append((time.monotonic(), asyncio.ensure_future(probed(u, g))))
                await asyncio.sleep(every)
            return None
        finally:
            for _, t in flying:
                t.cancel()

    works = await asyncio.gather(*(one(u, g) for u, g in pairs))
    if per_pair is not None:
        for p, w in zip(pairs, works):
            per_pair[p] = None if w is None else max(0.0, w - since)
    if any(w is None for w in works):
        return None, sent
    return max(0.0, max(works) - since), sent


STALL_S = 1.0  # a stream that received nothing for longer than this after a fault was stalled


class Stream:
    """A long stream: writes the pattern at `rate` B/s to a gateway's echo and checks what
    comes back. Counts bytes sent and received (with SHA-256 of each), and ends as reset when
    the connection closes or fails."""

    def __init__(self, user, gw, rate):
        self.user, self.gw, self.rate = user, gw, rate
        self.sent = self.recv = 0
        self.sh_sent, self.sh_recv = hashlib.sha256(), hashlib.sha256()
        self.corrupt = False
        self.reset = None  # time of reset
        self.last_recv_t = None
        self.stop = False
        self.watch_from = None  # set at the fault: from then on, the longest stall is kept
        self.stall = 0.0
        self.resumed_at = None  # when bytes came again after the longest stall (> STALL_S)

    async def run(self):
        try:
            self.r, self.w = await connect_in(ns(self.user), 20000 + self.gw, 5)
        except (OSError, asyncio.TimeoutError):
            self.reset = time.monotonic()
            return
        await asyncio.gather(self._write(), self._read())

    async def _write(self):
        chunk = 16384
        t = time.monotonic()
        try:
            while not self.stop and self.reset is None:
                data = pattern_bytes(self.sent, chunk)
                self.w.write(data)
                self.sh_sent.update(data)
                self.sent += chunk
                await self.w.drain()
                t += chunk / self.rate
                await asyncio.sleep(max(0, t - time.monotonic()))
        except (OSError, ConnectionError):
            if self.reset is None:
                self.reset = time.monotonic()

    async def _read(self):
        try:
            while self.reset is None:
                data = await self.r.read(65536)
                if not data:
                    break
                if data != pattern_bytes(self.recv, len(data)):
                    self.corrupt = True
                self.sh_recv.update(data)
                self.recv += len(data)
                now = time.monotonic()
                if self.watch_from is not None:
                    quiet = now - max(self.last_recv_t or self.watch_from, self.watch_from)
                    if quiet > max(self.stall, STALL_S):
                        self.stall, self.resumed_at = quiet, now
                self.last_recv_t = now
                if self.stop and self.recv >= self.sent:
                    return
        except (OSError, ConnectionError):
            pass
        if self.reset is None and not (self.stop and self.recv >= self.sent):
            self.reset = time.monotonic()


# ---------------------------------------------------------------- servers, shim

async def echo_servers(names):
    async def handle(r, w):
        nodelay(w)
        try:
            while True:
                data = await r.read(65536)
                if not data:
                    break
                w.write(data)
                await w.drain()
        except (OSError, ConnectionError):
            pass
        finally:
            w.close()

    servers = []
    for name in names:
        with in_netns(name):
            s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", ECHO_PORT))
        s.listen(512)
        servers.append(await asyncio.start_server(handle, sock=s))
    await asyncio.Event().wait()


async def shim(listen_port, to_host, to_port, delay, jitter, cap, on_ready=None):
    """Forwards TCP from 127.0.0.1:listen_port to to_host:to_port, each byte held `delay` s
    (+- `jitter`, never reordered: a chunk leaves no earlier than the one before it). At most
    `cap` bytes wait per direction; beyond it the shim stops reading (TCP backpressure)."""
    loop = asyncio.get_running_loop()
    rnd = random.Random()

    async def pump(r, w):
        q = asyncio.Queue()
        room = asyncio.Event()
        room.set()
        held = [0]

        async def out():
            try:
                while True:
                    due, data = await q.get()
                    if data is None:
                        w.write_eof() if w.can_write_eof() else None
                        return
                    d = due - loop.time()
                    if d > 0:
                        await asyncio.sleep(d)
                    w.write(data)
                    await w.drain()
                    held[0] -= len(data)
                    if held[0] < cap:
                        room.set()
            except (OSError, ConnectionError):
                pass

        sender = asyncio.ensure_future(out())
        last = 0.0
        try:
            while True:
                await room.wait()
                data = await r.read(262144)
                due = max(last, loop.time() + delay + rnd.uniform(-jitter, jitter))
                last = due
                await q.put((due, data or None))
                if not data:
                    break
                held[0] += len(data)
                if held[0] >= cap:
                    room.clear()
        except (OSError, ConnectionError):
            q.put_nowait((0, None))
        await sender

    async def handle(cr, cw):
        nodelay(cw)
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, SO_MARK, SHIM_MARK)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        try:
            await loop.sock_connect(s, (to_host, to_port))
        except OSError:
            s.close()
            cw.close()
            return
        ur, uw = await asyncio.open_connection(sock=s)
        await asyncio.gather(pump(cr, uw), pump(ur, cw), return_exceptions=True)
        uw.close()
        cw.close()

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    if on_ready:
        on_ready()
    async with server:
        await server.serve_forever()


# ---------------------------------------------------------------- impairments

def shim_port(link_id):
    return 17000 + link_id


def impair(link_id, delay_ms, jitter_ms, rate_mbit):
    """Delay on a link (a shim in the child's namespace; the child's connections to its parent
    are redirected into it), and a tbf bandwidth cap on both ends of the veth."""
    topo = load_topo()
    link = topo["links"][link_id]
    pa, _ = link_addrs(link_id)
    cn, pn = ns(link["child"]), ns(link["parent"])
    if delay_ms > 0:
        cap = max(4 << 20, int(rate_mbit * 1e6 / 8 * delay_ms / 1000 * 4)) if rate_mbit else 16 << 20
        spawn(f"shim{link_id}", [sys.executable, os.path.abspath(__file__), "shim", str(shim_port(link_id)),
                                 pa, str(LISTEN_PORT), str(delay_ms / 2000), str(jitter_ms / 2000), str(cap)],
              netns=cn, log_to=state(f"shim{link_id}.log"))
        wait_port(cn, shim_port(link_id))
        for port in (LISTEN_PORT,) + tuple(extra_shim_ports(link_id)):
            sh("ip", "netns", "exec", cn, "iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", pa,
               "--dport", str(port), "-m", "mark", "!", "--mark", str(SHIM_MARK), "-j", "REDIRECT",
               "--to-ports", str(shim_port(link_id) if port == LISTEN_PORT else port + 1000))
    if rate_mbit:
        for name, dev in ((cn, f"l{link_id}c"), (pn, f"l{link_id}p")):
            sh("ip", "netns", "exec", name, "tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate",
               f"{rate_mbit}mbit", "burst", "64kb", "latency", "20ms")


def extra_shim_ports(link_id):
    return []


def wait_port(name, port, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with in_netns(name):
            s = socket.socket()
        try:
            s.connect(("127.0.0.1", port))
            return
        except OSError:
            time.sleep(0.05)
        finally:
            s.close()
    raise RuntimeError(f"nothing listens on {name} 127.0.0.1:{port}")


def blackhole(link_id, on=True):
    """Drops everything on a link, in the child's namespace, without a reset (iptables DROP)."""
    link = load_topo()["links"][link_id]
    cn, dev = ns(link["child"]), f"l{link_id}c"
    op = "-I" if on else "-D"
    sh("ip", "netns", "exec", cn, "iptables", op, "INPUT", "-i", dev, "-j", "DROP")
    sh("ip", "netns", "exec", cn, "iptables", op, "OUTPUT", "-o", dev, "-j", "DROP")


# ---------------------------------------------------------------- scenarios

def fmt(x):
    return "none" if x is None else (f"{x:.1f}" if isinstance(x, float) else str(x))


def link_between(topo, child, parent):
    return next(l["id"] for l in topo["links"] if l["child"] == child and l["parent"] == parent)


async def fault_scenario(topo, pairs, fault, heal=None, hold=None, timeout=60, rate=65536,
                         warm=3.0, stream_cap=16):
    """Streams over `pairs` (at most stream_cap), then `fault()`; measures until new streams over
    `pairs` all work (recover_s, from the fault, or from heal() when hold is given) and until every
    old stream that was not reset moved again (old_moved_s). Then stops the streams and waits
    for their echoes to drain."""
    streams = [Stream(u, g, rate) for u, g in pairs[:stream_cap]]
    tasks = [asyncio.ensure_future(s.run()) for s in streams]
    await asyncio.sleep(warm)
    bad = [s for s in streams if s.reset is not None or s.recv == 0]
    if bad:
        log(f"{len(bad)} streams did not run before the fault: left out of the figures")
    t_fault = time.monotonic()
    recv_at_fault = {id(s): s.recv for s in streams}
    for s in streams:
        s.watch_from = t_fault
    await asyncio.get_running_loop().run_in_executor(None, fault)
    since = t_fault
    if hold is not None:
        await asyncio.sleep(hold)
        await asyncio.get_running_loop().run_in_executor(None, heal)
        since = time.monotonic()
    recover_s, _ = await wait_mesh(topo, since, timeout, pairs=pairs, every=0.5)
    # old_moved_s: when the last old stream that stalled got bytes again, from `since`
    old_moved = None
    end = time.monotonic() + (recover_s or 0) + 5
    while time.monotonic() < end:
        live = [s for s in streams if s.reset is None]
        if live and all(s.last_recv_t and s.last_recv_t > since and s.recv > recv_at_fault[id(s)] for s in live):
            await asyncio.sleep(2 * STALL_S)  # a stall still under way would end later
            old_moved = max([0.0] + [s.resumed_at - since for s in live if s.resumed_at])
            break
        await asyncio.sleep(0.1)
    for s in streams:
        s.stop = True
    await asyncio.wait(tasks, timeout=10)
    for t in tasks:
        t.cancel()
    streams = [s for s in streams if s not in bad]
    lost = sum(max(0, s.sent - s.recv) for s in streams)
    reset = sum(1 for s in streams if s.reset is not None)
    stalled = sum(1 for s in streams if s.reset is None and s.recv < s.sent)
    corrupt = sum(1 for s in streams if s.corrupt)
    return {
        "streams": len(streams), "streams_not_started": len(bad), "streams_reset": reset, "streams_stalled": stalled,
        "lost_bytes": lost, "corrupt_streams": corrupt,
        "sent_bytes": sum(s.sent for s in streams), "recv_bytes": sum(s.recv for s in streams),
        "sha_ok": sum(1 for s in streams if s.sh_sent.hexdigest() == s.sh_recv.hexdigest()),
        "recover_s": recover_s, "old_moved_s": old_moved,
    }


def affected_pairs(topo, pred):
    out = [p for p in all_pairs(topo) if pred(path_nodes(topo, *p))]
    return out


def scenario(args, topo):
    name = args.scenario
    if name == "cold-start":
        for nd in topo["nodes"]:
            kill_node(nd["id"])
        start_all(topo)
        t = time.monotonic()
        wall = datetime.datetime.now(datetime.timezone.utc)
        per_pair = {}
        converge, rounds = asyncio.run(wait_mesh(topo, t, args.timeout, per_pair=per_pair))
        # CPU the fresh node processes used from their start to here: on 2 cores, 50 JVMs that
        # start, compile and shake hands are CPU-bound when this nears nproc x converge_s
        cpu = sum(proc_cpu_s(pids().get(f"node{nd['id']}")) for nd in topo["nodes"])
        # when each JVM logged `running` (its log line's time): how much of converge_s was the
        # machine starting 50 JVMs, how much the nodes finding each other after
        last = None
        for nd in topo["nodes"]:
            for line in open(state(f"node{nd['id']}.log"), errors="replace"):
                if " running: " in line and "NodeRuntime" in line:
                    try:
                        ts = datetime.datetime.fromisoformat(line.split()[0].replace("Z", "+00:00"))
                    except ValueError:
                        continue
                    if ts >= wall and (last is None or ts > last):
                        last = ts
        up = None if last is None else round((last - wall).total_seconds(), 1)
        after = None if converge is None or up is None else round(converge - up, 1)
        done = sorted(v for v in per_pair.values() if v is not None)
        res = {"n": topo["n"], "pairs": len(all_pairs(topo)), "converge_s": converge,
               "last_running_s": up, "converge_after_running_s": after,
               "pair_p50_s": round(done[len(done) // 2], 1) if done else None,
               "pair_p90_s": round(done[len(done) * 9 // 10], 1) if done else None,
               "nodes_cpu_s": round(cpu, 1),
               "cpu_busy_pct": None if not converge else round(100 * cpu / (os.cpu_count() * converge))}
        slowest = sorted(per_pair.items(), key=lambda kv: float("inf") if kv[1] is None else kv[1])[-5:]
        res["_notes"] = ["slowest pairs (user->gateway: s): " + " ".join(
            f"{u}->{g}:{'never' if v is None else round(v, 1)}" for (u, g), v in reversed(slowest))]
        res["_notes"] += diagnose(topo, per_pair)
        return res, True
    if name == "blackhole-parent":
        # relay 3 loses relay 2 silently; it has the root as backup parent
        link = link_between(topo, 3, 2)
        sub = subtree(topo, 3)
        pairs = [p for p in all_pairs(topo) if (p[0] in sub) != (p[1] in sub)]
        res = asyncio.run(fault_scenario(topo, pairs, lambda: blackhole(link), timeout=args.timeout))
        blackhole(link, False)
        res["link"] = f"3->2"
        return res, res["recover_s"] is not None
    if name == "relay-restart":
        sub = subtree(topo, 3)
        pairs = [p for p in all_pairs(topo) if 3 in path_nodes(topo, *p)]

        def fault():
            kill_node(3)
            start_node(3)

        res = asyncio.run(fault_scenario(topo, pairs, fault, timeout=args.timeout))
        res["relay"] = 3
        return res, res["recover_s"] is not None
    if name == "root-kill":
        pairs = affected_pairs(topo, lambda path: 0 in path) or all_pairs(topo)
        res = asyncio.run(fault_scenario(topo, pairs, lambda: kill_node(0), timeout=args.timeout))
        res["pairs_via_root"] = len(affected_pairs(topo, lambda path: 0 in path))
        start_node(0)  # the testbed stays usable (the old root comes back under no one)
        return res, res["recover_s"] is not None
    if name == "partition-heal":
        # relay 3's subtree loses both its parents (relay 2 and the root) for `hold` seconds
        links = [link_between(topo, 3, p) for p in topo["nodes"][3]["parents"]]
        sub = subtree(topo, 3)
        pairs = [p for p in all_pairs(topo) if (p[0] in sub) != (p[1] in sub)]

        def cut():
            for l in links:
                blackhole(l)

        def heal():
            for l in links:
                blackhole(l, False)

        res = asyncio.run(fault_scenario(topo, pairs, cut, heal=heal, hold=args.hold, timeout=args.timeout))
        res["hold_s"] = args.hold
        return res, res["recover_s"] is not None
    if name == "island":
        return island(args, topo)
    if name == "wan":
        return wan(args, topo), True
    if name == "soak":
        return asyncio.run(soak(args, topo))
    raise SystemExit(f"testbed: no scenario {name}")


def island_candidate(topo):
    """(top, member): the smallest subtree (by primary parents) whose top is not a root and one of
    whose other members has a parent outside it, the member with a backup out; None if none."""
    best = None
    for nd in topo["nodes"]:
        top = nd["id"]
        if not nd["parents"] or nd["role"] == "standby":
            continue
        sub = subtree(topo, top)
        for m in sorted(sub - {top}):
            if any(p not in sub for p in topo["nodes"][m]["parents"][1:]):
                if best is None or len(sub) < best[2]:
                    best = (top, m, len(sub))
                break
    return None if best is None else best[:2]


def island(args, topo):
    """Issue 14, no islands: the top of a subtree loses every parent silently (blackholes, no
    reset) while a member of it keeps a backup parent outside it. Every sampled pair across the
    cut (a user or gateway inside, the other outside) must work again: recover_s from the cut,
    periods_after_detection = (recover_s - missed keepalives x keepalive) / keepalive (target < 3),
    pairs_ok = pairs that work in a last round after recovery."""
    cand = island_candidate(topo)
    if cand is None:
        raise SystemExit("testbed: no subtree with a member that has a backup parent outside it "
                         "at this N and seed (try a larger N, or --seed)")
    top, member = cand
    links = [link_between(topo, top, p) for p in topo["nodes"][top]["parents"]]
    sub = subtree(topo, top)
    pairs = [p for p in all_pairs(topo) if (p[0] in sub) != (p[1] in sub)]
    if not pairs:
        raise SystemExit(f"testbed: the island under {top} has no user-gateway pair across it")
    keepalive, missed = 5.0, 3  # reference.conf: links.keepalive-interval, missed-keepalives

    def cut():
        for l in links:
            blackhole(l)

    try:
        res = asyncio.run(fault_scenario(topo, pairs, cut, timeout=args.timeout))
        failed = asyncio.run(mesh_round(pairs))
    finally:
        for l in links:
            blackhole(l, False)
    res["pairs"] = len(pairs)
    res["pairs_ok"] = len(pairs) - len(failed)
    rec = res["recover_s"]
    res["periods_after_detection"] = None if rec is None else round(
        max(0.0, rec - keepalive * missed) / keepalive, 2)
    res["top"] = top
    res["member"] = member
    res["subtree"] = len(sub)
    return res, rec is not None and not failed


def curl_rate(name, url, extra=()):
    out = sh("ip", "netns", "exec", name, "curl", "-sS", "--fail", "-o", "/dev/null", "-w",
             "%{speed_download}", *extra, url, check=False)
    try:
        return float(out) * 8 / 1e6
    except ValueError:
        return 0.0


def wan(args, topo):
    """The first user's link to relay 3 gets 100 Mbit/s and a round trip of 50 then 200 ms; one
    download from the first gateway (under relay 2) crosses it through staex, and beside it the
    same file through ssh -J (sshd in relay 3's and the gateway's namespace)."""
    user = by_role(topo, "user")[0]
    gw = by_role(topo, "gateway")[0]
    link = link_between(topo, user, 3)
    rate = args.rate
    res = {"rate_mbit": rate, "file_mib": args.mib}
    url = f"http://127.0.0.1:{30000 + gw}/blob"
    sshd = setup_ssh(topo, user, gw, link)
    for rtt in (50, 200):
        clear_impair(link)
        impair(link, rtt, 0, rate)
        kill_node(user)  # the new link goes through the shim
        start_node(user)
        asyncio.run(wait_mesh(topo, time.monotonic(), 60, pairs=[(user, gw)], every=0.5))
        rtt_ms = measure_rtt(user, gw)
        n = args.mib
        mbit = max(curl_rate(ns(user), url, ("-r", f"0-{n * 1048576 - 1}")) for _ in range(2))
        res[f"one_stream_mbit_{rtt}ms"] = round(mbit, 1)
        res[f"one_stream_pct_{rtt}ms"] = round(100 * mbit / rate)
        res[f"staex_rtt_ms_{rtt}"] = rtt_ms
        if sshd:
            res[f"ssh_pct_{rtt}ms"] = ssh_rate(topo, user, gw, link, rtt, rate, n)
        if args.parallel:
            rates, bad = asyncio.run(parallel_downloads(user, 30000 + gw, args.parallel, args.par_warm,
                                                        args.par_seconds))
            hundred_figures(res, "hundred_streams", rtt, rate, rates, bad)
            if sshd:
                ssh_parallel(topo, user, link, rtt, rate, args, res)
    clear_impair(link)
    kill_node(user)
    start_node(user)
    return res


async def parallel_downloads(user, port, n, warm, seconds):
    """n parallel GET /blob from 127.0.0.1:port in the user's namespace, all started at once.
    Returns each stream's Mbit/s between `warm` s and `warm + seconds` s after the start (the
    aggregate is their sum), and how many delivered a wrong byte or failed."""
    got = [0] * n
    bad = [0]

    async def one(k):
        w = None
        try:
            r, w = await connect_in(ns(user), port, 30)
            w.write(b"GET /blob HTTP/1.0\r\nHost: gw\r\n\r\n")
            head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 30)
            if b" 200 " not in head.split(b"\r\n")[0]:
                raise ConnectionError(head[:40])
            while True:
                d = await r.read(262144)
                if not d:
                    break
                if d != pattern_bytes(got[k], len(d)):
                    bad[0] += 1
                    return
                got[k] += len(d)
        except (OSError, ConnectionError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            bad[0] += 1
        finally:
            if w is not None:
                w.close()

    tasks = [asyncio.ensure_future(one(k)) for k in range(n)]
    await asyncio.sleep(warm)
    a = list(got)
    t = time.monotonic()
    await asyncio.sleep(seconds)
    b = list(got)
    dt = time.monotonic() - t
    for x in tasks:
        x.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return sorted((b[k] - a[k]) * 8 / dt / 1e6 for k in range(n)), bad[0]


def hundred_figures(res, prefix, rtt, rate, rates, bad):
    agg = sum(rates)
    res[f"{prefix}_pct_{rtt}ms"] = round(100 * agg / rate)
    res[f"{prefix}_mbit_{rtt}ms"] = round(agg, 1)
    res[f"{prefix}_min_mbit_{rtt}ms"] = f"{rates[0]:.2f}"  # strings: fmt() would print one decimal
    res[f"{prefix}_median_mbit_{rtt}ms"] = f"{rates[len(rates) // 2]:.2f}"
    res[f"{prefix}_max_mbit_{rtt}ms"] = f"{rates[-1]:.2f}"
    res[f"{prefix}_failed_{rtt}ms"] = bad
    res[f"{prefix}_idle_{rtt}ms"] = sum(1 for r in rates if r < 0.01)  # streams that got nothing measured
    res.setdefault("_notes", []).append(f"{prefix} {rtt} ms, each stream's Mbit/s, sorted: "
                                        + " ".join(f"{r:.2f}" for r in rates))


def measure_rtt(user, gw):
    async def go():
        r, w = await connect_in(ns(user), 20000 + gw, 10)
        best = None
        for _ in range(5):
            t = time.monotonic()
            w.write(b"x")
            await r.readexactly(1)
            d = (time.monotonic() - t) * 1000
            best = d if best is None else min(best, d)
        w.close()
        return round(best, 1)

    try:
        return asyncio.run(go())
    except Exception:
        return None


def clear_impair(link_id):
    topo = load_topo()
    link = topo["links"][link_id]
    cn, pn = ns(link["child"]), ns(link["parent"])
    pid = pids().get(f"shim{link_id}")
    if pid and alive(pid):
        os.kill(pid, signal.SIGKILL)
    subprocess.run(["ip", "netns", "exec", cn, "iptables", "-t", "nat", "-F", "OUTPUT"], capture_output=True)
    for name, dev in ((cn, f"l{link_id}c"), (pn, f"l{link_id}p")):
        subprocess.run(["ip", "netns", "exec", name, "tc", "qdisc", "del", "dev", dev, "root"], capture_output=True)


SSH_PORT = 2222


def setup_ssh(topo, user, gw, link):
    """sshd on port 2222 in the relay's and the gateway's namespace, a key for root, known hosts
    off (throwaway hosts). Returns False when sshd or ssh is missing."""
    if not (os.path.exists("/usr/sbin/sshd") and which("ssh")):
        log("no sshd/ssh: wan skips ssh -J")
        return False
    d = state("ssh")
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(f"{d}/id"):
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{d}/id")
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{d}/host")
    with open(f"{d}/sshd_config", "w") as f:
        f.write(f"Port {SSH_PORT}\nHostKey {d}/host\nAuthorizedKeysFile {d}/id.pub\nPermitRootLogin yes\n"
                f"PasswordAuthentication no\nUsePAM no\nPidFile none\nStrictModes no\n")
    os.makedirs("/run/sshd", exist_ok=True)
    relay = topo["links"][link]["parent"]
    for n in (relay, topo["nodes"][relay]["parents"][0]):
        spawn(f"sshd{n}", ["/usr/sbin/sshd", "-D", "-e", "-f", f"{d}/sshd_config"], netns=ns(n),
              log_to=state(f"sshd{n}.log"))
    return True


def ssh_rate(topo, user, gw, link, rtt, rate, mib):
    """ssh -J relay gateway: the jump host is reached through the same shim and tbf (a second
    redirect of port 2222 on the impaired link into a second shim)."""
    d = state("ssh")
    relay = topo["links"][link]["parent"]
    pa, _ = link_addrs(link)
    # ssh -J relay 3 (through the impaired link) to relay 3's parent (the next hop of the staex
    # path, over their veth): the same impaired link, one IP hop less than staex's path
    target = link_addrs(link_between(topo, relay, topo["nodes"][relay]["parents"][0]))[0]
    port = shim_port(link) + 500
    cn = ns(topo["links"][link]["child"])
    spawn(f"sshshim{link}", [sys.executable, os.path.abspath(__file__), "shim", str(port), pa, str(SSH_PORT),
                             str(rtt / 2000), "0", str(max(4 << 20, int(rate * 1e6 / 8 * rtt / 1000 * 4)))],
          netns=cn, log_to=state(f"sshshim{link}.log"))
    wait_port(cn, port)
    opts = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            "-i", f"{d}/id", "-o", "BatchMode=yes"]
    jump = f"ssh {' '.join(opts)} -p {port} -W %h:%p root@127.0.0.1"
    cmd = ["ip", "netns", "exec", cn, "ssh", *opts, "-o", f"ProxyCommand={jump}", "-p", str(SSH_PORT),
           f"root@{target}", f"head -c {mib * 1048576} {state('www', 'blob')}"]
    t = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.monotonic() - t
    pid = pids().get(f"sshshim{link}")
    if pid and alive(pid):
        os.kill(pid, signal.SIGKILL)
    if r.returncode != 0 or len(r.stdout) != mib * 1048576:
        log(f"ssh -J failed: {r.stderr.decode()[-300:]}")
        return None
    return round(100 * (len(r.stdout) * 8 / dt / 1e6) / rate)


def ssh_parallel(topo, user, link, rtt, rate, args, res):
    """The parallel streams through ssh -J: one ssh connection (jump through relay 3 over the same
    shim and tbf, as ssh_rate) carries them as -L channels to an HTTP server with the same file in
    the ssh target's namespace (relay 3's parent), as staex carries them in one session."""
    d = state("ssh")
    relay = topo["links"][link]["parent"]
    pa, _ = link_addrs(link)
    top = topo["nodes"][relay]["parents"][0]
    target = link_addrs(link_between(topo, relay, top))[0]
    if f"httpssh{top}" not in pids():
        start_http(f"httpssh{top}", top)
        wait_port(ns(top), HTTP_PORT)
    port = shim_port(link) + 500
    local = 50000 + link
    cn = ns(topo["links"][link]["child"])
    spawn(f"sshshim{link}", [sys.executable, os.path.abspath(__file__), "shim", str(port), pa, str(SSH_PORT),
                             str(rtt / 2000), "0", str(max(4 << 20, int(rate * 1e6 / 8 * rtt / 1000 * 4)))],
          netns=cn, log_to=state(f"sshshim{link}.log"))
    wait_port(cn, port)
    opts = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            "-i", f"{d}/id", "-o", "BatchMode=yes"]
    jump = f"ssh {' '.join(opts)} -p {port} -W %h:%p root@127.0.0.1"
    spawn(f"sshfwd{link}", ["ssh", *opts, "-N", "-o", "ExitOnForwardFailure=yes", "-o", f"ProxyCommand={jump}",
                            "-L", f"127.0.0.1:{local}:127.0.0.1:{HTTP_PORT}", "-p", str(SSH_PORT), f"root@{target}"],
          netns=cn, log_to=state(f"sshfwd{link}.log"))
    try:
        wait_port(cn, local, timeout=30)
        rates, bad = asyncio.run(parallel_downloads(user, local, args.parallel, args.par_warm, args.par_seconds))
        hundred_figures(res, "ssh_hundred", rtt, rate, rates, bad)
    except RuntimeError as e:
        log(f"ssh -J -L failed: {e}")
    finally:
        for label in (f"sshfwd{link}", f"sshshim{link}"):
            pid = pids().get(label)
            if pid and alive(pid):
                os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- soak

def control(i, request="status json", timeout=10.0):
    """One request to node i's control socket (node{i}.sock beside its key; a Unix socket, so no
    namespace is needed), its whole answer."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    try:
        s.connect(state(f"node{i}.sock"))
        s.sendall(request.encode() + b"\n")
        s.shutdown(socket.SHUT_WR)
        out = bytearray()
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
        return out.decode()
    finally:
        s.close()


def snapshot(topo):
    """{node: ({table: size}, rss_kb)} of every node that answers `status json`."""
    out = {}
    live = pids()
    for nd in topo["nodes"]:
        i = nd["id"]
        try:
            j = json.loads(control(i))
        except (OSError, ValueError):
            continue
        t = {k: v["size"] for k, v in j["tables"].items()}
        t["session_list"] = len(j["sessions"])
        t["stream_list"] = len(j["streams"])
        out[i] = (t, rss_kb(live.get(f"node{i}")))
    return out


def rss_kb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, TypeError):
        pass
    return -1


def table_sums(snap, nodes):
    sums = {}
    for i in nodes:
        if i in snap:
            for k, v in snap[i][0].items():
                sums[k] = sums.get(k, 0) + v
    return sums


# tables that hold only what traffic in flight needs: with no traffic they must drain (an idle
# session may still hold its last unacknowledged record: a few bytes of retransmit_bytes)
DRAINING = ("streams", "stream_list", "retransmit_bytes", "retransmit_bytes_total",
            "stream_window_growth_bytes", "lookups", "link_startups")


async def read_http(r, n, timeout):
    """The body of an HTTP/1.0 answer up to n bytes, checked against the pattern. Returns
    (bytes received, corrupt)."""
    head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), timeout)
    if not head.startswith(b"HTTP/1.0 200") and not head.startswith(b"HTTP/1.1 200"):
        raise ConnectionError(f"HTTP answer {head[:40]!r}")
    got, corrupt = 0, False
    while got < n:
        d = await asyncio.wait_for(r.read(min(262144, n - got)), timeout)
        if not d:
            break
        if d != pattern_bytes(got, len(d)):
            corrupt = True
        got += len(d)
    return got, corrupt


async def socks_connect(user, host, port, timeout):
    r, w = await connect_in(ns(user), SOCKS_PORT, timeout)
    w.write(b"\x05\x01\x00")
    if await asyncio.wait_for(r.readexactly(2), timeout) != b"\x05\x00":
        raise ConnectionError("SOCKS greeting refused")
    hb = host.encode()
    w.write(b"\x05\x01\x00\x03" + bytes([len(hb)]) + hb + port.to_bytes(2, "big"))
    rep = await asyncio.wait_for(r.readexactly(4), timeout)
    if rep[1] != 0:
        raise ConnectionError(f"SOCKS reply {rep[1]}")
    skip = {1: 6, 4: 18}.get(rep[3])
    if skip is None:
        skip = (await asyncio.wait_for(r.readexactly(1), timeout))[0] + 2
    await asyncio.wait_for(r.readexactly(skip), timeout)
    return r, w


def dns_query(name, qid):
    q = b"".join(bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\x00" + b"\x00\x01\x00\x01"
    return qid.to_bytes(2, "big") + b"\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + q


class SoakTraffic:
    """The soak's mixed traffic besides the long streams: short echo streams (round robin over
    every pair), HTTP downloads through a forward, HTTP through SOCKS by name, DNS queries by
    name. Each kind counts ok (complete and right), failed (no byte came: a new stream refused
    or timed out, expected while a fault is not yet repaired), cut (bytes came, then the stream
    ended early: a stream that did not survive) and corrupt (a wrong byte)."""

    def __init__(self, topo, pairs, http_bytes):
        self.topo, self.pairs, self.http_bytes = topo, pairs, http_bytes
        self.count = {k: {"ok": 0, "failed": 0, "cut": 0, "corrupt": 0, "bytes": 0}
                      for k in ("short", "http", "socks", "dns")}
        self.missing = 0  # bytes a cut download did not get
        self.tasks = set()
        self.rnd = random.Random(14)
        self.stop = False

    def spawn(self, coro):
        t = asyncio.ensure_future(coro)
        self.tasks.add(t)
        t.add_done_callback(self.tasks.discard)

    async def short(self, u, g):
        c = self.count["short"]
        ok = await probe(u, g, timeout=5.0)
        c["ok" if ok else "failed"] += 1
        c["bytes"] += 1024 if ok else 0

    async def download(self, kind, u, g):
        c = self.count[kind]
        got, w = 0, None
        try:
            if kind == "http":
                r, w = await connect_in(ns(u), 30000 + g, 10)
            else:
                r, w = await socks_connect(u, f"node{g}.staex", 80, 15)
            w.write(b"GET /blob HTTP/1.0\r\nHost: gw\r\n\r\n")
            got, corrupt = await read_http(r, self.http_bytes, 45)
            if corrupt:
                c["corrupt"] += 1
            elif got == self.http_bytes:
                c["ok"] += 1
            else:
                raise ConnectionError("short body")
        except (OSError, ConnectionError, asyncio.TimeoutError, asyncio.IncompleteReadError) as e:
            if got or getattr(e, "partial", b""):
                c["cut"] += 1
                self.missing += self.http_bytes - got
            else:
                c["failed"] += 1
        finally:
            c["bytes"] += got
            if w is not None:
                w.close()

    async def dns(self, u, g):
        c = self.count["dns"]
        loop = asyncio.get_running_loop()
        with in_netns(ns(u)):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", DNS_PORT))
            qid = self.rnd.randrange(65536)
            await loop.sock_sendall(s, dns_query(f"node{g}.staex", qid))
            a = await asyncio.wait_for(loop.sock_recv(s, 4096), 5)
            ok = len(a) >= 12 and int.from_bytes(a[:2], "big") == qid and a[3] & 15 == 0 \
                and int.from_bytes(a[6:8], "big") >= 1
            c["ok" if ok else "failed"] += 1
        except (OSError, asyncio.TimeoutError):
            c["failed"] += 1
        finally:
            s.close()

    async def run(self, short_per_tick, tick=0.25):
        k = 0
        ticks = 0
        while not self.stop:
            for _ in range(short_per_tick):
                self.spawn(self.short(*self.pairs[k % len(self.pairs)]))
                if k < len(self.pairs):
                    # the first pass also asks every user for every gateway's name: the name and
                    # DNS tables reach their steady size in the warm-up, so growth after it is
                    # growth (random queries alone left most names to the measured part)
                    self.spawn(self.dns(*self.pairs[k]))
                k += 1
            if ticks % 8 == 0:  # every 2 s: a DNS query and, alternating, a download or a SOCKS fetch
                self.spawn(self.dns(*self.rnd.choice(self.pairs)))
                self.spawn(self.download("http" if ticks % 16 == 0 else "socks", *self.rnd.choice(self.pairs)))
            ticks += 1
            await asyncio.sleep(tick)

    async def drain(self, timeout=60):
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=timeout)
        for t in list(self.tasks):
            t.cancel()


def soak_faults(topo):
    """The faults the soak cycles through: a parent link blackholed (and healed before the next
    fault), a relay killed -9 and started again, the root killed -9 and started again. The
    blackholed links are the primary parent links of nodes that have a backup parent; the relays
    restarted rotate."""
    links = [link_between(topo, nd["id"], nd["parents"][0]) for nd in topo["nodes"]
             if len(nd["parents"]) > 1 and nd["role"] != "standby"]
    relays = by_role(topo, "relay")
    out = []
    for k in range(max(len(links), len(relays))):
        out.append(("blackhole", links[k % len(links)]))
        out.append(("relay-restart", relays[k % len(relays)]))
        out.append(("root-kill", 0))
    return out


async def soak(args, topo):
    """Issue 14's soak: `minutes` of mixed traffic (long streams through forwards, short echo
    streams every 0.25 s, HTTP downloads, SOCKS fetches and DNS queries by name), a fault every
    `period` s after a warm-up. Figures: every byte of the long streams back and right,
    downloads cut, RSS growth from the end of the warm-up to the end (nodes never restarted),
    and the nodes' tables (status --json) at the warm-up's end, at the end under the same
    traffic, and after the traffic stopped."""
    total = args.minutes * 60
    warm = min(60.0, max(30.0, total / 10))
    period = args.period
    pairs = all_pairs(topo)
    step = max(1, len(pairs) // args.streams)
    long_pairs = pairs[::step][: args.streams]
    streams = [Stream(u, g, args.stream_rate) for u, g in long_pairs]
    stasks = [asyncio.ensure_future(s.run()) for s in streams]
    traffic = SoakTraffic(topo, pairs, args.http_kib * 1024)
    per_tick = max(1, -(-len(pairs) // int(warm / 2 / 0.25)))  # every pair within half the warm-up
    ttask = asyncio.ensure_future(traffic.run(per_tick))
    loop = asyncio.get_running_loop()
    t0 = time.monotonic()
    await asyncio.sleep(warm)
    snap_w = await loop.run_in_executor(None, snapshot, topo)
    log(f"soak: warm-up done after {warm:.0f}s; {len(snap_w)} nodes answered")
    faults = soak_faults(topo)
    rss_track = []  # (t, {node: rss_kb}) after each fault period: does the growth level off?
    restarted = set()
    done = []
    heal = None
    k = 0
    quiet = 25.0  # no fault in the last 25 s: the last one is repaired before the end snapshot
    while time.monotonic() - t0 + period + quiet <= total:
        kind, subj = faults[k % len(faults)]
        k += 1
        if heal:
            await loop.run_in_executor(None, heal)
            heal = None
        label = f"{kind}:{subj}"
        if kind == "blackhole":
            await loop.run_in_executor(None, blackhole, subj)
            heal = (lambda l: (lambda: blackhole(l, False)))(subj)
            label = f"blackhole:{topo['links'][subj]['child']}->{topo['links'][subj]['parent']}"
        else:
            def restart(i=subj):
                kill_node(i)
                start_node(i)
            await loop.run_in_executor(None, restart)
            restarted.add(subj)
        done.append(label)
        log(f"soak: t={time.monotonic() - t0:.0f}s fault {label}")
        await asyncio.sleep(period)
        rss_track.append((time.monotonic() - t0, {i: rss_kb(pids().get(f"node{i}")) for i in snap_w}))
    if heal:
        await loop.run_in_executor(None, heal)
    await asyncio.sleep(max(0.0, total - (time.monotonic() - t0)))
    snap_e = await loop.run_in_executor(None, snapshot, topo)
    traffic.stop = True
    ttask.cancel()
    for s in streams:
        s.stop = True
    await asyncio.wait(stasks, timeout=60)
    for t in stasks:
        t.cancel()
    for s in streams:  # the long streams' sockets close now (left open, they hold their streams)
        if getattr(s, "w", None) is not None:
            s.w.close()
    await traffic.drain()
    await asyncio.sleep(args.settle)
    snap_q = await loop.run_in_executor(None, snapshot, topo)

    steady = [i for i in snap_w if i in snap_e and i not in restarted]
    w_rss = sum(snap_w[i][1] for i in steady)
    e_rss = sum(snap_e[i][1] for i in steady)
    per_node = {i: 100 * (snap_e[i][1] - snap_w[i][1]) / snap_w[i][1] for i in steady if snap_w[i][1] > 0}
    worst = max(per_node, key=per_node.get) if per_node else None
    everyone = [nd["id"] for nd in topo["nodes"]]
    tw, te, tq = table_sums(snap_w, everyone), table_sums(snap_e, everyone), table_sums(snap_q, everyone)
    grown = []
    for name in sorted(set(tw) | set(te) | set(tq)):
        w, e, q = tw.get(name, 0), te.get(name, 0), tq.get(name, 0)
        if name in DRAINING:  # with the traffic stopped: back to at most the warm-up's level
            if q > w + (4096 if name.endswith("_bytes") else 4):
                grown.append(name)
        elif max(e, q) > w * 1.1 + 4:  # more than 10 % (and a few entries) above the warm-up's level
            grown.append(name)
    started = [s for s in streams if s.sent > 0]
    c = traffic.count
    res = {
        "minutes": args.minutes, "faults": len(done),
        "lost_bytes": sum(max(0, s.sent - s.recv) for s in started),
        "streams_reset": sum(1 for s in started if s.reset is not None) + c["http"]["cut"] + c["socks"]["cut"],
        "rss_growth_pct": round(100 * (e_rss - w_rss) / w_rss, 1) if w_rss > 0 else None,
        "rss_growth_max_pct": round(per_node[worst], 1) if worst is not None else None,
        "rss_growth_max_node": worst,
        "tables_grown": ",".join(grown) or 0,
        "corrupt_streams": sum(1 for s in started if s.corrupt) + sum(v["corrupt"] for v in c.values()),
        "streams": len(streams), "streams_not_started": len(streams) - len(started),
        "streams_stalled": sum(1 for s in started if s.reset is None and s.recv < s.sent),
        "sent_bytes": sum(s.sent for s in started), "recv_bytes": sum(s.recv for s in started),
        "sha_ok": sum(1 for s in started if s.sh_sent.hexdigest() == s.sh_recv.hexdigest()),
    }
    for kind in ("short", "http", "socks", "dns"):
        for outcome in ("ok", "failed", "cut"):
            if kind != "dns" or outcome != "cut":
                res[f"{kind}_{outcome}"] = c[kind][outcome]
    res["download_missing_bytes"] = traffic.missing
    res["download_bytes"] = c["http"]["bytes"] + c["socks"]["bytes"]
    res["nodes_restarted"] = len(restarted)
    notes = [f"faults: {' '.join(done)}",
             f"warm_up_s: {warm:.0f} period_s: {period} long_streams: {len(streams)} x {args.stream_rate} B/s "
             f"short_per_0.25s: {per_tick} download_kib: {args.http_kib}",
             "rss_kb at warm-up end (W) and end (E), nodes never restarted: "
             + " ".join(f"node{i}={snap_w[i][1]}/{snap_e[i][1]}" for i in sorted(steady)),
             "rss_mb over time, sum over the nodes never restarted: " + " ".join(
                 f"t{t:.0f}s={sum(r[i] for i in steady) // 1024}" for t, r in
                 [(warm, {i: snap_w[i][1] for i in steady})] + rss_track + [(total, {i: snap_e[i][1] for i in steady})]),
             "tables, sum over all nodes: warm-up end / end (traffic on) / after the traffic stopped + "
             f"{args.settle:.0f} s: " + " ".join(f"{n}={tw.get(n, 0)}/{te.get(n, 0)}/{tq.get(n, 0)}"
                                                  for n in sorted(set(tw) | set(te) | set(tq)))]
    res["_notes"] = notes
    ok = res["lost_bytes"] == 0 and res["corrupt_streams"] == 0
    return res, ok


def machine():
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit + ("+dirty" if dirty else ""),
        "nproc": os.cpu_count(), "load": open("/proc/loadavg").read().split()[:3],
        "kernel": os.uname().release,
    }


def cmd_run(args):
    if not os.path.exists(state("netns.txt")):
        raise SystemExit("testbed: not up (run testbed/up.sh N first)")
    topo = load_topo()
    m0 = machine()
    rss0 = {label: rss_mb(pid) for label, pid in pids().items() if label.startswith("node")}
    t = time.monotonic()
    res, ok = scenario(args, topo)
    notes = res.pop("_notes", [])
    rss1 = {label: rss_mb(pid) for label, pid in pids().items() if label.startswith("node")}
    keys_order = ["n", "converge_s", "lost_bytes", "streams_reset", "recover_s", "old_moved_s",
                  "rss_growth_pct", "tables_grown", "hundred_streams_pct_50ms", "hundred_streams_pct_200ms",
                  "one_stream_pct_50ms", "one_stream_pct_200ms", "ssh_pct_50ms", "ssh_pct_200ms"]
    first = [k for k in keys_order if k in res]
    rest = [k for k in res if k not in first]
    line = f"testbed {args.scenario} " + " ".join(f"{k}={fmt(res[k])}" for k in first + rest)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, f"{args.scenario}.txt"), "w") as f:
        f.write(f"# testbed/run.sh {' '.join(sys.argv[2:])}  (testbed n={topo['n']} seed={topo['seed']})\n")
        f.write(f"date: {m0['date']}\ncommit: {m0['commit']}\nmachine: nproc={m0['nproc']} "
                f"load_before={','.join(m0['load'])} load_after={','.join(open('/proc/loadavg').read().split()[:3])} "
                f"kernel={m0['kernel']}\n")
        f.write(f"duration_s: {time.monotonic() - t:.1f}\n")
        f.write("rss_mb start: " + " ".join(f"{k}={v}" for k, v in sorted(rss0.items())) + "\n")
        f.write("rss_mb end:   " + " ".join(f"{k}={v}" for k, v in sorted(rss1.items())) + "\n")
        for n in notes:
            f.write(n + "\n")
        f.write(line + "\n")
    print(line)
    if not ok:
        sys.exit(1)


def cmd_shim_bench(args):
    """What the shim carries: a shim with the given delay between two local sockets, one stream."""
    async def go():
        sink_port = free_port()
        got = [0]

        async def sink(r, w):
            while True:
                d = await r.read(262144)
                if not d:
                    break
                got[0] += len(d)
            w.close()

        srv = await asyncio.start_server(sink, "127.0.0.1", sink_port)
        sp = free_port()
        ready = asyncio.Event()
        shim_task = asyncio.ensure_future(shim(sp, "127.0.0.1", sink_port, args.delay_ms / 1000, 0,
                                               64 << 20, ready.set))
        await ready.wait()
        r, w = await asyncio.open_connection("127.0.0.1", sp)
        block = b"x" * 262144
        t = time.monotonic()
        n = args.mib << 20
        for _ in range(n // len(block)):
            w.write(block)
            await w.drain()
        w.write_eof()
        while got[0] < n:
            await asyncio.sleep(0.005)
        mbit = n * 8 / (time.monotonic() - t) / 1e6
        # delay accuracy: one byte through, 50 times
        errs = []
        er, ew = await asyncio.open_connection("127.0.0.1", sp)
        nodelay(ew)
        for _ in range(50):
            before = got[0]
            t = time.monotonic()
            ew.write(b"y")
            while got[0] == before:
                await asyncio.sleep(0.0002)
            errs.append((time.monotonic() - t) * 1000 - args.delay_ms)
        errs.sort()
        print(f"shim delay_ms={args.delay_ms} mbit={mbit:.0f} delay_err_ms median={errs[25]:.2f} "
              f"p95={errs[47]:.2f} max={errs[-1]:.2f}")
        os._exit(0)

    asyncio.run(go())


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("up")
    p.add_argument("n", type=int, nargs="?", default=50)
    p.add_argument("--seed", type=int, default=int(os.environ.get("TESTBED_SEED", "14")))
    p.add_argument("--timeout", type=float, default=180)
    sub.add_parser("down")
    p = sub.add_parser("run")
    p.add_argument("scenario")
    p.add_argument("--timeout", type=float, default=90)
    p.add_argument("--hold", type=float, default=20, help="partition-heal: seconds cut off")
    p.add_argument("--rate", type=int, default=100, help="wan: bottleneck Mbit/s")
    p.add_argument("--mib", type=int, default=32, help="wan: MiB per download")
    p.add_argument("--parallel", type=int, default=100, help="wan: parallel streams (0: none)")
    p.add_argument("--par-warm", type=float, default=5, help="wan: seconds before the parallel streams are measured")
    p.add_argument("--par-seconds", type=float, default=15, help="wan: seconds the parallel streams are measured")
    p.add_argument("--minutes", type=float, default=10, help="soak: how long, warm-up included")
    p.add_argument("--period", type=float, default=20, help="soak: seconds between faults")
    p.add_argument("--streams", type=int, default=16, help="soak: long streams")
    p.add_argument("--stream-rate", type=int, default=32768, help="soak: bytes/s of each long stream")
    p.add_argument("--http-kib", type=int, default=2048, help="soak: KiB per download")
    p.add_argument("--settle", type=float, default=10, help="soak: seconds idle before the last tables")
    p = sub.add_parser("echo-servers")
    p.add_argument("names", nargs="+")
    p = sub.add_parser("shim")
    p.add_argument("port", type=int)
    p.add_argument("host")
    p.add_argument("to_port", type=int)
    p.add_argument("delay", type=float)
    p.add_argument("jitter", type=float)
    p.add_argument("cap", type=int)
    p = sub.add_parser("http-server")
    p.add_argument("directory")
    p = sub.add_parser("shim-bench")
    p.add_argument("--delay-ms", type=float, default=25)
    p.add_argument("--mib", type=int, default=256)
    a = ap.parse_args()
    if a.cmd == "up":
        cmd_up(a)
    elif a.cmd == "down":
        cmd_down(a)
    elif a.cmd == "run":
        cmd_run(a)
    elif a.cmd == "echo-servers":
        asyncio.run(echo_servers(a.names))
    elif a.cmd == "shim":
        asyncio.run(shim(a.port, a.host, a.to_port, a.delay, a.jitter, a.cap))
    elif a.cmd == "http-server":
        http_server(a.directory)
    elif a.cmd == "shim-bench":
        cmd_shim_bench(a)


if __name__ == "__main__":
    main()
