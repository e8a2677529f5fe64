#!/usr/bin/env bash
# Creates a network key, three node keys and their certificates in net/ with the staex CLI, and
# writes root.conf, gateway.conf and user.conf there with the addresses and ports filled in
# (net/ports.sh remembers the ports for run.sh).
# Usage: examples/rtsp-camera/setup.sh [--force]   (--force replaces an existing net/)
# Ports (defaults in brackets) can be changed with environment variables:
#   ROOT_PORT [7421]  the root's listen port
#   CAMERA_PORT [18554]  the camera (camera.py) on the gateway's side (loopback only)
#   FORWARD_PORT [28554]  the user's forward, where RTSP players connect
set -eu
. "$(dirname "$0")/../lib.sh"
force="${1:-}"
root_port="${ROOT_PORT:-7421}"
device_port="${CAMERA_PORT:-18554}"
forward_port="${FORWARD_PORT:-28554}"
example_setup rtsp-camera root.conf gateway.conf user.conf
cat <<INFO
network  $network
root     $root  (listens on 127.0.0.1:$root_port)
gateway  $gateway  (service 8554 -> camera 127.0.0.1:$device_port)
user     $user  (forward 127.0.0.1:$forward_port -> gateway.staex:8554)

Written to $PWD. Start the camera and the three nodes with:
  examples/rtsp-camera/run.sh
INFO
