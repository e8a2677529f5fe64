package io.staex.proxy.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.stream.StreamSide;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.StreamHandler;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins one local TCP socket (a forward's client, a service's target) to one stream, both on the
 * stream layer's event loop.
 *
 * <pre>
 *   socket read ──▶ Stream.write      (AUTO_READ follows Stream.wantsInput: credit, congestion)
 *   socket EOF  ──▶ Stream.finish     (half-close: the reply still comes back)
 *   DATA        ──▶ socket write      (Stream.consumed when written: credit back to the peer)
 *   FIN         ──▶ shutdownOutput    (after the last write completed)
 *   RESET / session lost ──▶ close with RST (SO_LINGER 0): the application sees an error,
 *                                     never a clean end of a stream that lost bytes
 *   socket closed before both FINs ──▶ Stream.reset(CLOSED)
 * </pre>
 *
 * The socket must be registered with AUTO_READ off and ALLOW_HALF_CLOSURE on; this handler turns
 * reading on once the stream takes input: an opened stream at once (its first bytes leave with
 * the OPEN, up to the early credit), an accepted one once connected. Bytes beyond the credit
 * wait in the stream. With a {@link ConnectListener} (SOCKS, whose client waits for its reply)
 * reading starts only once connected.
 *
 * <p>A {@link ConnectListener} (SOCKS) hears how the connect phase ends before anything else
 * happens on the socket: it can answer its client first, and a reset before the stream was
 * connected is left to it (no RST: it sends a reply and closes).
 */
public final class SocketBridge extends ChannelInboundHandlerAdapter implements StreamHandler {
  private static final Logger log = LoggerFactory.getLogger(SocketBridge.class);

  private final Channel channel;
  private final Consumer<ResetReason> onReset;
  /** Until the stream is connected or reset; then null. */
  private ConnectListener connectListener;
  /** Loop-confined, as every field: the socket and the stream share one event loop. */
  private Stream stream;
  private ChannelFuture lastWrite;
  private boolean inputDone;
  private boolean outputDone;
  private boolean resetting;
  /**
   * Bytes read before the stream existed (a forward resolving a name): Netty reads once at a
   * half-close even with AUTO_READ off. Handed to the stream on {@link #bind}.
   */
  private ByteBuf early;
  private static final int MAX_EARLY_BYTES = 256 * 1024;
  /** Hears the stream's datagrams (an RTSP forward's handler), or null: they are dropped. */
  private DatagramSink datagrams;

  /**
   * @param onReset told why, when the stream is reset before it ended (to log it once with the
   *     forward's or service's name); may be a no-op
   */
  public SocketBridge(Channel channel, Consumer<ResetReason> onReset) {
    this.channel = channel;
    this.onReset = onReset;
  }

  /** How an opened stream's connect phase ends; called on the loop, at most one of them once. */
  public interface ConnectListener {
    /** The peer accepted: called before the socket is read or written by the bridge. */
    void connected(Stream stream);

    /**
     * The stream was reset before it was connected; the bridge leaves the socket alone, so the
     * listener must close it.
     */
    void refused(Stream stream, ResetReason reason);
  }

  /**
   * A bridge whose connect phase {@code listener} hears first.
   *
   * @param onReset as in {@link #SocketBridge(Channel, Consumer)}, for resets after connect
   */
  public SocketBridge(Channel channel, Consumer<ResetReason> onReset, ConnectListener listener) {
    this(channel, onReset);
    this.connectListener = listener;
  }

  /** Where a stream's datagrams go: a handler in the socket's pipeline (RTSP's RTP/RTCP). */
  public interface DatagramSink {
    /** A datagram from the peer on {@code channel}; on the loop; {@code data} is not kept. */
    void datagram(int channel, FrameBytes data);
  }

  /** From now on the stream's datagrams go to {@code sink}; call before the stream connects. */
  public void datagrams(DatagramSink sink) {
    this.datagrams = sink;
  }

  /**
   * Sends {@code data}'s readable bytes as a datagram on channel {@code number} (the caller
   * keeps and releases it): false if there is no connected stream yet or it was dropped.
   */
  public boolean sendDatagram(int number, ByteBuf data) {
    return stream != null && !stream.isFinished() && stream.sendDatagram(number, data);
  }

