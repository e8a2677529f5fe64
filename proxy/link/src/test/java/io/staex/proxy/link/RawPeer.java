package io.staex.proxy.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.staex.crypto.Address;
import io.staex.crypto.Handshake;
import io.staex.crypto.Purpose;
import io.staex.crypto.RecordLayer;
import io.staex.crypto.RecordSealer;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.LinkFrameCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;

/** A hand-driven link peer over a blocking socket: it sends exactly the bytes a test says. */
final class RawPeer implements AutoCloseable {
  private final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;
  private RecordSealer sealer;

  RawPeer(InetSocketAddress server) throws IOException {
    this(new Socket(server.getAddress(), server.getPort()));
  }

  RawPeer(Socket connected) throws IOException {
    socket = connected;
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(socket.getInputStream());
  }

  /** Runs the initiator's side of the link handshake. */
  void handshake(LinkCredentials me, Address server) throws Exception {
    Handshake h = Handshake.initiator(me.identity(), me.certificate(), server, me.policy(),
        Purpose.LINK, me.clock(), me.random());
    byte[] first = h.writeMessage(new byte[0]);
    out.writeShort(first.length);
    out.write(first);
    out.flush();
    byte[] second = in.readNBytes(in.readUnsignedShort());
    h.readMessage(second);
    sealer = h.established().records().sealer();
  }

  /**
   * Runs the responder's side; returns message 2 framed, unsent, so that a test can send it
   * together with the first records.
   */
  byte[] respond(LinkCredentials me) throws Exception {
    Handshake h = Handshake.responder(
        me.identity(), me.certificate(), me.policy(), Purpose.LINK, me.clock(), me.random());
    h.readMessage(in.readNBytes(in.readUnsignedShort()));
    byte[] second = h.writeMessage(new byte[0]);
    sealer = h.established().records().sealer();
    return ByteBuffer.allocate(2 + second.length).putShort((short) second.length).put(second)
        .array();
  }

  /** {@code u32 length || sealed record} of {@code frames}, AAD = the length field. */
  byte[] record(List<LinkFrame> frames) throws Exception {
    ByteBuf plain = LinkFrameCodec.encodeRecord(UnpooledByteBufAllocator.DEFAULT, frames);
    byte[] p = ByteBufUtil.getBytes(plain);
    plain.release();
    int length = p.length + RecordLayer.OVERHEAD;
    byte[] aad = ByteBuffer.allocate(4).putInt(length).array();
    byte[] wire = new byte[4 + length];
    System.arraycopy(aad, 0, wire, 0, 4);
    sealer.seal(p, 0, p.length, aad, wire, 4);
    return wire;
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads and discards until the server closes the connection; false if it did not in 5 s. */
  boolean closedByServer() throws IOException {
    socket.setSoTimeout(5000);
    InputStream s = socket.getInputStream();
    byte[] sink = new byte[8192];
    try {
      while (s.read(sink) >= 0) {
        // keepalives, until the end
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
