package io.staex.proxy.rtsp;

import io.staex.proxy.stream.StreamSide;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.rtsp.internal.InterleavedFrame;
import io.staex.proxy.rtsp.internal.RtspEncoder;
import io.staex.proxy.rtsp.internal.RtspError;
import io.staex.proxy.rtsp.internal.RtspItem;
import io.staex.proxy.rtsp.internal.RtspMessage;
import io.staex.proxy.rtsp.internal.RtspParser;
import io.staex.proxy.rtsp.internal.Transport;
import io.staex.proxy.rtsp.internal.TransportSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common part of the two RTSP handlers: sits in a socket's pipeline in front of the
 * SocketBridge, parses both directions into items ({@link RtspParser}), lets the subclass
 * rewrite, drop or divert each item, and writes what is left on as bytes. Inbound: socket →
 * stream; outbound: stream → socket.
 *
 * <ul>
 *   <li>A direction can be <em>held</em> while a UDP pair is bound: its items queue (at most
 *       {@link #MAX_HELD}) and go on in order when it is released.
 *   <li>A malformed message ({@link RtspError}), or an exception from the rewriting, ends the
 *       stream with one INFO line naming the peer and the reason; never the node.
 *   <li>An outbound write's promise succeeds once its bytes were parsed (a partial item waits
 *       in the parser, bounded by its limits), or with the write of what came out of them.
 * </ul>
 *
 * Every field is confined to the channel's event loop, which is the stream layer's.
 */
abstract class RtspRelay extends ChannelDuplexHandler {
  static final Logger log = LoggerFactory.getLogger("io.staex.proxy.rtsp");
  /** RTSP tracks (SETUPs turned to UDP or interleaved) per connection. */
  static final int MAX_TRACKS = 8;
  /** Items queued in a held direction before the connection is given up. */
  static final int MAX_HELD = 256;

  final StreamSide stream;
  /** For log lines: the forward or service. */
  final String name;
  private final RtspParser inParser = new RtspParser();
  private final RtspParser outParser = new RtspParser();
  private final Direction in = new Direction(true);
  private final Direction out = new Direction(false);
  ChannelHandlerContext ctx;
  private boolean failed;
  private boolean toldUnknown;

  RtspRelay(StreamSide stream, String name) {
    this.stream = stream;
    this.name = name;
  }

  /** One direction's held queue. */
  private static final class Direction {
    final boolean inbound;
    final ArrayDeque<RtspItem> held = new ArrayDeque<>();
    boolean holding;

    Direction(boolean inbound) {
      this.inbound = inbound;
    }
  }

  /** An inbound item (from the socket): add what goes to the stream to {@code sink}. */
  abstract void inbound(RtspItem item, List<RtspItem> sink);

  /** An outbound item (from the stream): add what goes to the socket to {@code sink}. */
  abstract void outbound(RtspItem item, List<RtspItem> sink);

  /**
   * A datagram from the peer node on {@code channel}: by UDP if a track of this side owns the
   * channel, else as a {@code $} frame on the socket.
   */
  public final void datagram(int channel, FrameBytes data) {
    assert ctx.executor().inEventLoop();
    if (!ownsChannel(channel)) {
      writeFrameToSocket(channel, data);
      return;
    }
    ByteBuf b = ctx.alloc().ioBuffer(data.size());
    data.writeTo(b);
    toUdp(channel, b);
  }

  /** Whether a UDP track of this side carries {@code channel}. */
  abstract boolean ownsChannel(int channel);

  /** {@code data} (owned by the callee) out by UDP for the track of {@code channel}. */
  abstract void toUdp(int channel, ByteBuf data);

  /** The connection ended: close the UDP sockets, log a summary. */
  abstract void closed();

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    List<RtspItem> items = new ArrayList<>();
    inParser.feed((ByteBuf) msg, items);
    ByteBuf bytes = process(in, items);
    if (bytes.isReadable()) {
      ctx.fireChannelRead(bytes);
    } else {
      bytes.release();
    }
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // the caller's promise carries the outcome
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf)) {
      ctx.write(msg, promise);
      return;
    }
    List<RtspItem> items = new ArrayList<>();
    outParser.feed((ByteBuf) msg, items);
    ByteBuf bytes = process(out, items);
    if (bytes.isReadable()) {
      ctx.write(bytes, promise);
    } else {
      bytes.release();
      promise.trySuccess();
    }
  }

  /** Runs {@code items} through the subclass (or the held queue); the bytes that come out. */
  private ByteBuf process(Direction d, List<RtspItem> items) {
    ByteBuf bytes = ctx.alloc().buffer();
    List<RtspItem> sink = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      RtspItem item = items.get(i);
      if (failed) {
        release(item);
      } else if (d.holding) {
        d.held.add(item);
        if (d.held.size() > MAX_HELD) {
          fail("more than " + MAX_HELD + " items arrived while a UDP port pair was bound");
        }
      } else {
        handle(d, item, sink);
        encode(sink, bytes);
      }
    }
    return bytes;
  }

  private void handle(Direction d, RtspItem item, List<RtspItem> sink) {
    if (item.kind() == RtspItem.Kind.ERROR) {
      fail((d.inbound ? "from " : "to ") + "the socket: " + ((RtspError) item).message());
      return;
    }
    try {
      if (d.inbound) {
        inbound(item, sink);
      } else {
        outbound(item, sink);
      }
    } catch (RuntimeException e) {
      if (!sink.contains(item)) {
        release(item); // else encode releases it
      }
      fail("cannot rewrite " + describe(item) + ": " + e);
    }
  }

  private void encode(List<RtspItem> sink, ByteBuf bytes) {
    for (RtspItem item : sink) {
      try {
        if (!failed) {
          RtspEncoder.encode(item, bytes);
        }
      } finally {
        release(item);
      }
    }
    sink.clear();
  }

  /** Queue the items of the inbound ({@code true}) or outbound direction until {@link #release}. */
  void hold(boolean inbound) {
    (inbound ? in : out).holding = true;
  }

  /** Ends a hold: the queued items go on now, in order, as if they just arrived. */
  void release(boolean inbound) {
    Direction d = inbound ? in : out;
    d.holding = false;
    if (d.held.isEmpty()) {
      return;
    }
    List<RtspItem> items = new ArrayList<>(d.held);
    d.held.clear();
    ByteBuf bytes = process(d, items);
    if (bytes.isReadable() && ctx.channel().isActive()) {
      if (inbound) {
        ctx.fireChannelRead(bytes);
      } else {
        ctx.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      }
    } else {
      bytes.release();
    }
  }

  /** Writes {@code message} to the socket now (between items: partial ones wait in the parser). */
  void writeToSocket(RtspMessage message) {
    ByteBuf bytes = ctx.alloc().buffer();
    RtspEncoder.encode(message, bytes);
    ctx.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  /** Writes a {@code $} frame with {@code data} on {@code channel} to the socket now. */
  @SuppressWarnings("FutureReturnValueIgnored") // voidPromise: a failed write fires exceptionCaught
  void writeFrameToSocket(int channel, FrameBytes data) {
    if (channel > 0xFF || data.size() > InterleavedFrame.MAX_PAYLOAD
        || !ctx.channel().isActive()) {
      unknownOnce("a datagram on channel " + channel + " of " + data.size() + " bytes");
      return;
    }
    ByteBuf bytes = ctx.alloc().ioBuffer(InterleavedFrame.HEADER_SIZE + data.size());
    RtspEncoder.writeHeader(channel, data.size(), bytes);
    data.writeTo(bytes);
    ctx.writeAndFlush(bytes, ctx.voidPromise());
  }

  /**
   * {@code data} (a UDP payload; the caller releases it) into the stream as a datagram on
   * {@code channel}; the stream drops and counts one too large for a datagram.
   */
  void sendDatagram(int channel, ByteBuf data) {
    stream.sendDatagram(channel, data);
  }

  /** The first spec of {@code message}'s Transport header, if it has one that parses. */
  static Optional<TransportSpec> transport(RtspMessage message) {
    return message.header("Transport").flatMap(Transport::parse).map(Transport::first);
  }

  /** Something passed through unchanged that the node does not follow: logged once. */
  void unknownOnce(String what) {
    if (!toldUnknown) {
      toldUnknown = true;
      log.debug("rtsp {}: {}: {} passes unchanged (told once per connection)", name, peer(),
          what);
    }
  }

  /** Ends the stream with one INFO line. */
  void fail(String reason) {
    if (failed) {
      return;
    }
    failed = true;
    log.info("rtsp {}: {}: {}; the stream ends", name, peer(), reason);
    stream.abort();
  }

  boolean failed() {
    return failed;
  }

  String peer() {
    return String.valueOf(ctx.channel().remoteAddress());
  }

  static String describe(RtspItem item) {
    return item instanceof RtspMessage m ? "'" + m.startLine() + "'" : item.toString();
  }

  static void release(RtspItem item) {
    if (item instanceof InterleavedFrame f) {
      f.release();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    inParser.release();
    outParser.release();
    in.held.forEach(RtspRelay::release);
    in.held.clear();
    out.held.forEach(RtspRelay::release);
    out.held.clear();
    closed();
  }
}
