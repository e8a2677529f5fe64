package io.staex.routing.internal;

import static io.staex.routing.internal.TestAddresses.a;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.routing.ParentLink;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TopologyTest {
  private final Topology graph = new Topology(a(0));

  private static ParentLink parent(int node, int cost) {
    return new ParentLink(a(node), cost);
  }

  @Test
  void newTopology_holdsOnlyTheOwnerAtIndexZero() {
    assertThat(graph.owner()).isEqualTo(a(0));
    assertThat(graph.size()).isEqualTo(1);
    assertThat(graph.indexOf(a(0))).isZero();
    assertThat(graph.version()).isZero();
  }

  @Test
  void childDeclaresParent_edgeCarriesBothWays() {
    graph.setParents(a(2), List.of(parent(1, 3)));

    assertThat(graph.cost(a(2), a(1))).hasValue(3);
    assertThat(graph.cost(a(1), a(2))).hasValue(3);
    assertThat(graph.contains(a(1))).as("a parent named only by its child is a vertex").isTrue();
    assertThat(graph.size()).isEqualTo(3);
  }

  @Test
  void edgeDeclaredBySecondEnd_survivesWhenFirstEndStopsDeclaringIt() {
    // 1 names 2 as a parent and, in a cycle, 2 names 1: one edge, declared from both sides.
    graph.setParents(a(1), List.of(parent(2, 5)));
    graph.setParents(a(2), List.of(parent(1, 5)));

    graph.setParents(a(1), List.of());

    assertThat(graph.cost(a(1), a(2))).hasValue(5);
  }

  @Test
  void bothEndsDeclareDifferentCosts_leastCostWins_untilItsDeclarationGoes() {
    graph.setParents(a(1), List.of(parent(2, 7)));
    graph.setParents(a(2), List.of(parent(1, 4)));
    assertThat(graph.cost(a(1), a(2))).hasValue(4);

    graph.remove(a(2));

    assertThat(graph.cost(a(1), a(2))).as("back to the other end's cost").hasValue(7);
    assertThat(graph.contains(a(2))).as("still named by 1's state").isTrue();
  }

  @Test
  void ownerLinkAndStateDeclaration_leastCostWins() {
    graph.setParents(a(0), List.of(parent(1, 9))); // the owner's own state
    graph.setLink(a(1), 2); // the live link measures better

    assertThat(graph.cost(a(0), a(1))).hasValue(2);

    graph.removeLink(a(1));
    assertThat(graph.cost(a(0), a(1))).hasValue(9);
    graph.remove(a(0));
    assertThat(graph.cost(a(0), a(1))).isEmpty();
    assertThat(graph.contains(a(1))).isFalse();
    assertThat(graph.contains(a(0))).as("the owner stays").isTrue();
  }

  @Test
  void linksOnlyAtOwner_aStateNamingTheOwnerMakesNoEdgeWithoutTheLink() {
    Topology node = new Topology(a(0), true);
    node.setParents(a(1), List.of(parent(0, 1), parent(2, 1))); // a child's state names us
    node.setLink(a(1), 1);
    assertThat(node.cost(a(0), a(1))).hasValue(1);

    node.removeLink(a(1)); // its link went down; its state lingers for the withdraw grace
    assertThat(node.cost(a(0), a(1))).isEmpty();
    assertThat(node.cost(a(1), a(2))).as("edges away from the owner stay").hasValue(1);

    node.setLink(a(1), 3);
    assertThat(node.cost(a(0), a(1))).hasValue(1);
  }

  @Test
  void linksOnlyAtOwner_aParentNamedOnlyByTheOwnersStateOutlivesItsLink() {
    // The owner's state names parent 1, whose link goes down before the owner re-signs: vertex
    // 1 has no edge left but is still named, so its index must not be freed and reused (the
    // simulator's source-check run crashed on a reused index before).
    Topology node = new Topology(a(0), true);
    node.setLink(a(1), 1);
    node.setParents(a(0), List.of(parent(1, 1)));
    node.removeLink(a(1));
    assertThat(node.contains(a(1))).isTrue();
    node.setParents(a(2), List.of(parent(3, 1))); // new vertices: must not take 1's index
    node.setParents(a(0), List.of());
    assertThat(node.contains(a(1))).isFalse();
    node.setParents(a(4), List.of(parent(2, 1), parent(3, 1)));
    assertThat(node.cost(a(4), a(2))).hasValue(1);
    assertThat(node.cost(a(2), a(3))).hasValue(1);
  }

  @Test
  void replacingParents_removesExactlyTheEdgesNoLongerDeclared() {
    graph.setParents(a(3), List.of(parent(1, 1), parent(2, 1)));
    graph.setParents(a(4), List.of(parent(2, 1)));

    graph.setParents(a(3), List.of(parent(2, 6), parent(5, 1)));

    assertThat(graph.cost(a(3), a(1))).isEmpty();
    assertThat(graph.contains(a(1))).as("no longer named by anyone").isFalse();
    assertThat(graph.cost(a(3), a(2))).hasValue(6);
    assertThat(graph.cost(a(3), a(5))).hasValue(1);
    assertThat(graph.cost(a(4), a(2))).as("another node's edge").hasValue(1);
  }

  @Test
  void remove_dropsDeclaredEdgesAndVerticesNothingElseNames() {
    graph.setParents(a(1), List.of(parent(0, 1)));
    graph.setParents(a(2), List.of(parent(1, 1), parent(3, 1)));
    graph.setParents(a(4), List.of(parent(3, 1)));

    assertThat(graph.remove(a(2))).isTrue();

    assertThat(graph.contains(a(2))).isFalse();
    assertThat(graph.cost(a(1), a(2))).isEmpty();
    assertThat(graph.contains(a(1))).as("has its own state").isTrue();
    assertThat(graph.contains(a(3))).as("still named by 4").isTrue();
    assertThat(graph.size()).isEqualTo(4);
  }

  @Test
  void removeNodeNamedByOthers_keepsVertexAndTheirEdges() {
    graph.setParents(a(1), List.of(parent(2, 1)));
    graph.setParents(a(2), List.of(parent(0, 1)));

    graph.remove(a(2));

    assertThat(graph.contains(a(2))).isTrue();
    assertThat(graph.cost(a(1), a(2))).hasValue(1);
    assertThat(graph.cost(a(2), a(0))).isEmpty();
  }

  @Test
  void nodeWithStateButNoParents_isAVertexUntilRemoved() {
    assertThat(graph.setParents(a(1), List.of())).isTrue();
    assertThat(graph.contains(a(1))).isTrue();

    assertThat(graph.remove(a(1))).isTrue();
    assertThat(graph.contains(a(1))).isFalse();
  }

  @Test
  void removeUnknownOrStatelessNode_changesNothing() {
    graph.setParents(a(1), List.of(parent(2, 1)));
    long version = graph.version();

    assertThat(graph.remove(a(9))).isFalse();
    assertThat(graph.remove(a(2))).as("named, but has no state").isFalse();
    assertThat(graph.removeLink(a(1))).isFalse();
    assertThat(graph.version()).isEqualTo(version);
  }

  @Test
  void freedIndex_isReusedByTheNextNewVertex() {
    graph.setParents(a(1), List.of(parent(0, 1)));
    graph.setParents(a(2), List.of(parent(0, 1)));
    graph.setParents(a(3), List.of(parent(0, 1)));
    int freed = graph.indexOf(a(2));
    int bound = graph.indexBound();

    graph.remove(a(2));
    assertThat(graph.indexOf(a(2))).isEqualTo(-1);
    assertThat(graph.addressAt(freed)).isNull();
    graph.setParents(a(4), List.of(parent(0, 1)));

    assertThat(graph.indexOf(a(4))).isEqualTo(freed);
    assertThat(graph.indexBound()).isEqualTo(bound);
    assertThat(graph.addressAt(freed)).isEqualTo(a(4));
    assertThat(graph.degree(freed)).isEqualTo(1);
  }

  @Test
  void manyVertices_arraysGrow() {
    for (int i = 1; i < TestAddresses.COUNT; i++) {
      graph.setParents(a(i), List.of(parent(i - 1, 1)));
    }

    assertThat(graph.size()).isEqualTo(TestAddresses.COUNT);
    assertThat(graph.indexBound()).isEqualTo(TestAddresses.COUNT);
    assertThat(graph.degree(graph.indexOf(a(5)))).isEqualTo(2);
  }

  @Test
  void version_bumpsOncePerRealChange_andNotForDeclarationsThatChangeNothing() {
    assertThat(graph.setParents(a(1), List.of(parent(0, 4)))).isTrue();
    assertThat(graph.version()).isEqualTo(1);

    // The same declaration again.
    assertThat(graph.setParents(a(1), List.of(parent(0, 4)))).isFalse();
    // A live link cheaper than the declaration: the effective cost changes.
    assertThat(graph.setLink(a(1), 2)).isTrue();
    assertThat(graph.version()).isEqualTo(2);
    // The state's cost changes, but the link still wins.
    assertThat(graph.setParents(a(1), List.of(parent(0, 3)))).isFalse();
    assertThat(graph.setLink(a(1), 2)).isFalse();
    assertThat(graph.version()).isEqualTo(2);

    assertThat(graph.removeLink(a(1))).isTrue();
    assertThat(graph.cost(a(0), a(1))).hasValue(3);
    assertThat(graph.version()).isEqualTo(3);
  }

  @Test
  void linkToNewNeighbour_addsVertex_andItsRemovalFreesIt() {
    assertThat(graph.setLink(a(7), 1)).isTrue();
    assertThat(graph.contains(a(7))).isTrue();

    assertThat(graph.removeLink(a(7))).isTrue();
    assertThat(graph.contains(a(7))).isFalse();
    assertThat(graph.version()).isEqualTo(2);
  }

  @Test
  void costOfUnknownVertices_isEmpty() {
    assertThat(graph.cost(a(1), a(2))).isEqualTo(OptionalInt.empty());
    assertThat(graph.indexOf(a(1))).isEqualTo(-1);
  }

  @Test
  void badDeclarations_areRefused() {
    assertThatThrownBy(() -> graph.setParents(a(1), List.of(parent(1, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists itself as parent");
    assertThatThrownBy(() -> graph.setParents(a(1), List.of(parent(2, 1), parent(2, 3))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> graph.setLink(a(0), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("to itself");
    assertThatThrownBy(() -> graph.setLink(a(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("link cost: 0 (expected: 1~65535)");
    assertThatThrownBy(() -> graph.setLink(a(1), 65536))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(graph.version()).as("nothing half-applied").isZero();
    assertThat(graph.size()).isEqualTo(1);
  }

  @Test
  void hubWithManyChildren_dropsThemInAnyOrder_keepingBothEndsConsistent() {
    // 62 children of the owner; then every other child leaves, from the middle outwards.
    for (int i = 1; i < TestAddresses.COUNT - 1; i++) {
      graph.setParents(a(i), List.of(parent(0, i)));
    }
    assertThat(graph.degree(0)).isEqualTo(TestAddresses.COUNT - 2);

    for (int i = TestAddresses.COUNT / 2; i >= 1; i -= 2) {
      graph.remove(a(i));
    }
    graph.setParents(a(TestAddresses.COUNT - 1), List.of(parent(0, 1), parent(3, 1)));

    for (int i = 1; i < TestAddresses.COUNT - 1; i++) {
      boolean gone = i <= TestAddresses.COUNT / 2 && i % 2 == 0;
      assertThat(graph.cost(a(0), a(i))).as("owner's side, %d", i)
          .isEqualTo(gone ? OptionalInt.empty() : OptionalInt.of(i));
      if (!gone) {
        int child = graph.indexOf(a(i));
        assertThat(graph.degree(child)).isEqualTo(i == 3 ? 2 : 1);
        assertThat(graph.addressAt(graph.neighbours(child)[0])).isEqualTo(a(0));
        assertThat(graph.costs(child)[0]).as("child's side, %d", i).isEqualTo(i);
      }
    }
  }
}
