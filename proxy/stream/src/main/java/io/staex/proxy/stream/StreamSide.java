package io.staex.proxy.stream;

import io.netty.buffer.ByteBuf;

/** What an RTSP handler needs of the stream beside its bytes (a SocketBridge, in practice). */
public interface StreamSide {
  /** Sends {@code data}'s readable bytes as a datagram on {@code channel}; caller releases. */
  boolean sendDatagram(int channel, ByteBuf data);

  /** Ends the stream and the socket (an RST): a malformed message or a limit. */
  void abort();
}
