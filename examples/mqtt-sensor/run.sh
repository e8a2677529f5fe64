#!/usr/bin/env bash
# Starts the sensor's broker (Mosquitto), then the root, the gateway and the user node, all in
# the background with their logs in net/*.log; waits until the gateway and the user have an
# active parent, prints the commands to try, and stops everything on Ctrl-C.
# Usage: examples/mqtt-sensor/run.sh   (after setup.sh)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
staex="$here/../../staex"
net="$here/net"
if [ ! -f "$net/ports.sh" ]; then
  echo "run.sh: $net/ports.sh is missing; run $here/setup.sh first" >&2
  exit 1
fi
. "$net/ports.sh"
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
if [ ! -x "$mosquitto" ]; then
  echo "run.sh: mosquitto not found (apt-get install mosquitto mosquitto-clients)" >&2
  exit 1
fi
cd "$net"
"$staex" addr root.key > /dev/null # builds the jar once if it is stale, before three start

names=()
pids=()
start() { # start NAME COMMAND...: runs COMMAND in the background, output to NAME.log
  local name="$1"
  shift
  "$@" > "$name.log" 2>&1 &
  names+=("$name")
  pids+=("$!")
}
stop() {
  trap - EXIT INT TERM
  echo "stopping: ${names[*]}"
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT TERM

start broker "$mosquitto" -c mosquitto.conf
start root "$staex" run -c root.conf
start gateway "$staex" run -c gateway.conf
start user "$staex" run -c user.conf

up() { # up NODE: whether NODE's status shows an active parent
  "$staex" status -c "$1.conf" --json 2> /dev/null | grep -q '"activeParent":"'
}
for i in $(seq 1 60); do
  for j in "${!pids[@]}"; do
    if ! kill -0 "${pids[$j]}" 2> /dev/null; then
      echo "run.sh: ${names[$j]} exited; see $net/${names[$j]}.log" >&2
      exit 1
    fi
  done
  if up gateway && up user; then
    break
  fi
  if [ "$i" = 60 ]; then
    echo "run.sh: the nodes did not connect; see $net/*.log" >&2
    exit 1
  fi
  sleep 0.5
done

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
wait -n "${pids[@]}" || true
for j in "${!pids[@]}"; do
  if ! kill -0 "${pids[$j]}" 2> /dev/null; then
    echo "run.sh: ${names[$j]} exited; see $net/${names[$j]}.log" >&2
  fi
done
exit 1
