#!/usr/bin/env bash
# Starts the sensor (libcoap's coap-server), then the root, the gateway and the user node, all
# in the background with their logs in net/*.log; waits until the gateway and the user have an
# active parent, prints the commands to try, and stops everything on Ctrl-C.
# Usage: examples/coap-sensor/run.sh   (after setup.sh)
set -eu
. "$(dirname "$0")/../lib.sh"
server=$(command -v coap-server-notls || command -v coap-server || true)
if [ -z "$server" ]; then
  echo "run.sh: coap-server not found (apt-get install libcoap3-bin)" >&2
  exit 1
fi
example_load
# -d 10: up to 10 resources made by PUT, such as the sensor's /reading below
start sensor "$server" -A 127.0.0.1 -p "$device_port" -d 10
start root "$staex" run -c root.conf
start gateway "$staex" run -c gateway.conf
start user "$staex" run -c user.conf

example_wait_up

cat <<INFO
Running: a CoAP server on UDP 127.0.0.1:$device_port (the sensor's side), root, gateway, user;
logs in $net/*.log.
In another terminal, through the user's UDP forward, read the sensor's banner:
  coap-client-notls -m get coap://127.0.0.1:$forward_port/
store a reading of a few KB (block-wise, 512-byte blocks) and read it back:
  head -c 4000 /dev/urandom > /tmp/reading.bin
  coap-client-notls -m put -b 512 -f /tmp/reading.bin coap://127.0.0.1:$forward_port/reading
  coap-client-notls -m get -b 512 -o /tmp/back.bin coap://127.0.0.1:$forward_port/reading
  cmp /tmp/reading.bin /tmp/back.bin && echo same
Look at the UDP flows and their datagrams:
  ./staex status -c examples/coap-sensor/net/user.conf
Ctrl-C stops everything.
INFO
example_wait
