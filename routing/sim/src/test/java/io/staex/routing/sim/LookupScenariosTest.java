package io.staex.routing.sim;

import static io.staex.routing.sim.Sims.assertInvariants;
import static io.staex.routing.sim.Sims.converge;
import static io.staex.routing.sim.Sims.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.routing.NodeState;
import io.staex.routing.RoutingDecodeException;
import io.staex.routing.RoutingEvent.LookupFailed;
import io.staex.routing.RoutingEvent.LookupResolved;
import io.staex.routing.RoutingMessage.LookupReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Name lookup across the tree: the asker sits at a leaf of branch 0, the name at a leaf of
 * branch 2, so the request climbs to the root and the reply comes back down by source route
 * through r0, the asker's parent. r0 is also where a lying relay alters the reply.
 */
class LookupScenariosTest {
  private SimNetwork net;
  private List<SimNode> t;
  private SimNode asker;
  private SimNode camera;

  /** The 3x2 tree; r22 is certified as "camera1". */
  private void build(long seed) {
    net = Sims.network(seed);
    t = new ArrayList<>();
    SimNode r = net.addNode("r", List.of());
    t.add(r);
    for (int i = 0; i < 3; i++) {
      SimNode mid = net.addNode("r" + i, List.of(r));
      t.add(mid);
      for (int j = 0; j < 3; j++) {
        String label = "r" + i + j;
        Optional<String> name = label.equals("r22") ? Optional.of("camera1") : Optional.empty();
        t.add(net.addNode(label, List.of(mid), name, List.of(554)));
      }
    }
    net.startAll();
    converge(net);
    asker = node(t, "r00");
    camera = node(t, "r22");
  }

  @Test
  void nameAtALeafOfAnotherBranch_foundThroughTheRoot_verifiedByTheAsker() {
    build(31);

    long id = net.lookup(asker, "camera1");
    converge(net);

    List<LookupResolved> resolved = asker.events(LookupResolved.class);
    assertThat(resolved).hasSize(1);
    assertThat(resolved.get(0).id()).isEqualTo(id);
    NodeState s = resolved.get(0).state();
    assertThat(s.address()).isEqualTo(camera.address());
    assertThat(s.name()).contains("camera1");
    assertThat(s.services()).containsExactly(554);
    assertThat(s.verify(net.policy(), net.now()).isAccepted()).isTrue();
    assertThat(asker.events(LookupFailed.class)).isEmpty();
    assertInvariants(net);
  }

  @Test
  void missingName_rootAnswersMiss_askerGetsLookupFailed() {
    build(32);

    long id = net.lookup(asker, "nothere");
    converge(net);

    assertThat(asker.events(LookupResolved.class)).isEmpty();
    assertThat(asker.events(LookupFailed.class)).extracting(LookupFailed::id).containsExactly(id);
    assertThat(net.traffic().messagesByType()).containsKey("LookupMiss");
  }

  @Test
  void lyingRelay_flipsABitOfTheState_replyDoesNotVerify() {
    lyingRelay(33, state -> {
      byte[] b = state.encode();
      int certLength = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
      b[4 + certLength + 7] ^= 1; // lowest bit of the sequence number: still decodes
      try {
        return NodeState.decode(b);
      } catch (RoutingDecodeException e) {
        throw new AssertionError("the altered state should still decode", e);
      }
    });
  }

  @Test
  void lyingRelay_answersWithAnotherNodesGenuineState_replyDoesNotVerify() {
    // r01's state is signed by r01 and certified by the network, but not for "camera1".
    lyingRelay(34, state -> node(t, "r0").routing().view().stream()
        .filter(s -> s.address().equals(node(t, "r01").address())).findFirst().orElseThrow());
  }

  @Test
  void lyingRelay_answersWithAnImpostorFromAnotherNetwork_replyDoesNotVerify() {
    // A node of a network the asker does not trust, certified as "camera1" by its own key.
    lyingRelay(35, state -> {
      SeededSecureRandom random = new SeededSecureRandom(35);
      Identity otherNetwork = Identity.generate(random);
      Identity impostor = Identity.generate(random);
      Certificate cert = Certificate.issue(otherNetwork, impostor.address(), Optional.of("camera1"),
          Set.of(), SimNetwork.EPOCH.minus(Duration.ofDays(1)),
          SimNetwork.EPOCH.plus(Duration.ofDays(365)), random);
      return NodeState.sign(impostor, cert, List.of(), Optional.empty(), List.of(554),
          state.sequence(), state.expires());
    });
  }

  /** r0 replaces the state in every LookupReply it passes to the asker by {@code lie}. */
  private void lyingRelay(long seed, UnaryOperator<NodeState> lie) {
    build(seed);
    SimNode relay = node(t, "r0");
    int[] altered = {0};
    net.intercept((from, to, m) -> {
      if (from == relay && to == asker && m instanceof LookupReply) {
        LookupReply reply = (LookupReply) m;
        altered[0]++;
        return new LookupReply(reply.id(), reply.route(), lie.apply(reply.state()));
      }
      return m;
    });

    long id = net.lookup(asker, "camera1");
    converge(net);

    assertThat(altered[0]).as("replies altered by the relay").isEqualTo(1);
    assertThat(asker.events(LookupResolved.class)).isEmpty();
    assertThat(asker.events(LookupFailed.class)).extracting(LookupFailed::id).containsExactly(id);
  }
}
