#!/usr/bin/python3
"""A stand-in IP camera: an RTSP server on 127.0.0.1:PORT with a live H.264 test pattern at /test.

Usage: /usr/bin/python3 camera.py [PORT]   (default 8554; Debian's python3-gi and
gir1.2-gst-rtsp-server-1.0, x264enc from gstreamer1.0-plugins-ugly)

Prints "camera rtsp://127.0.0.1:PORT/test ready" when it listens; SIGTERM or Ctrl-C stop it.
"""
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

PIPELINE = (
    "( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=15/1"
    " ! x264enc tune=zerolatency ! rtph264pay name=pay0 pt=96 )"
)


def main():
    port = sys.argv[1] if len(sys.argv) > 1 else "8554"
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(PIPELINE)
    server.get_mount_points().add_factory("/test", factory)
    if server.attach(None) == 0:
        print(f"camera.py: cannot listen on 127.0.0.1:{port}", file=sys.stderr)
        return 1
    loop = GLib.MainLoop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f"camera rtsp://127.0.0.1:{port}/test ready", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
