#!/usr/bin/env bash
# Starts the dashboard (python3 -m http.server on www/), then the root, the gateway and the user
# node, in the background with their logs in net/*.log; waits until they are connected, prints
# the commands to try, and stops everything on Ctrl-C.
# Usage: examples/http-dashboard/run.sh   (after setup.sh)
set -eu
. "$(dirname "$0")/../lib.sh"
example_load
start dashboard python3 -m http.server "$device_port" --bind 127.0.0.1 --directory "$here/www"
start root "$staex" run -c root.conf
start gateway "$staex" run -c gateway.conf
start user "$staex" run -c user.conf
example_wait_up
cat <<INFO
Running: the dashboard on http://127.0.0.1:$device_port/ (the gateway's side), root, gateway,
user; logs in $net/*.log. In another terminal, through the user's SOCKS5 proxy:
  curl --socks5-hostname 127.0.0.1:$socks_port http://gateway.staex/
  curl -x socks5h://127.0.0.1:$socks_port http://$gateway.staex/readings.json
Resolve through the user's DNS, then connect by the address it gave:
  dig @127.0.0.1 -p $dns_port gateway.staex +short
  curl --socks5 127.0.0.1:$socks_port http://\$(dig @127.0.0.1 -p $dns_port gateway.staex +short)/
A browser: set its SOCKS5 proxy to 127.0.0.1:$socks_port with "proxy DNS" on, open
  http://gateway.staex/
Ctrl-C stops everything.
INFO
example_wait
