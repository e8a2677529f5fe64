#!/usr/bin/env bash
# Starts the camera (camera.py, a GStreamer RTSP server), then the root, the gateway and the
# user node, all in the background with their logs in net/*.log; waits until the gateway and the user have an
# active parent, prints the commands to try, and stops everything on Ctrl-C.
# Usage: examples/rtsp-camera/run.sh   (after setup.sh)
set -eu
. "$(dirname "$0")/../lib.sh"
# Debian's python3 with python3-gi, not another python3 that may come first on PATH.
python=/usr/bin/python3
if ! "$python" -c 'import gi; gi.require_version("GstRtspServer", "1.0")' 2> /dev/null; then
  echo "run.sh: $python cannot load GstRtspServer (apt-get install python3-gi" \
    "gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good" \
    "gstreamer1.0-plugins-ugly)" >&2
  exit 1
fi
example_load
start camera "$python" "$here/camera.py" "$device_port"
start root "$staex" run -c root.conf
start gateway "$staex" run -c gateway.conf
start user "$staex" run -c user.conf

example_wait_up

cat <<INFO
Running: the camera on rtsp://127.0.0.1:$device_port/test (the gateway's side), root, gateway,
user; logs in $net/*.log.
In another terminal, play it through the user's forward (RTP by UDP, the players' default):
  ffmpeg -i rtsp://127.0.0.1:$forward_port/test -frames:v 50 -f null -
  gst-launch-1.0 rtspsrc location=rtsp://127.0.0.1:$forward_port/test \\
    ! decodebin ! fakesink num-buffers=50
or with RTP inside the RTSP connection:
  ffmpeg -rtsp_transport tcp -i rtsp://127.0.0.1:$forward_port/test -frames:v 50 -f null -
  gst-launch-1.0 rtspsrc location=rtsp://127.0.0.1:$forward_port/test protocols=tcp \\
    ! decodebin ! fakesink num-buffers=50
or watch it:
  ffplay rtsp://127.0.0.1:$forward_port/test
Look at the session and its stream:
  ./staex status -c examples/rtsp-camera/net/user.conf
Ctrl-C stops everything.
INFO
example_wait
