#!/usr/bin/env bash
# Starts the camera (camera.py, a GStreamer RTSP server), then the root, the gateway and the
# user node, all in the background with their logs in net/*.log; waits until the gateway and the user have an
# active parent, prints the commands to try, and stops everything on Ctrl-C.
# Usage: examples/rtsp-camera/run.sh   (after setup.sh)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
staex="$here/../../staex"
net="$here/net"
if [ ! -f "$net/ports.sh" ]; then
  echo "run.sh: $net/ports.sh is missing; run $here/setup.sh first" >&2
  exit 1
fi
. "$net/ports.sh"
# Debian's python3 with python3-gi, not another python3 that may come first on PATH.
python=/usr/bin/python3
if ! "$python" -c 'import gi; gi.require_version("GstRtspServer", "1.0")' 2> /dev/null; then
  echo "run.sh: $python cannot load GstRtspServer (apt-get install python3-gi" \
    "gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good" \
    "gstreamer1.0-plugins-ugly)" >&2
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

start camera "$python" "$here/camera.py" "$device_port"
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
Running: the camera on rtsp://127.0.0.1:$device_port/test (the gateway's side), root, gateway,
user; logs in $net/*.log.
In another terminal, play it through the user's forward, RTP inside the RTSP connection:
  ffmpeg -rtsp_transport tcp -i rtsp://127.0.0.1:$forward_port/test -frames:v 50 -f null -
  gst-launch-1.0 rtspsrc location=rtsp://127.0.0.1:$forward_port/test protocols=tcp \\
    ! fakesink num-buffers=50
or watch it:
  ffplay -rtsp_transport tcp rtsp://127.0.0.1:$forward_port/test
Look at the session and its stream:
  ./staex status -c examples/rtsp-camera/net/user.conf
Ctrl-C stops everything.
INFO
wait -n "${pids[@]}" || true
for j in "${!pids[@]}"; do
  if ! kill -0 "${pids[$j]}" 2> /dev/null; then
    echo "run.sh: ${names[$j]} exited; see $net/${names[$j]}.log" >&2
  fi
done
exit 1
