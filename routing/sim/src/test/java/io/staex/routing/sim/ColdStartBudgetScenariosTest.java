package io.staex.routing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.routing.RoutingBudget;
import io.staex.routing.RoutingCounters;
import io.staex.routing.RoutingCounters.Drop;
import io.staex.routing.RoutingSettings;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's cold-start regression, scaled down. At 100 000 nodes (fan-out 10) each of the
 * root's links carried a 10 000-node subtree: at a cold start its child passed up about one
 * message per state that changed below it, some 12 000 within 0.2 s of virtual time, three times
 * the neighbour's message burst (4 000), and more states than its signature-check burst. The
 * root dropped them as a flood ({@code MESSAGE_BUDGET}, {@code SIGNATURE_BUDGET}), nothing sent
 * them again before the refresh 5 minutes later, and its view held 34 719 of the 100 000 states.
 * Here the same shape at 1 111 nodes, with the budgets scaled down to fit below the root's
 * 111-node subtrees in the same proportion: an honest node keeps to its neighbour's budget
 * (RoutingNode's pacing, docs/routing.md "Budgets"), so nothing is dropped and every state
 * reaches the root.
 */
class ColdStartBudgetScenariosTest {
  @Test
  void coldStart_subtreesBeyondTheBursts_everyStateReachesTheRoot_withoutABudgetDrop() {
    // 40 messages and 60 checks at once per link, as the defaults are to a 10 000-node subtree
    // (4 000 and 12 000) a little less than they were to the 100 000-node run's root links.
    RoutingBudget small = new RoutingBudget(200, 40, 50, 60);
    // The verification memo saves time only: budgets are spent before a state is verified.
    SimNetwork net = new SimNetwork(SimConfig.defaults(1, RoutingSettings.defaults()
        .withBudget(small)).withSharedVerifications(true));
    List<SimNode> nodes = Topologies.tree(net, 1111, 10, 0.10, new Random(1), List.of(80));
    net.startAll();
    Convergence cold = Sims.converge(net);

    long messageDrops = 0;
    long checkDrops = 0;
    long paced = 0;
    for (SimNode n : nodes) {
      RoutingCounters c = n.routing().counters();
      messageDrops += c.dropped(Drop.MESSAGE_BUDGET);
      checkDrops += c.dropped(Drop.SIGNATURE_BUDGET);
      paced += c.messagesPaced();
    }
    assertThat(messageDrops).as("messages dropped as a flood (%s)", cold).isZero();
    assertThat(checkDrops).as("states dropped unchecked (%s)", cold).isZero();
    SimNode root = nodes.get(0);
    assertThat(root.routing().view()).as("the root's view").hasSize(nodes.size());
    Sims.assertInvariants(net);
    assertThat(paced).as("messages held back for a neighbour's budget: the budgets bound")
        .isPositive();
  }
}
