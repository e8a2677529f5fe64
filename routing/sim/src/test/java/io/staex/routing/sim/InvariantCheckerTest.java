package io.staex.routing.sim;

import static io.staex.routing.sim.Sims.converge;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checker must be able to fail: each test breaks the real world behind the routing code's
 * back (so the routing code cannot have noticed yet) and expects the matching violation.
 */
class InvariantCheckerTest {

  @Test
  void convergedChain_noViolations() {
    SimNetwork net = Sims.network(41);
    Topologies.chain(net, 4);
    net.startAll();
    converge(net);

    InvariantChecker.Report r = new InvariantChecker(net).check();

    assertThat(r.violations()).isEmpty();
    assertThat(r.pairs()).isEqualTo(16);
    assertThat(r.delivered()).isEqualTo(16);
    assertThat(r.rootsChecked()).isEqualTo(1);
  }

  @Test
  void linkCutJustNow_deliveryAndParentChoiceViolations() {
    // c2's link to c1 is cut, and nobody has noticed yet: frames across it die on a dead link,
    // and c2 still calls c1 its active parent although the link does not work.
    SimNetwork net = Sims.network(42);
    List<SimNode> c = Topologies.chain(net, 4);
    net.startAll();
    converge(net);

    net.cut(net.link(c.get(2), c.get(1)));
    InvariantChecker.Report r = new InvariantChecker(net).check();

    assertThat(r.ok()).isFalse();
    assertThat(r.violations()).anyMatch(v -> v.startsWith("delivery: c0 -> c3: DEAD_LINK"));
    assertThat(r.violations()).anyMatch(v -> v.startsWith("parent choice: c2"));
  }

  @Test
  void nodeCrashedJustNow_rootViewStillHoldsIt() {
    SimNetwork net = Sims.network(43);
    List<SimNode> c = Topologies.chain(net, 4);
    net.startAll();
    converge(net);

    net.kill(c.get(3));
    InvariantChecker.Report r = new InvariantChecker(net).check();

    assertThat(r.violations()).anyMatch(v -> v.startsWith("root view: c0") && v.contains("extra c3"));
    assertThat(r.violations()).anyMatch(v -> v.startsWith("delivery: c0 -> c3"));
  }

  @Test
  void linkGotExpensiveJustNow_chosenPathNoLongerShortest() {
    // Diamond r <- {a, b} <- c. The root's path to c uses one of a, b; that link's cost goes
    // up to 9 in the real world only, so the chosen path is no longer the shortest.
    SimNetwork net = Sims.network(44);
    SimNode r = net.addNode("r", List.of());
    SimNode a = net.addNode("a", List.of(r));
    SimNode b = net.addNode("b", List.of(r));
    SimNode c = net.addNode("c", List.of(a, b));
    net.startAll();
    converge(net);
    Trace before = net.trace(r, c.address());
    SimNode via = net.node(before.forwardPath().get(0));

    net.setProfile(net.link(c, via), LinkProfile.defaults().withCost(9));
    InvariantChecker.Report r2 = new InvariantChecker(net).check();

    assertThat(r2.violations()).anyMatch(v -> v.startsWith("shortest: r -> c") && v.contains("costs 10"));
  }
}
