#!/usr/bin/env bash
# Creates a network key, three node keys and their certificates in net/ with the staex CLI, and
# writes root.conf, gateway.conf and user.conf there with addresses and ports filled in.
# Usage: examples/http-dashboard/setup.sh [--force]   (--force replaces an existing net/)
# Ports (defaults in brackets), changed with environment variables:
#   ROOT_PORT [7431]  the root's listen port
#   DASHBOARD_PORT [18080]  the dashboard's web server on the gateway's side (loopback only)
#   SOCKS_PORT [21080]  the user's SOCKS5 proxy     DNS_PORT [25353]  the user's DNS resolver
#   FORWARD_PORT [28080]  the user's plain forward to the dashboard, for comparison
set -eu
. "$(dirname "$0")/../lib.sh"
force="${1:-}"
root_port="${ROOT_PORT:-7431}"
device_port="${DASHBOARD_PORT:-18080}"
socks_port="${SOCKS_PORT:-21080}"
dns_port="${DNS_PORT:-25353}"
forward_port="${FORWARD_PORT:-28080}"
example_setup http-dashboard root.conf gateway.conf user.conf
cat <<INFO
network  $network
root     $root  (listens on 127.0.0.1:$root_port)
gateway  $gateway  (gateway.staex; service 80 -> dashboard 127.0.0.1:$device_port)
user     $user  (SOCKS5 127.0.0.1:$socks_port, DNS 127.0.0.1:$dns_port)

Written to $PWD. Start the dashboard and the three nodes with:
  examples/http-dashboard/run.sh
INFO
