#!/bin/sh
# Creates a network key, three node keys and their certificates in net/ with the staex CLI, and
# writes root.conf, gateway.conf and user.conf there with the addresses and ports filled in
# (net/ports.sh remembers the ports for run.sh).
# Usage: examples/rtsp-camera/setup.sh [--force]   (--force replaces an existing net/)
# Ports (defaults in brackets) can be changed with environment variables:
#   ROOT_PORT [7421]  the root's listen port
#   CAMERA_PORT [18554]  the camera (camera.py) on the gateway's side (loopback only)
#   FORWARD_PORT [28554]  the user's forward, where RTSP players connect
set -eu
here=$(cd "$(dirname "$0")" && pwd)
staex="$here/../../staex"
net="$here/net"
root_port="${ROOT_PORT:-7421}"
camera_port="${CAMERA_PORT:-18554}"
forward_port="${FORWARD_PORT:-28554}"

if [ -e "$net" ]; then
  if [ "${1:-}" = "--force" ]; then
    rm -rf "$net"
  else
    echo "setup.sh: $net exists (run with --force to replace it)" >&2
    exit 1
  fi
fi
mkdir -p "$net"
cd "$net"

network=$("$staex" network create --out network.key)
for node in root gateway user; do
  "$staex" keygen --out "$node.key" > /dev/null
  "$staex" cert issue --network-key network.key --node-key "$node.key" --name "$node" \
    --out "$node.crt" > /dev/null
done
root=$("$staex" addr root.key)
gateway=$("$staex" addr gateway.key)
user=$("$staex" addr user.key)

for file in root.conf gateway.conf user.conf; do
  sed -e "s/@ROOT@/$root/g" -e "s/@GATEWAY@/$gateway/g" -e "s/@ROOT_PORT@/$root_port/g" \
    -e "s/@DEVICE_PORT@/$camera_port/g" -e "s/@FORWARD_PORT@/$forward_port/g" \
    "$here/$file" > "$file"
done
cat > ports.sh <<PORTS
root_port=$root_port
device_port=$camera_port
forward_port=$forward_port
PORTS

cat <<INFO
network  $network
root     $root  (listens on 127.0.0.1:$root_port)
gateway  $gateway  (service 8554 -> camera 127.0.0.1:$camera_port)
user     $user  (forward 127.0.0.1:$forward_port -> gateway.staex:8554)

Written to $net. Start the camera and the three nodes with:
  examples/rtsp-camera/run.sh
INFO
