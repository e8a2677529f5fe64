package io.staex.proxy.rtsp;

import io.staex.proxy.stream.StreamSide;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.staex.proxy.frame.FrameBytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stream's end of an RTSP handler under test, in place of the SocketBridge: the last
 * handler of the socket's pipeline records what would go into the stream, {@link #fromPeer}
 * writes what the peer node sent, and the {@link StreamSide} records datagrams and aborts.
 */
final class RtspPipe extends ChannelInboundHandlerAdapter implements StreamSide {
  /** A datagram the handler sent towards the peer node. */
  record Datagram(int channel, String text) {}

  private final ByteArrayOutputStream toPeer = new ByteArrayOutputStream();
  final BlockingQueue<Datagram> datagrams = new LinkedBlockingQueue<>();
  final AtomicInteger aborts = new AtomicInteger();
  volatile Channel channel;
  volatile RtspRelay handler;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf b = (ByteBuf) msg;
    try {
      synchronized (toPeer) {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        toPeer.writeBytes(bytes);
        toPeer.notifyAll();
      }
    } finally {
      b.release();
    }
  }

  @Override
  public boolean sendDatagram(int number, ByteBuf data) {
    datagrams.add(new Datagram(number, data.toString(StandardCharsets.ISO_8859_1)));
    return true;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void abort() {
    aborts.incrementAndGet();
    channel.close();
  }

  /** Bytes from the peer node (stream DATA) written to the socket through the handler. */
  @SuppressWarnings("FutureReturnValueIgnored") // a test's failed write shows as missing bytes
  void fromPeer(String text) {
    channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  /** A datagram from the peer node on {@code number}. */
  void datagramFromPeer(int number, String text) {
    channel.eventLoop().execute(() ->
        handler.datagram(number, FrameBytes.copyOf(text.getBytes(StandardCharsets.ISO_8859_1))));
  }

  /** Waits until what went to the peer node contains {@code text}; returns all of it. */
  String awaitToPeer(String text, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (toPeer) {
      while (!toPeer.toString(StandardCharsets.ISO_8859_1).contains(text)) {
        long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError("not sent to the peer within " + timeout + ": " + text
              + "\n--- sent:\n" + toPeer.toString(StandardCharsets.ISO_8859_1));
        }
        toPeer.wait(left);
      }
      return toPeer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  String toPeer() {
    synchronized (toPeer) {
      return toPeer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
