package io.staex.routing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopologiesTest {

  @Test
  void chain_eachNodeHasThePreviousAsOnlyParent() {
    SimNetwork net = Sims.network(1);

    List<SimNode> c = Topologies.chain(net, 6);

    assertThat(c).extracting(SimNode::label).containsExactly("c0", "c1", "c2", "c3", "c4", "c5");
    assertThat(c.get(0).parents()).isEmpty();
    for (int i = 1; i < 6; i++) {
      assertThat(c.get(i).parents()).containsExactly(c.get(i - 1));
    }
    assertThat(net.links()).hasSize(5);
  }

  @Test
  void fullTree_fanOut3Depth3_has40NodesLabelledByPath() {
    SimNetwork net = Sims.network(1);

    List<SimNode> t = Topologies.tree(net, 3, 3);

    assertThat(t).hasSize(1 + 3 + 9 + 27);
    assertThat(Sims.node(t, "r212").parents()).extracting(SimNode::label).containsExactly("r21");
    assertThat(Sims.node(t, "r2").children()).extracting(SimNode::label)
        .containsExactly("r20", "r21", "r22");
    assertThat(t.stream().filter(n -> n.parents().size() > 1)).isEmpty();
  }

  @Test
  void crossLinks_secondParentOnTheSameLevelInAnotherBranch() {
    SimNetwork net = Sims.network(1);

    List<SimNode> t = Topologies.tree(net, 40, 3, 0.5, new Random(7), List.of());

    List<SimNode> crossed = t.stream().filter(n -> n.parents().size() > 1).toList();
    assertThat(crossed).isNotEmpty();
    for (SimNode n : crossed) {
      SimNode first = n.parents().get(0);
      SimNode second = n.parents().get(1);
      assertThat(second.label()).as(n.label()).hasSameSizeAs(first.label());
      assertThat(second.label().charAt(1)).as(n.label()).isNotEqualTo(first.label().charAt(1));
    }
  }

  @Test
  void sameSeed_sameKeys_otherSeed_otherKeys() {
    List<SimNode> a = Topologies.chain(Sims.network(5), 3);
    List<SimNode> b = Topologies.chain(Sims.network(5), 3);
    List<SimNode> c = Topologies.chain(Sims.network(6), 3);

    assertThat(a).extracting(SimNode::address).isEqualTo(b.stream().map(SimNode::address).toList());
    assertThat(a.get(0).address()).isNotEqualTo(c.get(0).address());
  }
}
