package io.staex.routing.internal;

import static io.staex.routing.internal.TestAddresses.a;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Address;
import io.staex.routing.ParentLink;
import io.staex.routing.Route;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Node 0 decides. Its active parent is 9 (a live link); its view is itself, its children 1 and
 * 2, and 1's child 3. Child 3 also names 8, a node outside 0's view, as a second parent.
 */
class RouterTest {
  private final Topology graph = new Topology(a(0));
  private final Router router = new Router(new ShortestPaths(graph));
  private final Optional<Address> parent = Optional.of(a(9));

  RouterTest() {
    graph.setLink(a(9), 1);
    graph.setParents(a(0), List.of(new ParentLink(a(9), 1)));
    graph.setParents(a(1), List.of(new ParentLink(a(0), 1)));
    graph.setParents(a(2), List.of(new ParentLink(a(0), 1)));
    graph.setParents(a(3), List.of(new ParentLink(a(1), 1), new ParentLink(a(8), 1)));
  }

  @Test
  void self_isLocal() {
    assertThat(router.route(a(0), a(0), parent, true)).isEqualTo(new Route.Local());
    assertThat(router.route(a(0), a(0), Optional.empty(), false)).isEqualTo(new Route.Local());
  }

  @Test
  void inViewAndReachable_forwardsAlongTheShortestPath() {
    Route route = router.route(a(3), a(0), parent, true);

    assertThat(route).isEqualTo(new Route.Forward(List.of(a(1), a(3))));
    assertThat(((Route.Forward) route).nextHop()).isEqualTo(a(1));
  }

  @Test
  void inViewAtARoot_stillForwards() {
    assertThat(router.route(a(2), a(0), Optional.empty(), true))
        .isEqualTo(new Route.Forward(List.of(a(2))));
  }

  @Test
  void notInView_goesUp_evenIfTheGraphCouldReachIt() {
    // 8 is a vertex (3 names it), but its subtree is not known here.
    assertThat(router.route(a(8), a(0), parent, false)).isEqualTo(new Route.Up(a(9)));
    assertThat(router.route(a(20), a(0), parent, false)).isEqualTo(new Route.Up(a(9)));
  }

  @Test
  void notInViewAtARoot_isUnreachable() {
    assertThat(router.route(a(20), a(0), Optional.empty(), false))
        .isEqualTo(new Route.Unreachable(a(20)));
  }

  @Test
  void inViewButNotYetReachable_goesUp_orIsUnreachableAtARoot() {
    // 4's state has arrived, but not yet that of its parent 5 which links it to the view.
    graph.setParents(a(4), List.of(new ParentLink(a(5), 1)));

    assertThat(router.route(a(4), a(0), parent, true)).isEqualTo(new Route.Up(a(9)));
    assertThat(router.route(a(4), a(0), Optional.empty(), true))
        .isEqualTo(new Route.Unreachable(a(4)));
  }

  @Test
  void viewChange_isSeenByTheNextDecision() {
    assertThat(router.route(a(3), a(0), parent, true))
        .isEqualTo(new Route.Forward(List.of(a(1), a(3))));

    graph.setParents(a(3), List.of(new ParentLink(a(2), 1)));

    assertThat(router.route(a(3), a(0), parent, true))
        .isEqualTo(new Route.Forward(List.of(a(2), a(3))));
  }

  @Test
  void selfOtherThanTheGraphsOwner_isRefused() {
    assertThatThrownBy(() -> router.route(a(3), a(1), parent, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: the graph's owner");
  }
}
