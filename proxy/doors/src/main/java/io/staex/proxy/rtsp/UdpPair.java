package io.staex.proxy.rtsp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.rtsp.internal.Range;
import io.staex.proxy.loop.Transports;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Two UDP sockets for one RTSP track, on consecutive ports {@code p} (RTP) and {@code p + 1}
 * (RTCP), as players and cameras expect ({@code client_port=p-(p+1)}, {@code server_port=…}).
 * Registered on the stream's event loop; every method runs there. Closed with the connection.
 */
final class UdpPair {
  /** Binding attempts before giving up on a consecutive pair. */
  static final int ATTEMPTS = 16;
  /**
   * The receive buffer per datagram: Netty's default (2048) would cut longer packets short
   * without a word; one byte more than a stream datagram can carry, so an oversized one is
   * seen as such (and dropped, counted) rather than truncated.
   */
  static final int RECEIVE_BUFFER = FrameLimits.MAX_DATAGRAM + 1;

  /** What a socket of the pair received; the receiver releases {@code packet}. */
  interface Receiver {
    void received(UdpPair pair, boolean rtcp, DatagramPacket packet);
  }

  private final Channel rtp;
  private final Channel rtcp;
  long packetsIn;
  long packetsOut;

  private UdpPair(Channel rtp, Channel rtcp) {
    this.rtp = rtp;
    this.rtcp = rtcp;
  }

  /** Binds a pair on {@code ip}; the future fails after {@link #ATTEMPTS} tries. */
  static Future<UdpPair> bind(EventLoop loop, InetAddress ip, Receiver receiver) {
    Promise<UdpPair> promise = loop.newPromise();
    Holder holder = new Holder(receiver);
    attempt(loop, ip, holder, promise, ATTEMPTS);
    return promise;
  }

  /** The pair's receiver, set once the pair exists (packets before that are dropped). */
  private static final class Holder {
    final Receiver receiver;
    UdpPair pair;

    Holder(Receiver receiver) {
      this.receiver = receiver;
    }
  }

  private static void attempt(EventLoop loop, InetAddress ip, Holder holder,
      Promise<UdpPair> promise, int left) {
    bootstrap(loop, holder, false).bind(new InetSocketAddress(ip, 0)).addListener(
        (ChannelFuture first) -> {
          if (!first.isSuccess()) {
            promise.tryFailure(first.cause());
            return;
          }
          int port = ((InetSocketAddress) first.channel().localAddress()).getPort();
          if (port >= 0xFFFF) {
            retry(loop, ip, holder, promise, left, first.channel(), null);
            return;
          }
          bootstrap(loop, holder, true).bind(new InetSocketAddress(ip, port + 1)).addListener(
              (ChannelFuture second) -> {
                if (second.isSuccess()) {
                  holder.pair = new UdpPair(first.channel(), second.channel());
                  if (!promise.trySuccess(holder.pair)) {
                    holder.pair.close();
                  }
                } else {
                  retry(loop, ip, holder, promise, left, first.channel(), second.cause());
                }
              });
        });
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  private static void retry(EventLoop loop, InetAddress ip, Holder holder,
      Promise<UdpPair> promise, int left, Channel taken, Throwable cause) {
    taken.close();
    if (left <= 1) {
      promise.tryFailure(new java.io.IOException("no two consecutive free UDP ports on " + ip
          + " in " + ATTEMPTS + " tries" + (cause == null ? "" : ": " + cause.getMessage())));
    } else {
      attempt(loop, ip, holder, promise, left - 1);
    }
  }

  private static Bootstrap bootstrap(EventLoop loop, Holder holder, boolean isRtcp) {
    return new Bootstrap().group(loop).channel(Transports.datagramChannelType(loop))
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER))
        .handler(new SimpleChannelInboundHandler<DatagramPacket>(false) {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            UdpPair pair = holder.pair;
            if (pair == null) {
              packet.release();
              return;
            }
            pair.packetsIn++;
            holder.receiver.received(pair, isRtcp, packet);
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like: the datagram is lost, the socket stays.
          }
        });
  }

  /** RTP port and RTCP port. */
  Range ports() {
    return new Range(port(rtp), port(rtcp));
  }

  private static int port(Channel ch) {
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  /** Sends {@code data} (taken over) from the RTP or RTCP socket to {@code to}. */
  @SuppressWarnings("FutureReturnValueIgnored") // voidPromise: a failed write fires exceptionCaught
  void send(boolean isRtcp, ByteBuf data, InetSocketAddress to) {
    Channel ch = isRtcp ? rtcp : rtp;
    if (!ch.isActive()) {
      data.release();
      return;
    }
    packetsOut++;
    ch.writeAndFlush(new DatagramPacket(data, to), ch.voidPromise());
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  void close() {
    rtp.close();
    rtcp.close();
  }

  @Override
  public String toString() {
    InetSocketAddress a = (InetSocketAddress) rtp.localAddress();
    return a.getAddress().getHostAddress() + ":" + ports();
  }
}
