package io.staex.proxy.loop;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The event loops and TCP (and UDP) channel types: epoll where available, else NIO. */
public final class Transports {
  private Transports() {}

  /** A new group of {@code threads} event loops (0: Netty's default); the caller shuts it down. */
  public static EventLoopGroup newEventLoopGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads,
        Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** The client channel type for {@code group}. */
  public static Class<? extends Channel> socketChannelType(EventLoopGroup group) {
    return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** The listening channel type for {@code group}. */
  public static Class<? extends ServerChannel> serverChannelType(EventLoopGroup group) {
    return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** The UDP channel type for {@code group} (an RTSP forward's RTP/RTCP sockets). */
  public static Class<? extends DatagramChannel> datagramChannelType(EventLoopGroup group) {
    return isEpoll(group) ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  private static boolean isEpoll(EventLoopGroup group) {
    return group instanceof IoEventLoopGroup
        && ((IoEventLoopGroup) group).isIoType(EpollIoHandler.class);
  }
}
