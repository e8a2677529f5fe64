package io.staex.node.internal.control;

import io.staex.crypto.Address;
import io.staex.node.NodeStatus.Direction;
import io.staex.node.NodeStatus;
import io.staex.proxy.relay.RelayCounters;
import io.staex.testing.fixtures.Identities;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Sample statuses for the renderer and control tests. */
final class StatusFixture {
  static final Address NODE = Identities.address(1);
  static final Address NETWORK = Identities.address(2);
  static final Address PARENT = Identities.address(3);
  static final Address CHILD = Identities.address(4);

  private StatusFixture() {}

  /** A relay with a parent up, a child, routes, drops, one of each later section and an error. */
  static NodeStatus busy() {
    return new NodeStatus(NODE, NETWORK, Optional.of("gateway"),
        Instant.parse("2026-01-02T03:04:05Z"), Duration.ofSeconds(3725),
        Optional.of("127.0.0.1:7400"), Optional.of("127.0.0.1:1080"),
        Optional.of("127.0.0.1:5353"), Optional.of(PARENT),
        List.of(
            new NodeStatus.LinkStatus(PARENT, Direction.PARENT, true,
                Optional.of("root.lan:7400"), OptionalLong.of(1234), OptionalLong.of(99)),
            new NodeStatus.LinkStatus(CHILD, Direction.CHILD, true, Optional.empty(),
                OptionalLong.empty(), OptionalLong.empty())),
        new NodeStatus.Routes(3, List.of(NODE, PARENT, CHILD)),
        new NodeStatus.RelayStats(10, 2, 3, 1, 0, 5, 1,
            Map.of(RelayCounters.Drop.NO_ROUTE, 4L, RelayCounters.Drop.TTL_EXPIRED, 1L),
            Map.of(io.staex.routing.RoutingCounters.Drop.STATE_UNTRUSTED, 2L),
            new NodeStatus.RoutingMessages(40, 30, 7)),
        List.of(new NodeStatus.SessionStatus(CHILD, true, 1, 100, 200)),
        List.of(new NodeStatus.StreamStatus(CHILD, 554, true, "open", 100, 200, 61_000, 3_000)),
        List.of(new NodeStatus.ForwardStatus("127.0.0.1:9080", CHILD.hostName() + ":8080",
            "config", "listening")),
        List.of(new NodeStatus.ServiceStatus(8080, "127.0.0.1:8000", List.of())),
        List.of(new NodeStatus.ErrorEvent(Instant.parse("2026-01-02T03:04:00Z"), "WARN",
            "forward file ignored: \"x.conf\":1: tab\there \\ back")),
        new NodeStatus.DatagramStats(50, 40, 7, 2, 1), new NodeStatus.NameStats(3, 2, 5, 9),
        new NodeStatus.HelloStats(12, 40, 30, 11, 2, 6, 1, 0),
        new NodeStatus.AcceptStats(4, 11, 12, 13, 14, 15, 16, 17, 3),
        new NodeStatus.SessionStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
            17, 18, 19, 20, 21, 22, 23, 24),
        new NodeStatus.TrustStats(2, 3, 1, 0, 1, 0, 2, 0, 1, 1),
        new NodeStatus.OwnCertificate(Instant.parse("2026-01-12T03:04:05Z"),
            Optional.of("certificate of this node expires in 10 days")),
        new NodeStatus.StreamStats(5, 6, 1, 2, 16384, 100, 7, 1, 4, 3),
        List.of(new NodeStatus.TableSize("links", 2, 1025),
            new NodeStatus.TableSize("sessions", 1, 4096),
            new NodeStatus.TableSize("lookups", 0, 1024)), NodeStatus.Reloads.NONE, NodeStatus.ExitStats.NONE,
        NodeStatus.UdpStats.NONE,
        new NodeStatus.HttpProxyStats(Optional.of("127.0.0.1:3128"),
            new io.staex.proxy.httpproxy.HttpProxyCounters(20, 1, 19, 4, 9, 2, 1, 2, 1, 1, 0, 0)));
  }

  /**
   * A node whose parent is down (refused: connection refused, next dial in 20 s) and whose
   * child link is up with bytes, an age and the child's certificate's end.
   */
  static NodeStatus parentDown() {
    NodeStatus b = busy();
    Instant now = b.time();
    return new NodeStatus(b.address(), b.network(), b.name(), now, b.uptime(), b.listen(),
        b.socks(), b.dns(), Optional.empty(),
        List.of(
            new NodeStatus.LinkStatus(PARENT, Direction.PARENT, false,
                Optional.of("10.1.2.3:7400"), OptionalLong.empty(), OptionalLong.empty(),
                Optional.empty(), Optional.empty(),
                new NodeStatus.DialStatus(Optional.of(now.minusSeconds(5)),
                    Optional.of("connection refused"), Optional.of(now.minusSeconds(4)),
                    Optional.of(now.plusSeconds(20)))),
            new NodeStatus.LinkStatus(CHILD, Direction.CHILD, true, Optional.empty(),
                OptionalLong.of(5000), OptionalLong.of(7000), Optional.of(now.minusSeconds(90)),
                Optional.of(Instant.parse("2027-01-01T00:00:00Z")), NodeStatus.DialStatus.NONE)),
        b.routes(), b.relay(), b.sessions(), b.streams(), b.forwards(), b.services(),
        b.lastErrors(), b.datagrams(), b.names(), b.hellos(), b.accepts(), b.sessionStats(),
        b.trust(), new NodeStatus.OwnCertificate(now.plusSeconds(86_400L * 400), Optional.empty()),
        b.streamStats(), b.tables(), b.reloads(), b.exit(), b.udp(), b.httpProxy());
  }

  /** A root that just started: nothing but itself. */
  static NodeStatus idle() {
    return new NodeStatus(NODE, NETWORK, Optional.empty(), Instant.parse("2026-01-02T03:04:05Z"),
        Duration.ofSeconds(5), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), List.of(),
        new NodeStatus.Routes(1, List.of(NODE)), NodeStatus.RelayStats.of(new RelayCounters(), new io.staex.routing.RoutingCounters()),
        List.of(), List.of(), List.of(), List.of(), List.of(),
        new NodeStatus.DatagramStats(0, 0, 0, 0, 0), new NodeStatus.NameStats(0, 0, 0, 0),
        new NodeStatus.HelloStats(0, 0, 0, 0, 0, 0, 0, 0),
        new NodeStatus.AcceptStats(0, 0, 0, 0, 0, 0, 0, 0, 0),
        new NodeStatus.SessionStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0),
        new NodeStatus.TrustStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        new NodeStatus.OwnCertificate(Instant.parse("2027-01-02T03:04:05Z"), Optional.empty()),
        new NodeStatus.StreamStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        List.of(new NodeStatus.TableSize("routes", 1, 1_000_000)), NodeStatus.Reloads.NONE, NodeStatus.ExitStats.NONE,
        NodeStatus.UdpStats.NONE, NodeStatus.HttpProxyStats.NONE);
  }
}
