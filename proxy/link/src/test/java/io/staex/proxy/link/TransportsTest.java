package io.staex.proxy.link;

import io.staex.proxy.loop.Transports;
import static io.staex.proxy.link.LinkFixtures.CALM;
import static io.staex.proxy.link.LinkFixtures.QUICK;
import static io.staex.proxy.link.LinkFixtures.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.link.LinkFixtures.Recorder;
import io.staex.testing.fixtures.TestNetwork;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportsTest {
  static final TestNetwork NETWORK = TestNetwork.seeded(1);
  static final LinkCredentials PARENT = LinkFixtures.credentials(NETWORK.member(30));
  static final LinkCredentials CHILD = LinkFixtures.credentials(NETWORK.member(31));

  @Test
  void defaultGroup_usesEpollWhereAvailable() {
    EventLoopGroup group = Transports.newEventLoopGroup(1);
    try {
      assertThat(Transports.socketChannelType(group))
          .isEqualTo(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void nioGroup_linksUpToo() throws Exception {
    EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    assertThat(Transports.serverChannelType(nio)).isEqualTo(NioServerSocketChannel.class);
    Recorder parentSide = new Recorder();
    Recorder childSide = new Recorder();
    try (LinkServer server = LinkServer.start(
            nio, new InetSocketAddress("127.0.0.1", 0), PARENT, CALM, 2, LinkFixtures.HANDSHAKES,
            LinkTestSettings.startups(), parentSide);
        ParentConnector c = ParentConnector.start(
            nio, server.localAddress(), address(PARENT), CHILD, CALM, QUICK, childSide)) {
      childSide.up().send(new LinkFrame.Routing(false, FrameBytes.copyOf(new byte[] {7})));
      parentSide.up();
      assertThat(parentSide.frame())
          .isEqualTo(new LinkFrame.Routing(false, FrameBytes.copyOf(new byte[] {7})));
    } finally {
      nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
