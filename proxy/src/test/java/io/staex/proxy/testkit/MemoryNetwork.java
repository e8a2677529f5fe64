package io.staex.proxy.testkit;

import io.staex.crypto.Address;
import io.staex.crypto.Identity;
import io.staex.proxy.TestSettings;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.relay.RelayCounters;
import io.staex.proxy.relay.RelayHandler;
import io.staex.proxy.relay.RelaySettings;
import io.staex.proxy.relay.internal.RelayEngine;
import io.staex.proxy.session.Session;
import io.staex.proxy.session.SessionEnd;
import io.staex.proxy.session.SessionListener;
import io.staex.proxy.session.SessionSettings;
import io.staex.proxy.session.Sessions;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.stream.StreamWire;
import io.staex.routing.RoutingNode;
import io.staex.testing.ManualClock;
import io.staex.testing.fixtures.Member;
import io.staex.testing.fixtures.TestNetwork;
import io.staex.testing.fixtures.Validity;
import io.staex.testing.Seeded;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A network of relays in one thread: each node a {@link RelayEngine} (and, if asked, a {@link
 * Sessions} layer on top), joined by {@link MemoryLink}s, all on one {@link ManualClock}'s loop.
 * Nothing happens until the test lets the loop run: {@link #settle()} delivers what is in flight
 * and what that causes, taking no time; {@link #advance} moves the clock, running each timer
 * (routing refresh, withdrawal grace, hold-down, lookup and session timeouts) at its own time.
 *
 * <pre>{@code
 * MemoryNetwork net = new MemoryNetwork();              // clock at Validity.T0
 * Node root = net.node(20);
 * Node relay = net.node(21, root);                      // parents, in priority order
 * Node leaf = net.node(22, relay, root);                // a second parent: a cross link
 * net.link(relay, root); net.link(leaf, relay); net.link(leaf, root);
 * net.settle();                                          // routing converged
 * leaf.send(root, bytes); net.settle();
 * root.packets().poll();                                 // what root's handler heard
 * net.link(leaf, relay).fail("keepalive timeout");       // and failures
 * }</pre>
 *
 * Nodes are members of {@code TestNetwork.seeded(1)} with certificates valid for a year from
 * {@link Validity#T0}. Links have the relay settings' water marks. Close with {@link #close()}.
 */
public final class MemoryNetwork implements AutoCloseable {
  private final ManualClock clock;
  private final TestNetwork network = TestNetwork.seeded(1);
  private final RelaySettings settings;
  private final List<Node> nodes = new ArrayList<>();
  /** Links by the two addresses they join, smaller first. */
  private final Map<List<Address>, MemoryLink.Pair> links = new HashMap<>();

  /** A network on a new clock at {@link Validity#T0}, relays with {@link TestSettings#relay()}. */
  public MemoryNetwork() {
    this(new ManualClock(Validity.T0), TestSettings.relay());
  }

  public MemoryNetwork(ManualClock clock, RelaySettings settings) {
    this.clock = clock;
    this.settings = settings;
  }

  public ManualClock clock() {
    return clock;
  }

  /** The network key the nodes are certified by. */
  public TestNetwork network() {
    return network;
  }

  /** A node without a certified name; see {@link #node(long, Optional, Node...)}. */
  public Node node(long seed, Node... parents) {
    return node(seed, Optional.empty(), parents);
  }

  /**
   * A started relay for the member made from {@code seed}, with {@code parents} in priority
   * order (the first one up is active). It has no links yet: {@link #link} them.
   */
  public Node node(long seed, Optional<String> name, Node... parents) {
    List<Address> parentAddresses = new ArrayList<>();
    for (Node p : parents) {
      parentAddresses.add(p.address());
    }
    return node(seed, name, parentAddresses);
  }

  /**
   * As {@link #node(long, Optional, Node...)}, with parents that may not exist yet (a loop of
   * parents): their {@link #address(long) addresses}.
   */
  public Node node(long seed, Optional<String> name, List<Address> parents) {
    return node(seed, name, Validity.fixed(), parents);
  }

  /** As {@link #node(long, Optional, List)}, with a certificate valid for {@code validity}. */
  public Node node(long seed, Optional<String> name, Validity validity, List<Address> parents) {
    SecureRandom random = Seeded.random(seed);
    Identity me = Identity.generate(random);
    Member member = new Member(me, network.certify(me.address()).name(name).random(random)
        .validity(validity).issue(), network.policy(), random);
    RoutingNode routing = new RoutingNode(member.identity(), member.certificate(),
        parents, List.of(), member.policy(), settings.routing(), clock.instant());
    Node node = new Node(member);
    node.engine = new RelayEngine(clock.loop(), routing, clock, settings, node.handler,
        node.counters);
    node.engine.start();
    nodes.add(node);
    return node;
  }

  /** The address of the node {@link #node} makes from {@code seed}. */
  public static Address address(long seed) {
    return Identity.generate(Seeded.random(seed)).address();
  }

  /**
   * The link between {@code a} and {@code b}: brought up (both hear {@code linkUp} at the next
   * {@link #settle}) if there is none or the last one went down, else the one that is up.
   */
  public MemoryLink.Pair link(Node a, Node b) {
    List<Address> key = key(a, b);
    MemoryLink.Pair pair = links.get(key);
    if (pair == null || !pair.a().isActive()) {
      pair = MemoryLink.connect(clock.loop(), a.side(), b.side(),
          settings.link().writeBufferLowWaterMark(), settings.link().writeBufferHighWaterMark());
      links.put(key, pair);
    }
    return pair;
  }

  /** The last link made between {@code a} and {@code b}, up or down. */
  private MemoryLink.Pair lastLink(Node a, Node b) {
    MemoryLink.Pair pair = links.get(key(a, b));
    if (pair == null) {
      throw new IllegalStateException("no link between " + a + " and " + b);
    }
    return pair;
  }

  private static List<Address> key(Node a, Node b) {
    return a.address().compareTo(b.address()) < 0
        ? List.of(a.address(), b.address()) : List.of(b.address(), a.address());
  }

  /** Runs what is in flight and what it causes, until nothing is left; no time passes. */
  public void settle() {
    clock.runTasks();
  }

  /** Moves the clock by {@code d}, running every timer due on the way at its own time. */
  public void advance(Duration d) {
    clock.advance(d);
  }

  /** The clock's instant. */
  public Instant now() {
    return clock.instant();
  }

  /** Closes every node's sessions and relay. */
  @Override
  public void close() {
    for (Node n : nodes) {
      if (n.sessions != null) {
        n.sessions.close();
      }
      n.engine.close();
    }
    settle();
  }

  /** A packet a node's handler heard. */
  public record Delivery(NodeKey source, FrameBytes payload) {}

  /** A failed send a node's handler heard (from its own relay or a notice from the network). */
  public record Notice(NodeKey destination, UnreachableReason reason) {}

  /** One node: its relay, and what its handlers heard (oldest first). */
  public final class Node {
    private final Member member;
    private final RelayCounters counters = new RelayCounters();
    private final Deque<Delivery> packets = new ArrayDeque<>();
    private final Deque<Notice> notices = new ArrayDeque<>();
    private final Deque<Session> established = new ArrayDeque<>();
    private final Deque<List<StreamFrame>> frames = new ArrayDeque<>();
    private final Deque<SessionEnd> closed = new ArrayDeque<>();
    private RelayEngine engine;
    private Sessions sessions;
    /** Records what the relay reports, then hands it to the sessions, if there are any. */
    private final RelayHandler handler = new RelayHandler() {
      @Override
      public void packet(NodeKey source, FrameBytes payload) {
        packet(source, payload, -1);
      }

      @Override
      public void packet(NodeKey source, FrameBytes payload, int ttl) {
        packets.add(new Delivery(source, payload));
        if (sessions != null) {
          sessions.packet(source, payload, ttl);
        }
      }

      @Override
      public void unreachable(NodeKey destination, UnreachableReason reason) {
        notices.add(new Notice(destination, reason));
        if (sessions != null) {
          sessions.unreachable(destination, reason);
        }
      }

      @Override
      public void unreachableNotice(
          NodeKey destination, UnreachableReason reason, FrameBytes quote) {
        notices.add(new Notice(destination, reason));
        if (sessions != null) {
          sessions.unreachableNotice(destination, reason, quote);
        }
      }

      @Override
      public void sendPaused() {
        if (sessions != null) {
          sessions.sendPaused();
        }
      }

      @Override
      public void sendResumed() {
        if (sessions != null) {
          sessions.sendResumed();
        }
      }
    };

    private Node(Member member) {
      this.member = member;
    }

    public Member member() {
      return member;
    }

    public Address address() {
      return member.address();
    }

    public NodeKey key() {
      return NodeKey.of(address());
    }

    public RelayEngine engine() {
      return engine;
    }

    /** The routing node: read it between steps (the test's thread is the loop's). */
    public RoutingNode routing() {
      return engine.node();
    }

    public RelayCounters counters() {
      return counters;
    }

    /** Packets for this node, by the relay (sessions' packets included). */
    public Deque<Delivery> packets() {
      return packets;
    }

    /** Sends this node's relay reported as not arrived. */
    public Deque<Notice> notices() {
      return notices;
    }

    /** Sends {@code payload} from this node to {@code to}, as the session layer would. */
    public void send(Node to, FrameBytes payload) {
      engine.send(to.key(), payload);
    }

    /** This node's end of the last link made to {@code peer} (up or down); there must be one. */
    public MemoryLink end(Node peer) {
      return lastLink(this, peer).endOf(address());
    }

    /**
     * Puts a session layer on this node's relay (same loop, same clock); its listener's events
     * go to {@link #established()}, {@link #frames()}, {@link #closed()}.
     */
    public Sessions withSessions(SessionSettings sessionSettings) {
      sessions = new Sessions(clock.loop(), member.identity(), member.certificate(),
          member.policy(), sessionSettings, clock, member.random(), new SessionListener() {
            @Override
            public void established(Session s) {
              established.add(s);
            }

            @Override
            public void received(Session s, FrameBytes plaintext) {
              frames.add(PlainFrames.read(plaintext));
            }

            @Override
            public void closed(Session s, SessionEnd why) {
              closed.add(why);
            }

            @Override
            public void sendPaused() {}

            @Override
            public void sendResumed() {}
          });
      sessions.start(engine::send);
      return sessions;
    }

    public Sessions sessions() {
      return sessions;
    }

    public Deque<Session> established() {
      return established;
    }

    public Deque<List<StreamFrame>> frames() {
      return frames;
    }

    public Deque<SessionEnd> closed() {
      return closed;
    }

    MemoryLink.Side side() {
      return new MemoryLink.Side(address(), member.certificate(), engine);
    }

    @Override
    public String toString() {
      return "node " + address();
    }
  }
}
