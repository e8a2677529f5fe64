#!/usr/bin/env bash
# Creates a network key, three node keys and their certificates in net/ with the staex CLI, and
# writes root.conf, gateway.conf and user.conf there with the addresses and ports filled in
# (net/ports.sh remembers the ports for run.sh).
# Usage: examples/coap-sensor/setup.sh [--force]   (--force replaces an existing net/)
# Ports (defaults in brackets) can be changed with environment variables:
#   ROOT_PORT [7421]  the root's listen port
#   SENSOR_PORT [15683]  the CoAP server on the gateway's side (UDP, loopback only)
#   FORWARD_PORT [25683]  the user's UDP forward, where CoAP clients send
set -eu
. "$(dirname "$0")/../lib.sh"
force="${1:-}"
root_port="${ROOT_PORT:-7421}"
device_port="${SENSOR_PORT:-15683}"
forward_port="${FORWARD_PORT:-25683}"
example_setup coap-sensor root.conf gateway.conf user.conf
cat <<INFO
network  $network
root     $root  (listens on 127.0.0.1:$root_port)
gateway  $gateway  (UDP service 5683 -> CoAP server 127.0.0.1:$device_port)
user     $user  (UDP forward 127.0.0.1:$forward_port -> gateway.staex:5683)

Written to $PWD. Start the sensor and the three nodes with:
  examples/coap-sensor/run.sh
INFO
