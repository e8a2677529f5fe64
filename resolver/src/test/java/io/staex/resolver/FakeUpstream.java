package io.staex.resolver;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/** An upstream DNS server on loopback UDP that answers every A query with 192.0.2.7. */
final class FakeUpstream implements AutoCloseable {
  static final String ANSWER = "192.0.2.7";

  private final DatagramSocket socket;
  private final Thread thread;

  FakeUpstream() throws SocketException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    thread = new Thread(this::serve, "fake-upstream");
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  private void serve() {
    byte[] buffer = new byte[65535];
    while (!socket.isClosed()) {
      try {
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        socket.receive(in);
        Message query = new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        response.addRecord(new ARecord(query.getQuestion().getName(), DClass.IN, 300,
            InetAddress.getByName(ANSWER)), Section.ANSWER);
        byte[] out = response.toWire();
        socket.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
      } catch (IOException e) {
        // closed, or a query we can't parse: nothing to answer
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(5000);
  }
}
