#!/usr/bin/env bash
# Starts the "Internet" (python3's http.server on 127.0.0.2, serving www/), then the root, the
# exit (gateway) and the user node, all in the background with their logs in net/*.log; waits
# until the exit and the user have an active parent, prints the commands to try, and stops
# everything on Ctrl-C.
# Usage: examples/exit-node/run.sh   (after setup.sh)
set -eu
. "$(dirname "$0")/../lib.sh"
python=$(command -v python3 || true)
if [ -z "$python" ]; then
  echo "run.sh: python3 not found (apt-get install python3)" >&2
  exit 1
fi
example_load
start internet "$python" -m http.server --bind 127.0.0.2 --directory "$here/www" "$device_port"
start root "$staex" run -c root.conf
start gateway "$staex" run -c gateway.conf
start user "$staex" run -c user.conf

example_wait_up

web="http://127.0.0.2:$device_port/"
cat <<INFO
Running: a web server on 127.0.0.2:$device_port (the Internet), root, gateway (the exit), user;
logs in $net/*.log.
In another terminal, through the user's SOCKS5 door (the name is resolved at the exit):
  curl -x socks5h://127.0.0.1:$socks_port $web
through the user's HTTP proxy door, a plain GET and a CONNECT tunnel:
  curl -x http://127.0.0.1:$http_proxy_port $web
  curl -p -x http://127.0.0.1:$http_proxy_port $web
a destination in the exit's own LAN is refused (403, counted at the exit as loopback):
  curl -x http://127.0.0.1:$http_proxy_port http://127.0.0.1:$root_port/
a name outside .staex through the user's resolver, asked of the upstream through the exit
(needs Internet on the exit's side: the exit connects to $upstream):
  dig @127.0.0.1 -p $dns_port example.com +short
the PAC file for browsers (*.staex and, with an exit, the rest through the proxy):
  curl http://127.0.0.1:$http_proxy_port/proxy.pac
The exit's streams, bytes and refusals:
  ./staex status -c examples/exit-node/net/gateway.conf
Ctrl-C stops everything.
INFO
example_wait
