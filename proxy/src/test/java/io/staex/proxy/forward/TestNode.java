package io.staex.proxy.forward;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Address;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.TestSettings;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.link.LinkFixtures;
import io.staex.proxy.link.LinkSettings;
import io.staex.proxy.link.RedialBackoff;
import io.staex.proxy.names.CertifiedNames;
import io.staex.proxy.relay.Relay;
import io.staex.proxy.relay.RelaySettings;
import io.staex.proxy.service.Service;
import io.staex.proxy.service.Services;
import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpServiceFlows;
import io.staex.proxy.udp.UdpSettings;
import io.staex.proxy.stream.StreamAcceptor;
import io.staex.proxy.stream.StreamSettings;
import io.staex.proxy.stream.Streams;
import io.staex.routing.RoutingSettings;
import io.staex.testing.fixtures.TestNetwork;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A whole data plane in one object, wired the way the node program wires it. */
final class TestNode implements AutoCloseable {
  static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);
  /** Calm keepalives: a busy 2-core machine must not see a timeout. */
  static final LinkSettings LINKS = TestSettings.link(
      Duration.ofMillis(500), 6, Duration.ofSeconds(5));
  static final RedialBackoff QUICK =
      new RedialBackoff(Duration.ofMillis(20), Duration.ofMillis(200));

  final LinkCredentials creds;
  final Relay relay;
  final Streams streams;
  final Services services;
  final PortForwards forwards;
  /** Acceptors a test puts in front of the services, by port (e.g. a datagram echo). */
  final Map<Integer, StreamAcceptor> extraPorts;

  /** UDP flows of this node's forwards and services (zero unless started with UDP). */
  final UdpCounters udp;

  private TestNode(LinkCredentials creds, Relay relay, Streams streams, Services services,
      Map<Integer, StreamAcceptor> extraPorts, UdpSettings udpSettings, UdpCounters udp) {
    this.creds = creds;
    this.udp = udp;
    this.extraPorts = extraPorts;
    this.relay = relay;
    this.streams = streams;
    this.services = services;
    this.forwards = new PortForwards(streams,
        new CertifiedNames(relay, creds.policy(), Duration.ofSeconds(3), Clock.systemUTC()),
        udpSettings, udp);
  }

  static LinkCredentials credentials(Identity network, long seed, TrustPolicy policy) {
    return credentials(network, seed, policy, Optional.empty());
  }

  static LinkCredentials credentials(
      Identity network, long seed, TrustPolicy policy, Optional<String> name) {
    return LinkFixtures.credentials(TestNetwork.of(network).member(seed, name).withPolicy(policy));
  }

  static TestNode start(EventLoopGroup group, LinkCredentials c, List<Service> services,
      StreamSettings streamSettings, TestNode... parents) {
    return start(group, c, services, streamSettings, null, parents);
  }

  /** As above, with UDP forwards and services under {@code udp} (null: none). */
  static TestNode start(EventLoopGroup group, LinkCredentials c, List<Service> services,
      StreamSettings streamSettings, UdpSettings udpSettings, TestNode... parents) {
    List<Relay.Parent> ps = new ArrayList<>();
    for (TestNode p : parents) {
      ps.add(new Relay.Parent(p.address(), p.relay.localAddress()));
    }
    var loop = group.next();
    UdpCounters udp = new UdpCounters();
    Services table = new Services(loop, c.certificate().network(),
        streamSettings.connectTimeout(), services,
        udpSettings == null ? null : new UdpServiceFlows(loop, udpSettings, udp));
    Map<Integer, StreamAcceptor> extra = new ConcurrentHashMap<>();
    Streams streams = new Streams(loop, c.identity(), c.certificate(), c.policy(),
        TestSettings.sessions(), streamSettings, c.clock(), c.random(),
        (stream, peer) -> extra.getOrDefault(stream.port(), table).open(stream, peer));
    RelaySettings settings = TestSettings.relay().withBind(ANY).withMaxLinks(16)
        .withParents(ps).withLink(LINKS).withRouting(RoutingSettings.defaults()).withBackoff(QUICK);
    Relay relay = Relay.start(group, loop, c, settings, Clock.systemUTC(), streams.sessions());
    streams.sessions().start(relay);
    return new TestNode(c, relay, streams, table, extra, udpSettings, udp);
  }

  Address address() {
    return creds.identity().address();
  }

  /** Starts a forward to {@code port} of {@code to}; returns the port it listens on. */
  int forward(TestNode to, int port) {
    return forward(new Forward(ANY, to.address(), port));
  }

  /** Starts {@code f}; returns the port it listens on. */
  int forward(Forward f) {
    List<PortForwards.Failure> failed = forwards.apply(
        concat(List.copyOf(forwards.list().keySet()), f));
    if (!failed.isEmpty()) {
      throw new AssertionError(failed);
    }
    return forwards.list().entrySet().stream().filter(e -> e.getKey().equals(f))
        .findFirst().orElseThrow().getValue().getPort();
  }

  private static List<Forward> concat(List<Forward> a, Forward f) {
    List<Forward> out = new ArrayList<>(a);
    out.add(f);
    return out;
  }

  @Override
  public void close() {
    forwards.close();
    streams.close();
    relay.close();
  }
}
