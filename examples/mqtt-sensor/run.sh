#!/usr/bin/env bash
# Starts the sensor's broker (Mosquitto), then the root, the gateway and the user node, all in
# the background with their logs in net/*.log; waits until the gateway and the user have an
# active parent, prints the commands to try, and stops everything on Ctrl-C.
# Usage: examples/mqtt-sensor/run.sh   (after setup.sh)
set -eu
. "$(dirname "$0")/../lib.sh"
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
if [ ! -x "$mosquitto" ]; then
  echo "run.sh: mosquitto not found (apt-get install mosquitto mosquitto-clients)" >&2
  exit 1
fi
example_load
start broker "$mosquitto" -c mosquitto.conf
start root "$staex" run -c root.conf
start gateway "$staex" run -c gateway.conf
start user "$staex" run -c user.conf

example_wait_up

cat <<INFO
Running: Mosquitto on 127.0.0.1:$device_port (the sensor's side), root, gateway, user;
logs in $net/*.log.
In another terminal, subscribe through the user's forward:
  mosquitto_sub -h 127.0.0.1 -p $forward_port -t sensors/temp -q 1 -C 1
and publish a reading (as the sensor would, but from the user's side):
  mosquitto_pub -h 127.0.0.1 -p $forward_port -t sensors/temp -q 1 -m 21.5
Look at the session and its streams:
  ./staex status -c examples/mqtt-sensor/net/user.conf
Ctrl-C stops everything.
INFO
example_wait
