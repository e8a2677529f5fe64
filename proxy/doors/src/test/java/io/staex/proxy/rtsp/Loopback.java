package io.staex.proxy.rtsp;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Test helpers on real loopback sockets: a player's or camera's UDP pair, reading text. */
final class Loopback {
  static final InetAddress IP = InetAddress.getLoopbackAddress();

  private Loopback() {}

  /** Two UDP sockets on consecutive ports, RTP first. */
  static DatagramSocket[] udpPair() throws IOException {
    for (int i = 0; i < 50; i++) {
      DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(IP, 0));
      try {
        DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(IP, rtp.getLocalPort() + 1));
        rtp.setSoTimeout(5000);
        rtcp.setSoTimeout(5000);
        return new DatagramSocket[] {rtp, rtcp};
      } catch (IOException e) {
        rtp.close();
      }
    }
    throw new IOException("no consecutive UDP ports");
  }

  /** The next datagram's text and sender port, as {@code text@port}. */
  static String receive(DatagramSocket s) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    s.receive(p);
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1) + "@"
        + p.getPort();
  }

  /** Whether a datagram arrives within {@code millis}. */
  static boolean receivesWithin(DatagramSocket s, int millis) throws IOException {
    int old = s.getSoTimeout();
    s.setSoTimeout(millis);
    try {
      s.receive(new DatagramPacket(new byte[2048], 2048));
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } finally {
      s.setSoTimeout(old);
    }
  }

  static void send(DatagramSocket s, String text, int port) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    s.send(new DatagramPacket(b, b.length, new InetSocketAddress(IP, port)));
  }

  /** Reads until the text read so far ends with {@code end}; returns all of it. */
  static String readUntil(InputStream in, String end) throws IOException {
    StringBuilder b = new StringBuilder();
    while (b.length() < end.length() || !b.substring(b.length() - end.length()).equals(end)) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("end of stream after: " + b);
      }
      b.append((char) c);
    }
    return b.toString();
  }

  /** Reads exactly {@code n} bytes as text. */
  static String read(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new IOException("end of stream after " + b.length + " of " + n + " bytes");
    }
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
