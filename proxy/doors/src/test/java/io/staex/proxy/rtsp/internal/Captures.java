package io.staex.proxy.rtsp.internal;

import java.nio.charset.StandardCharsets;

/**
 * RTSP exchanges in the shapes real software writes them, by hand: ffmpeg (Lavf) as the player,
 * GStreamer's gst-rtsp-server (interleaved, echoes the player's URL) and VLC's server (UDP only,
 * writes its LAN address) as cameras.
 */
final class Captures {
  private Captures() {}

  static final String FFMPEG_OPTIONS = "OPTIONS rtsp://127.0.0.1:8554/test RTSP/1.0\r\n"
      + "CSeq: 1\r\nUser-Agent: Lavf61.7.100\r\n\r\n";

  static final String FFMPEG_DESCRIBE = "DESCRIBE rtsp://127.0.0.1:8554/test RTSP/1.0\r\n"
      + "Accept: application/sdp\r\nCSeq: 2\r\nUser-Agent: Lavf61.7.100\r\n\r\n";

  static final String FFMPEG_SETUP_UDP =
      "SETUP rtsp://127.0.0.1:8554/test/trackID=0 RTSP/1.0\r\n"
      + "Transport: RTP/AVP/UDP;unicast;client_port=24510-24511\r\n"
      + "CSeq: 3\r\nUser-Agent: Lavf61.7.100\r\n\r\n";

  static final String FFMPEG_SETUP_TCP =
      "SETUP rtsp://127.0.0.1:8554/test/stream=0 RTSP/1.0\r\n"
      + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n"
      + "CSeq: 3\r\nUser-Agent: Lavf61.7.100\r\n\r\n";

  static final String FFMPEG_PLAY = "PLAY rtsp://127.0.0.1:8554/test/ RTSP/1.0\r\n"
      + "Range: npt=0.000-\r\nCSeq: 5\r\nUser-Agent: Lavf61.7.100\r\n"
      + "Session: 7a8f3b2c1d4e5f60\r\n\r\n";

  static final String GST_SDP = "v=0\r\n"
      + "o=- 1188340656180883 1 IN IP4 127.0.0.1\r\n"
      + "s=Session streamed with GStreamer\r\ni=rtsp-server\r\nt=0 0\r\n"
      + "a=tool:GStreamer\r\na=type:broadcast\r\na=range:npt=now-\r\n"
      + "a=control:rtsp://127.0.0.1:8554/test\r\n"
      + "m=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\nb=AS:2000\r\n"
      + "a=rtpmap:96 H264/90000\r\na=framerate:30\r\n"
      + "a=fmtp:96 packetization-mode=1;profile-level-id=42c01f;"
      + "sprop-parameter-sets=Z0LAH9kAUAW7ARAAAAMAEAAAAwPI8YMkgA==,aMuDyyA=\r\n"
      + "a=control:rtsp://127.0.0.1:8554/test/stream=0\r\n";

  static final String GST_DESCRIBE_REPLY = "RTSP/1.0 200 OK\r\n"
      + "CSeq: 2\r\nContent-Type: application/sdp\r\n"
      + "Content-Base: rtsp://127.0.0.1:8554/test/\r\nServer: GStreamer RTSP server\r\n"
      + "Date: Thu, 26 Nov 2026 05:40:00 GMT\r\n"
      + "Content-Length: " + GST_SDP.length() + "\r\n\r\n" + GST_SDP;

  static final String GST_SETUP_REPLY = "RTSP/1.0 200 OK\r\nCSeq: 3\r\n"
      + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=1D4C3A8B;mode=\"PLAY\"\r\n"
      + "Server: GStreamer RTSP server\r\nSession: 7a8f3b2c1d4e5f60;timeout=60\r\n"
      + "Date: Thu, 26 Nov 2026 05:40:00 GMT\r\n\r\n";

  static final String VLC_SDP = "v=0\r\n"
      + "o=- 16409863082207520751 16409863082207520751 IN IP4 host\r\n"
      + "s=Unnamed\r\ni=N/A\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
      + "a=tool:vlc 3.0.21\r\na=recvonly\r\na=type:broadcast\r\na=charset:UTF-8\r\n"
      + "a=control:rtsp://10.77.1.2:8555/test\r\n"
      + "m=video 0 RTP/AVP 96\r\nb=RR:0\r\na=rtpmap:96 H264/90000\r\n"
      + "a=fmtp:96 packetization-mode=1;profile-level-id=64001f;"
      + "sprop-parameter-sets=Z2QAH6zZQFAFuwEQAAADABAAAAMDyPGDGWA=,aOvjyyLA;\r\n"
      + "a=control:rtsp://10.77.1.2:8555/test/trackID=0\r\n";

  static final String VLC_DESCRIBE_REPLY = "RTSP/1.0 200 OK\r\n"
      + "Server: VLC/3.0.21\r\nDate: Thu, 26 Nov 2026 05:40:00 GMT\r\n"
      + "Content-Type: application/sdp\r\nContent-Base: rtsp://10.77.1.2:8555/test\r\n"
      + "Content-Length: " + VLC_SDP.length() + "\r\nCache-Control: no-cache\r\nCseq: 2\r\n\r\n"
      + VLC_SDP;

  static final String VLC_461 = "RTSP/1.0 461 Unsupported transport\r\n"
      + "Server: VLC/3.0.21\r\nDate: Thu, 26 Nov 2026 05:40:00 GMT\r\n"
      + "Content-Length: 0\r\nCache-Control: no-cache\r\nCseq: 3\r\n\r\n";

  static final String VLC_SETUP_REPLY = "RTSP/1.0 200 OK\r\n"
      + "Server: VLC/3.0.21\r\nDate: Thu, 26 Nov 2026 05:40:00 GMT\r\n"
      + "Transport: RTP/AVP/UDP;unicast;client_port=24510-24511;server_port=37164-37165;"
      + "ssrc=5C8C4C2F;mode=play\r\n"
      + "Session: 7a8f3b2c1d4e5f60;timeout=60\r\nContent-Length: 0\r\n"
      + "Cache-Control: no-cache\r\nCseq: 3\r\n\r\n";

  static final String VLC_PLAY_REPLY = "RTSP/1.0 200 OK\r\n"
      + "Server: VLC/3.0.21\r\nDate: Thu, 26 Nov 2026 05:40:00 GMT\r\n"
      + "RTP-Info: url=rtsp://10.77.1.2:8555/test/trackID=0;seq=27145;rtptime=2617463830\r\n"
      + "Range: npt=0.000000-\r\nSession: 7a8f3b2c1d4e5f60;timeout=60\r\n"
      + "Content-Length: 0\r\nCache-Control: no-cache\r\nCseq: 5\r\n\r\n";

  /** RFC 2326 §14.2 style, LF line ends and a folded header, which receivers must accept. */
  static final String RFC_LF_FOLDED = "RTSP/1.0 200 OK\nCSeq: 312\n"
      + "Public: DESCRIBE, SETUP, TEARDOWN,\n PLAY, PAUSE\n\n";

  static final String[] ALL = {FFMPEG_OPTIONS, FFMPEG_DESCRIBE, FFMPEG_SETUP_UDP,
      FFMPEG_SETUP_TCP, FFMPEG_PLAY, GST_DESCRIBE_REPLY, GST_SETUP_REPLY, VLC_DESCRIBE_REPLY,
      VLC_461, VLC_SETUP_REPLY, VLC_PLAY_REPLY, RFC_LF_FOLDED};

  static byte[] bytes(String latin1) {
    return latin1.getBytes(StandardCharsets.ISO_8859_1);
  }
}
