#!/usr/bin/env bash
# Creates a network key, three node keys and their certificates in net/ with the staex CLI,
# and writes root.conf, gateway.conf and user.conf there with the addresses filled in.
# Usage: examples/three-node/setup.sh [--force]   (--force replaces an existing net/)
set -eu
. "$(dirname "$0")/../lib.sh"
force="${1:-}"
example_setup three-node root.conf gateway.conf user.conf
rm ports.sh # the configs have their ports written in

cat <<INFO
network  $network
root     $root
gateway  $gateway  (gateway.staex)
user     $user  (user.staex)

Written to $PWD. Start each node in its own terminal:
  ./staex run -c examples/three-node/net/root.conf
  ./staex run -c examples/three-node/net/gateway.conf
  ./staex run -c examples/three-node/net/user.conf
and look at one with:
  ./staex status -c examples/three-node/net/user.conf
INFO
