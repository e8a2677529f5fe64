package io.staex.proxy.stream;

/**
 * What the streams of a forward or a service carry. {@link #TCP}: bytes, untouched. {@link
 * #RTSP}: an RTSP 1.0 connection that the node follows, rewriting URLs and carrying RTP/RTCP
 * over UDP as stream datagrams ({@code docs/rtsp.md}). {@link #UDP}: a UDP flow, each datagram
 * one stream datagram ({@code docs/udp.md}).
 */
public enum StreamProtocol {
  TCP,
  RTSP,
  UDP
}
