#!/bin/sh
# Creates a network key, three node keys and their certificates in net/ with the staex CLI,
# and writes root.conf, gateway.conf and user.conf there with the addresses filled in.
# Usage: examples/three-node/setup.sh [--force]   (--force replaces an existing net/)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
staex="$here/../../staex"
net="$here/net"

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

for node in root gateway user; do
  sed -e "s/@ROOT@/$root/g" -e "s/@GATEWAY@/$gateway/g" "$here/$node.conf" > "$node.conf"
done

cat <<INFO
network  $network
root     $root
gateway  $gateway  (gateway.staex)
user     $user  (user.staex)

Written to $net. Start each node in its own terminal:
  ./staex run -c examples/three-node/net/root.conf
  ./staex run -c examples/three-node/net/gateway.conf
  ./staex run -c examples/three-node/net/user.conf
and look at one with:
  ./staex status -c examples/three-node/net/user.conf
INFO
