package io.staex.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.LeakWatch;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Arbitrary bytes sent as a UDP query never crash the server: each gets FORMERR (or NOTIMP,
 * or, should the bytes happen to be a valid query, an answer), or nothing; a probe query sent
 * after each one is always answered, and no buffer leaks.
 */
class DnsServerFuzzTest {
  private static final int PROBE_ID = 0xbeef;

  private static EventLoopGroup group;
  private static DnsServer server;

  @BeforeContainer
  static void start() {
    LeakWatch.install();
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    DnsSettings settings =
        TestDnsSettings.on(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    server = DnsServer.start(settings, new AddressPool(settings.pool(), settings.poolTtl(),
        Clock.systemUTC()), new InMemoryNameResolver(), group);
  }

  @AfterContainer
  static void stop() throws InterruptedException {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    LeakWatch.assertNoLeaks();
  }

  @Provide
  Arbitrary<byte[]> packets() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    // Mostly queries with the QR bit clear, so that they are parsed rather than dropped.
    Arbitrary<byte[]> queryLike = random.filter(b -> b.length >= 12).map(b -> {
      b[2] &= 0x7f;
      return b;
    });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, random), net.jqwik.api.Tuple.of(3, queryLike));
  }

  @Property(tries = 300)
  void arbitraryBytes_getFormerrOrNothing(@ForAll("packets") byte[] packet) throws Exception {
    byte[] probe = DnsServerTest.query("ghost.staex.");
    probe[0] = (byte) (PROBE_ID >>> 8);
    probe[1] = (byte) PROBE_ID;
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(5000);
      socket.send(new DatagramPacket(packet, packet.length, server.localAddress()));
      socket.send(new DatagramPacket(probe, probe.length, server.localAddress()));
      byte[] buffer = new byte[65535];
      while (true) {
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        socket.receive(in);
        Message m = new Message(Arrays.copyOf(buffer, in.getLength()));
        assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
        if (m.getHeader().getID() == PROBE_ID && m.getRcode() == Rcode.NXDOMAIN
            && m.getQuestion() != null && m.getQuestion().getName().toString()
                .equals("ghost.staex.")) {
          return;
        }
        assertThat(packet.length).isGreaterThanOrEqualTo(2);
        assertThat(m.getHeader().getID())
            .isEqualTo((packet[0] & 0xff) << 8 | (packet[1] & 0xff));
        assertThat(packet.length < 3 || (packet[2] & 0x80) == 0).as("responses are dropped")
            .isTrue();
        if (m.getQuestion() == null) {
          assertThat(Rcode.string(m.getRcode())).isIn("FORMERR", "NOTIMP");
        }
      }
    }
  }
}