  /** This bridge as an RTSP handler sees it: datagrams out, and abort. */
  public StreamSide side() {
    return new StreamSide() {
      @Override
      public boolean sendDatagram(int channel, ByteBuf data) {
        return SocketBridge.this.sendDatagram(channel, data);
      }

      @Override
      public void abort() {
        SocketBridge.this.abort();
      }
    };
  }

  /** Binds the stream once it exists (the forward opens it after creating this bridge). */
  public void bind(Stream stream) {
    this.stream = stream;
    if (early != null) {
      try {
        stream.write(early);
      } finally {
        early.release();
        early = null;
      }
    }
    if (inputDone) {
      stream.finish(); // the client half-closed before the stream existed
    }
    if (connectListener == null) {
      setReading(stream.wantsInput()); // 0-RTT: read the client's first bytes now
    }
  }

  // ---- socket → stream ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      if (stream != null) {
        setReading(stream.write(buf));
      } else if (early == null) {
        early = buf.retainedDuplicate();
      } else if (early.readableBytes() + buf.readableBytes() > MAX_EARLY_BYTES) {
        abort();
      } else {
        early = Unpooled.wrappedBuffer(early, buf.retain());
      }
    } finally {
      buf.release();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputDone = true;
      if (stream != null) {
        stream.finish();
      }
      closeIfDone();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (early != null) {
      early.release();
      early = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Closed by closeIfDone (both ways ended): the stream still sends what it read, as credit
    // comes. Closed any other way (the application went away, a write failed): reset.
    boolean cleanly = inputDone && outputDone;
    if (stream != null && !stream.isFinished() && !resetting && !cleanly) {
      stream.reset(ResetReason.CLOSED);
    }
    ctx.fireChannelInactive();
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{}: socket error: {}", stream, cause.toString());
    ctx.close();
  }

  // ---- stream → socket ----

  @Override
  public void connected(Stream s) {
    ConnectListener l = connectListener;
    if (l != null) {
      connectListener = null;
      l.connected(s);
      if (s.isFinished() || !channel.isOpen()) {
        return;
      }
    }
    setReading(s.wantsInput());
  }

  /** AUTO_READ on or off, unless the socket's input already ended (nothing left to read). */
  private void setReading(boolean on) {
    if (!inputDone && channel.isActive()) {
      channel.config().setAutoRead(on);
    }
  }

  @Override
  public void data(Stream s, FrameBytes data) {
    int n = data.size();
    // One copy, straight into the buffer the socket writes from (not array, then heap → direct).
    ByteBuf out = channel.alloc().ioBuffer(n);
    data.writeTo(out);
    lastWrite = channel.writeAndFlush(out);
    lastWrite.addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        s.consumed(n);
      }
    });
  }

  @Override
  public void datagram(Stream s, int number, FrameBytes data) {
    DatagramSink sink = datagrams;
    if (sink != null && channel.isOpen()) {
      sink.datagram(number, data);
    }
  }

  @Override
  public void fin(Stream s) {
    if (lastWrite == null || lastWrite.isDone()) {
      shutdownOutput();
    } else {
      lastWrite.addListener(f -> shutdownOutput());
    }
  }

  @Override
  public void writable(Stream s) {
    if (s.wantsInput() && connectListener == null) {
      setReading(true);
    }
  }

  @Override
  public void reset(Stream s, ResetReason reason) {
    ConnectListener l = connectListener;
    if (l != null) {
      connectListener = null;
      resetting = true;
      l.refused(s, reason);
      return;
    }
    onReset.accept(reason);
    abort();
  }

  /** Closes the socket with an RST, so its application sees an error. */
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void abort() {
    resetting = true;
    if (channel.isOpen()) {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      channel.close();
    }
  }

  private void shutdownOutput() {
    if (!channel.isActive()) {
      return;
    }
    ((DuplexChannel) channel).shutdownOutput().addListener(f -> {
      outputDone = true;
      closeIfDone();
    });
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  private void closeIfDone() {
    if (inputDone && outputDone) {
      channel.close();
    }
  }
}
