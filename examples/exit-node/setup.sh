#!/usr/bin/env bash
# Creates a network key, three node keys and their certificates in net/ with the staex CLI, and
# writes root.conf, gateway.conf (the exit) and user.conf there with the addresses and ports
# filled in (net/ports.sh remembers the ports for run.sh).
# Usage: examples/exit-node/setup.sh [--force]   (--force replaces an existing net/)
# Ports (defaults in brackets) can be changed with environment variables:
#   ROOT_PORT [7431]        the root's listen port
#   WEB_PORT [18080]        the web server on 127.0.0.2 that stands in for the Internet
#   SOCKS_PORT [1081]       the user's SOCKS5 door
#   HTTP_PROXY_PORT [3129]  the user's HTTP proxy door
#   DNS_PORT [5354]         the user's DNS resolver
#   UPSTREAM [9.9.9.9:53]   the resolver the exit asks for names outside .staex (TCP)
set -eu
. "$(dirname "$0")/../lib.sh"
force="${1:-}"
root_port="${ROOT_PORT:-7431}"
device_port="${WEB_PORT:-18080}"
socks_port="${SOCKS_PORT:-1081}"
http_proxy_port="${HTTP_PROXY_PORT:-3129}"
dns_port="${DNS_PORT:-5354}"
upstream="${UPSTREAM:-9.9.9.9:53}"
example_setup exit-node root.conf gateway.conf user.conf
sed -i -e "s/@HTTP_PROXY_PORT@/$http_proxy_port/g" -e "s/@UPSTREAM@/$upstream/g" user.conf
printf "http_proxy_port=%s\nupstream=%s\n" "$http_proxy_port" "$upstream" >> ports.sh
cat <<INFO
network  $network
root     $root  (listens on 127.0.0.1:$root_port)
gateway  $gateway  (the exit: destinations 0.0.0.0/0, ::/0 and 127.0.0.2/32)
user     $user  (SOCKS5 on 127.0.0.1:$socks_port, HTTP proxy on 127.0.0.1:$http_proxy_port,
         DNS on 127.0.0.1:$dns_port asking $upstream through the exit,
         socks.exit = gateway.staex)

Written to $PWD. Start the web server and the three nodes with:
  examples/exit-node/run.sh
INFO
