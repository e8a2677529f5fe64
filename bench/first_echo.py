#!/usr/bin/env python3
"""New connections through a forward: connect -> 1 byte -> its echo, one after the other.

  first_echo.py PORT N WARM [CONTROL_SOCKET] [--pause]

WARM samples are discarded, then N are measured. With CONTROL_SOCKET (a staex node's), each
sample first waits until that node lists no session, so each is a first contact. Prints the
median in us; with --pause (bench/rtt-ab.sh) it prints "warm" after the warm-up, waits for a
line on stdin, and prints p50_us, p90_us, p99_us and min_us. Used by bench/run.sh and
bench/rtt-ab.sh.
"""
import json, socket, sys, time

args = [a for a in sys.argv[1:] if a != "--pause"]
pause = len(args) < len(sys.argv) - 1
port, n, warm = int(args[0]), int(args[1]), int(args[2])
ctl = args[3] if len(args) > 3 else None


def sessions():
    s = socket.socket(socket.AF_UNIX)
    s.connect(ctl)
    s.sendall(b"status json\n")
    d = b""
    while k := s.recv(65536):
        d += k
    s.close()
    return json.loads(d)["sessions"]


def no_session():
    end = time.monotonic() + 15
    while sessions():
        if time.monotonic() > end:
            raise SystemExit("the session did not close in 15 s")
        time.sleep(0.05)


def once():
    if ctl:
        no_session()
    a = time.perf_counter_ns()
    c = socket.create_connection(("127.0.0.1", port))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.sendall(b"x")
    if c.recv(1) != b"x":
        raise SystemExit("no echo")
    t = time.perf_counter_ns() - a
    c.close()
    return t


for _ in range(warm):
    once()
if pause:
    print("warm", flush=True)
    sys.stdin.readline()
t = sorted(once() for _ in range(n))
q = lambda f: round(t[min(len(t) - 1, int(len(t) * f))] / 1000, 1)
if pause:
    print("p50_us", q(0.5), "p90_us", q(0.9), "p99_us", q(0.99), "min_us", round(t[0] / 1000, 1),
          flush=True)
else:
    print(round(t[len(t) // 2] / 1000, 1))
