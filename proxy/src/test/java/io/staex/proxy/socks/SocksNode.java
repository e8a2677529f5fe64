package io.staex.proxy.socks;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.TestSettings;
import io.staex.proxy.exit.ExitNode;
import io.staex.proxy.exit.ExitSettings;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.StreamAcceptor;
import io.staex.proxy.link.LinkFixtures;
import io.staex.proxy.link.LinkSettings;
import io.staex.proxy.link.RedialBackoff;
import io.staex.proxy.relay.Relay;
import io.staex.proxy.relay.RelaySettings;
import io.staex.proxy.service.Service;
import io.staex.proxy.service.Services;
import io.staex.proxy.stream.StreamSettings;
import io.staex.proxy.stream.Streams;
import io.staex.routing.RoutingSettings;
import io.staex.testing.fixtures.Member;
import io.staex.testing.fixtures.TestNetwork;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A whole data plane in one object, wired as the node program wires it (as forward's). */
final class SocksNode implements AutoCloseable {
  static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);
  static final LinkSettings LINKS = TestSettings.link(
      Duration.ofMillis(500), 6, Duration.ofSeconds(5));
  static final RedialBackoff QUICK =
      new RedialBackoff(Duration.ofMillis(20), Duration.ofMillis(200));

  final Identity identity;
  final Relay relay;
  final Streams streams;
  final ExitNode exit;

  private SocksNode(Identity identity, Relay relay, Streams streams, ExitNode exit) {
    this.identity = identity;
    this.relay = relay;
    this.streams = streams;
    this.exit = exit;
  }

  static SocksNode start(EventLoopGroup group, Identity network, long seed,
      List<Service> services, SocksNode... parents) {
    return start(group, network, seed, services, ExitSettings.off(), parents);
  }

  /** A node that is also an exit with {@code exit}; {@link #exit} counts its exit traffic. */
  static SocksNode start(EventLoopGroup group, Identity network, long seed,
      List<Service> services, ExitSettings exit, SocksNode... parents) {
    Member member = TestNetwork.of(network).member(seed);
    Identity me = member.identity();
    Certificate cert = member.certificate();
    TrustPolicy policy = member.policy();
    var creds = LinkFixtures.credentials(member);
    List<Relay.Parent> ps = new ArrayList<>();
    for (SocksNode p : parents) {
      ps.add(new Relay.Parent(p.address(), p.relay.localAddress()));
    }
    var loop = group.next();
    StreamSettings ss = TestSettings.streams();
    Services table = new Services(loop, network.address(), ss.connectTimeout(), services);
    ExitNode exitNode = new ExitNode(loop, network.address(), exit);
    StreamAcceptor acceptor = new StreamAcceptor() {
      @Override
      public void open(Stream stream, Certificate peer) {
        table.open(stream, peer);
      }

      @Override
      public void openHost(Stream stream, Certificate peer) {
        exitNode.openHost(stream, peer);
      }
    };
    Streams streams = new Streams(loop, me, cert, policy, TestSettings.sessions(), ss,
        Clock.systemUTC(), member.random(), acceptor);
    RelaySettings settings = TestSettings.relay().withBind(ANY).withMaxLinks(16)
        .withParents(ps).withLink(LINKS).withRouting(RoutingSettings.defaults()).withBackoff(QUICK);
    Relay relay = Relay.start(group, loop, creds, settings, Clock.systemUTC(), streams.sessions());
    streams.sessions().start(relay);
    return new SocksNode(me, relay, streams, exitNode);
  }

  Address address() {
    return identity.address();
  }

  @Override
  public void close() {
    streams.close();
    relay.close();
  }
}
