package io.staex.routing.sim;

import static io.staex.routing.sim.Sims.converge;
import static org.assertj.core.api.Assertions.assertThat;

import io.staex.routing.RoutingEvent.ActiveParentChanged;
import io.staex.routing.sim.SimNetwork.PacketFate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14's {@code root-kill} in the simulator, on the field testbed's own shape ({@code
 * testbed/tb.py generate(50, 14)}): a root, a standby that is a relay whose only parent is the
 * root, every child of the root with the standby as backup parent and every child of the
 * standby with the root, a few other backup parents. The root is killed (-9: its sockets close,
 * so its neighbours learn at once); packets fly between random pairs of live nodes all along
 * (one every 10 ms for 120 s), forwarded by every node's real decisions with the source check.
 *
 * <p>What it shows: the routing recovers. The nodes switch parents 3 to 12 times each (the
 * fallbacks through nodes whose ranks are stale, as the testbed's logs showed), every pair is
 * reachable again within 0.1 s (3.5 s when every link's one-way delay is 1~300 ms + 0~200 ms
 * jitter, a loaded machine), and the source check refuses no packet at any time. The 50-node
 * testbed's failure was below the routing decisions: its relays dropped routing messages with
 * packets on congested links ({@code docs/relay.md}, Backpressure), which the simulator does
 * not model.
 */
class RootKillScenariosTest {
  /** testbed/tb.py generate(50, 14): node i's parents in priority order. */
  static final int[][] TESTBED_50 = {
    {}, {0}, {0, 1}, {2, 0}, {0, 1}, {4}, {5}, {6, 3}, {3}, {4}, {4}, {4}, {11}, {1, 0}, {10, 13},
    {7}, {2}, {11}, {2}, {9}, {15, 0}, {14}, {14}, {12}, {1, 0}, {3}, {5}, {10}, {9}, {15},
    {0, 1}, {12}, {13}, {13}, {10}, {13}, {13}, {8}, {8}, {4}, {6}, {7}, {5}, {9}, {9}, {10},
    {7}, {2}, {8}, {4},
  };

  /** testbed/tb.py generate(20, 14). */
  static final int[][] TESTBED_20 = {
    {}, {0}, {0, 1}, {2, 0}, {0, 1}, {4}, {5}, {2}, {0, 1}, {5}, {3}, {5}, {6}, {1, 0}, {6}, {6},
    {1, 0}, {3}, {0, 1}, {4},
  };

  static List<SimNode> build(SimNetwork net, int[][] parents) {
    List<SimNode> out = new ArrayList<>();
    for (int i = 0; i < parents.length; i++) {
      List<SimNode> ps = new ArrayList<>();
      for (int p : parents[i]) {
        ps.add(out.get(p));
      }
      out.add(net.addNode("node" + i, ps));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {20, 50})
  void rootKilled_standbyTakesOver_everyPairBackWithinThreePeriods_noLegitimatePacketRefused(int size) {
    run(size, 14, false);
  }

  /** The same on a loaded machine: every link with its own slow, jittery delay. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void rootKilled_slowJitteryLinks_sameOutcome(long seed) {
    run(50, seed, true);
  }

  private void run(int size, long seed, boolean busy) {
    SimNetwork net = Sims.network(seed);
    List<SimNode> nodes = build(net, size == 20 ? TESTBED_20 : TESTBED_50);
    if (busy) {
      Random lat = new Random(seed);
      for (SimLink l : net.links()) {
        net.setProfile(l, LinkProfile.defaults().withLatency(
            Duration.ofMillis(1 + lat.nextInt(300)), Duration.ofMillis(lat.nextInt(200))));
      }
    }
    net.startAll();
    converge(net);
    SimNode root = nodes.get(0);

    Instant kill = net.now();
    Random random = new Random(seed);
    Map<PacketFate, Long> fates = new EnumMap<>(PacketFate.class);
    List<String> refused = new ArrayList<>();
    Instant[] lastFailure = {kill};
    long[] sent = {0};
    Duration run = Duration.ofSeconds(120);
    for (long ms = 0; ms < run.toMillis(); ms += 10) {
      net.at(kill.plusMillis(ms), () -> {
        SimNode a = nodes.get(1 + random.nextInt(nodes.size() - 1));
        SimNode b = nodes.get(1 + random.nextInt(nodes.size() - 1));
        if (a == b) {
          return;
        }
        Instant at = net.now();
        sent[0]++;
        net.sendPacket(a, a.address(), b.address(), r -> {
          fates.merge(r.fate(), 1L, Long::sum);
          if (r.fate() != PacketFate.DELIVERED && at.isAfter(lastFailure[0])) {
            lastFailure[0] = at;
          }
          if (r.fate() == PacketFate.SPOOF_DROPPED && refused.size() < 20) {
            SimNode from = r.path().get(r.path().size() - 2);
            refused.add(Duration.between(kill, at).toMillis() + " ms: " + a + " -> " + b
                + " refused at " + r.at() + " (from " + from + ", via(src) there "
                + r.at().routing().via(a.address()).map(x -> net.node(x).toString()).orElse("none")
                + ", src active " + a.activeParent().map(x -> net.node(x).toString()).orElse("none")
                + ") path " + r.path());
          }
        });
      });
    }
    net.shutdown(root);
    net.runUntil(kill.plus(run).plusSeconds(5));
    Convergence c = converge(net);

    StringBuilder switches = new StringBuilder();
    int maxSwitches = 0;
    for (SimNode n : nodes) {
      long k = n.observed().stream()
          .filter(o -> !o.at().isBefore(kill) && o.event() instanceof ActiveParentChanged).count();
      maxSwitches = (int) Math.max(maxSwitches, k);
      if (k > 1) {
        switches.append(' ').append(n.label()).append('=').append(k);
      }
    }
    int pairs = 0;
    int delivered = 0;
    List<String> undelivered = new ArrayList<>();
    for (SimNode a : nodes.subList(1, nodes.size())) {
      for (SimNode b : nodes.subList(1, nodes.size())) {
        if (a != b) {
          pairs++;
          Trace t = net.trace(a, b.address());
          if (t.delivered()) {
            delivered++;
          } else if (undelivered.size() < 10) {
            undelivered.add(t.describe(net));
          }
        }
      }
    }
    String report = "sent=" + sent[0] + " fates=" + fates + " last failure at +"
        + Duration.between(kill, lastFailure[0]).toMillis() + " ms; converged " + c
        + "; switches:" + switches + "; pairs " + delivered + "/" + pairs + " " + undelivered
        + "\n  refused: " + String.join("\n  ", refused);
    assertThat(nodes.get(1).routing().view()).as(report).hasSize(nodes.size() - 1);

    assertThat(delivered).as(report).isEqualTo(pairs);
    assertThat(fates.getOrDefault(PacketFate.SPOOF_DROPPED, 0L)).as(report).isZero();
    assertThat(Duration.between(kill, lastFailure[0]))
        .as(report).isLessThan(net.settings().keepaliveInterval().multipliedBy(3));
  }
}
