#!/usr/bin/env bash
# Creates a network key, three node keys and their certificates in net/ with the staex CLI, and
# writes root.conf, gateway.conf, user.conf and the broker's mosquitto.conf there with the
# addresses and ports filled in (net/ports.sh remembers the ports for run.sh).
# Usage: examples/mqtt-sensor/setup.sh [--force]   (--force replaces an existing net/)
# Ports (defaults in brackets) can be changed with environment variables:
#   ROOT_PORT [7411]  the root's listen port
#   BROKER_PORT [11883]  Mosquitto on the gateway's side (loopback only)
#   FORWARD_PORT [21883]  the user's forward, where MQTT clients connect
set -eu
. "$(dirname "$0")/../lib.sh"
force="${1:-}"
root_port="${ROOT_PORT:-7411}"
device_port="${BROKER_PORT:-11883}"
forward_port="${FORWARD_PORT:-21883}"
example_setup mqtt-sensor root.conf gateway.conf user.conf mosquitto.conf
cat <<INFO
network  $network
root     $root  (listens on 127.0.0.1:$root_port)
gateway  $gateway  (service 1883 -> broker 127.0.0.1:$device_port)
user     $user  (forward 127.0.0.1:$forward_port -> gateway.staex:1883)

Written to $PWD. Start the broker and the three nodes with:
  examples/mqtt-sensor/run.sh
INFO
