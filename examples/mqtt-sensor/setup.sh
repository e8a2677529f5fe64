#!/bin/sh
# Creates a network key, three node keys and their certificates in net/ with the staex CLI, and
# writes root.conf, gateway.conf, user.conf and the broker's mosquitto.conf there with the
# addresses and ports filled in (net/ports.sh remembers the ports for run.sh).
# Usage: examples/mqtt-sensor/setup.sh [--force]   (--force replaces an existing net/)
# Ports (defaults in brackets) can be changed with environment variables:
#   ROOT_PORT [7411]  the root's listen port
#   BROKER_PORT [11883]  Mosquitto on the gateway's side (loopback only)
#   FORWARD_PORT [21883]  the user's forward, where MQTT clients connect
set -eu
here=$(cd "$(dirname "$0")" && pwd)
staex="$here/../../staex"
net="$here/net"
root_port="${ROOT_PORT:-7411}"
broker_port="${BROKER_PORT:-11883}"
forward_port="${FORWARD_PORT:-21883}"

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

for file in root.conf gateway.conf user.conf mosquitto.conf; do
  sed -e "s/@ROOT@/$root/g" -e "s/@GATEWAY@/$gateway/g" -e "s/@ROOT_PORT@/$root_port/g" \
    -e "s/@DEVICE_PORT@/$broker_port/g" -e "s/@FORWARD_PORT@/$forward_port/g" \
    "$here/$file" > "$file"
done
cat > ports.sh <<PORTS
root_port=$root_port
device_port=$broker_port
forward_port=$forward_port
PORTS

cat <<INFO
network  $network
root     $root  (listens on 127.0.0.1:$root_port)
gateway  $gateway  (service 1883 -> broker 127.0.0.1:$broker_port)
user     $user  (forward 127.0.0.1:$forward_port -> gateway.staex:1883)

Written to $net. Start the broker and the three nodes with:
  examples/mqtt-sensor/run.sh
INFO
