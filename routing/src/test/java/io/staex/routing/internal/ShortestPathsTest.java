package io.staex.routing.internal;

import static io.staex.routing.internal.TestAddresses.a;
import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Address;
import io.staex.routing.ParentLink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Hand-made graphs (JUnit), then random ones built by random declarations, compared with a
 * plain Floyd–Warshall over a plain model of those declarations (jqwik).
 */
class ShortestPathsTest {
  private final Topology graph = new Topology(a(0));
  private final ShortestPaths paths = new ShortestPaths(graph);

  /**
   * Declares edges written as {@code child>parent:cost}, e.g. {@code "1>0:1 2>1:5"}; all edges of
   * one child are set at once, as its state would declare them. Node 0 is the owner.
   */
  private void declare(String edges) {
    Map<Integer, List<ParentLink>> parents = new LinkedHashMap<>();
    for (String edge : edges.trim().split("\\s+", -1)) {
      String[] parts = edge.split("[>:]", -1);
      parents
          .computeIfAbsent(Integer.parseInt(parts[0]), c -> new ArrayList<>())
          .add(new ParentLink(a(Integer.parseInt(parts[1])), Integer.parseInt(parts[2])));
    }
    parents.forEach((child, ps) -> graph.setParents(a(child), ps));
  }

  /** The path to {@code destination} as node numbers. */
  private List<Integer> path(int destination) {
    return paths.pathTo(a(destination)).orElseThrow().stream().map(TestAddresses::number).toList();
  }

  private static List<Address> addresses(int... numbers) {
    return IntStream.of(numbers).mapToObj(TestAddresses::a).toList();
  }

  @Test
  void line_pathGoesThroughEveryNode() {
    declare("1>0:1 2>1:2 3>2:3");

    assertThat(paths.pathTo(a(3))).hasValue(addresses(1, 2, 3));
    assertThat(paths.distanceTo(a(3))).hasValue(6);
    assertThat(paths.pathTo(a(1))).hasValue(addresses(1));
  }

  @Test
  void ownerAtTheEndOfALine_pathsRunTheOtherWay() {
    // The owner is a leaf: 0 has parent 1, whose parent is 2.
    declare("0>1:1 1>2:1");

    assertThat(path(2)).containsExactly(1, 2);
  }

  @Test
  void owner_hasTheEmptyPathAtDistanceZero() {
    assertThat(paths.pathTo(a(0))).hasValue(List.of());
    assertThat(paths.distanceTo(a(0))).hasValue(0);
  }

  @Test
  void tree_pathsClimbToTheCommonAncestorAndDescend() {
    // The owner 0 is a leaf under 1; 1 and 4 are children of the root 2; 5 is under 4.
    declare("0>1:1 3>1:1 1>2:1 4>2:1 5>4:1");

    assertThat(path(3)).containsExactly(1, 3);
    assertThat(path(5)).containsExactly(1, 2, 4, 5);
    assertThat(paths.distanceTo(a(5))).hasValue(4);
  }

  @Test
  void treeWithCrossLink_shortcutTakenOnlyWhenCheaper() {
    // Root 0 with subtrees 1 -> 3 -> 5 and 2 -> 4 -> 6; node 5 also has parent 6 (a cross link).
    declare("1>0:1 2>0:1 3>1:1 4>2:1 5>3:1 6>4:1 5>6:1");
    assertThat(path(6)).as("0-2-4-6 costs 3, 0-1-3-5-6 costs 4").containsExactly(2, 4, 6);

    declare("5>3:1 5>6:1 4>2:5");
    assertThat(path(6)).as("now 0-2-4-6 costs 7").containsExactly(1, 3, 5, 6);
    assertThat(paths.distanceTo(a(6))).hasValue(4);
  }

  @Test
  void cycle_shorterWayAroundWins() {
    // 0 - 1 - 2 - 3 - 4 - 0, all cost 1 except 4-0.
    declare("1>0:1 2>1:1 3>2:1 4>3:1 0>4:10");

    assertThat(path(3)).containsExactly(1, 2, 3);
    assertThat(path(4)).containsExactly(1, 2, 3, 4);
    declare("0>4:2");
    assertThat(path(3)).as("both ways cost 3; the tie goes to the lesser predecessor 2")
        .containsExactly(1, 2, 3);
    assertThat(path(4)).containsExactly(4);
  }

  @Test
  void disconnectedPart_isUnreachable() {
    declare("1>0:1 3>2:1");

    assertThat(paths.pathTo(a(3))).isEmpty();
    assertThat(paths.distanceTo(a(2))).isEmpty();
    assertThat(paths.pathTo(a(9))).as("not a vertex at all").isEmpty();
    assertThat(paths.pathTo(a(1))).isPresent();
  }

  @Test
  void equalCostPaths_leastAddressPredecessorWins_whateverTheBuildOrder() {
    // A diamond 0 - {1, 2} - 3 of equal costs, and 3 - 4.
    declare("3>2:1 3>1:1 1>0:1 2>0:1 4>3:1");
    assertThat(path(4)).containsExactly(1, 3, 4);

    // The same graph declared the other way round, with other indices.
    Topology other = new Topology(a(0));
    other.setParents(a(4), List.of(new ParentLink(a(3), 1)));
    other.setParents(a(2), List.of(new ParentLink(a(0), 1)));
    other.setParents(a(1), List.of(new ParentLink(a(0), 1)));
    other.setParents(a(3), List.of(new ParentLink(a(1), 1), new ParentLink(a(2), 1)));
    assertThat(other.indexOf(a(1))).isNotEqualTo(graph.indexOf(a(1)));
    assertThat(new ShortestPaths(other).pathTo(a(4))).hasValue(addresses(1, 3, 4));
  }

  @Test
  void equalCostPathsOfDifferentLengths_leastPredecessorWins_longerOrShorter() {
    // To 5: 0-4-5 costs 1 + 2, 0-1-2-5 costs 1 + 1 + 1. Predecessors 2 < 4: the longer path.
    declare("4>0:1 5>4:2 1>0:1 2>1:1 5>2:1");
    assertThat(path(5)).containsExactly(1, 2, 5);

    // To 8: 0-3-8 costs 1 + 2, 0-6-7-8 costs 1 + 1 + 1. Predecessors 3 < 7: the shorter path.
    declare("3>0:1 8>3:2 6>0:1 7>6:1 8>7:1");
    assertThat(path(8)).containsExactly(3, 8);
    assertThat(paths.distanceTo(a(8))).hasValue(3);
  }

  @Test
  void pathsFormATree_pathToAHopIsAPrefix() {
    declare("1>0:1 2>0:1 3>1:1 3>2:1 4>3:1 5>4:1 5>2:3");

    List<Integer> toFive = path(5);
    for (int i = 0; i < toFive.size(); i++) {
      assertThat(path(toFive.get(i))).isEqualTo(toFive.subList(0, i + 1));
    }
  }

  @Test
  void ownerLinks_countAsEdges() {
    graph.setLink(a(1), 1);
    declare("2>1:1");

    assertThat(path(2)).containsExactly(1, 2);
    graph.removeLink(a(1));
    assertThat(paths.pathTo(a(2))).isEmpty();
  }

  @Test
  void largeCosts_addUpWithoutOverflow() {
    StringBuilder line = new StringBuilder();
    for (int i = 1; i < TestAddresses.COUNT; i++) {
      line.append(i).append('>').append(i - 1).append(':').append(ParentLink.MAX_COST).append(' ');
    }
    declare(line.toString());

    assertThat(paths.distanceTo(a(TestAddresses.COUNT - 1)))
        .hasValue((long) ParentLink.MAX_COST * (TestAddresses.COUNT - 1));
  }

  @Test
  void queriesWithoutChange_computeOnce() {
    declare("1>0:1 2>1:1");
    assertThat(paths.computations()).as("nothing computed before the first query").isZero();

    paths.pathTo(a(2));
    paths.pathTo(a(1));
    paths.distanceTo(a(2));
    Optional<List<Address>> again = paths.pathTo(a(2));

    assertThat(paths.computations()).isEqualTo(1);
    assertThat(again).hasValue(addresses(1, 2));
    assertThat(again.get()).as("the cached list itself").isSameAs(paths.pathTo(a(2)).get());
  }

  @Test
  void change_recomputesLazilyOnTheNextQuery() {
    declare("1>0:1 2>1:1");
    paths.pathTo(a(2));

    declare("2>0:1");
    assertThat(paths.computations()).as("not yet").isEqualTo(1);
    assertThat(path(2)).containsExactly(2);
    assertThat(paths.computations()).isEqualTo(2);
  }

  @Test
  void declarationThatChangesNothing_causesNoRecomputation() {
    declare("1>0:1 2>1:1");
    paths.pathTo(a(2));

    declare("2>1:1"); // the same state again
    graph.remove(a(7)); // not there
    paths.pathTo(a(2));

    assertThat(paths.computations()).isEqualTo(1);
  }

  @Test
  void removedVertex_isUnreachable_andItsReusedIndexServesTheNewVertex() {
    declare("1>0:1 2>1:1");
    paths.pathTo(a(2));

    graph.remove(a(2));
    declare("3>1:4");

    assertThat(paths.pathTo(a(2))).isEmpty();
    assertThat(path(3)).containsExactly(1, 3);
    assertThat(paths.distanceTo(a(3))).hasValue(5);
  }

  // ---- random graphs against a reference ----

  /** One input to the Topology, on node numbers. */
  sealed interface Op permits SetParents, Remove, SetLink, RemoveLink {}

  record Declared(int parent, int cost) {}

  record SetParents(int node, List<Declared> parents) implements Op {}

  record Remove(int node) implements Op {}

  record SetLink(int node, int cost) implements Op {}

  record RemoveLink(int node) implements Op {}

  record Scenario(int vertices, List<Op> ops) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Arbitraries.integers().between(2, 60).flatMap(n ->
        operation(n).list().ofMaxSize(4 * n).map(ops -> new Scenario(n, ops)));
  }

  private static Arbitrary<Op> operation(int n) {
    Arbitrary<Integer> node = Arbitraries.integers().between(0, n - 1);
    Arbitrary<Integer> neighbour = Arbitraries.integers().between(1, n - 1);
    // Mostly small costs, so that equal-cost paths (ties) are common.
    Arbitrary<Integer> cost = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.integers().between(1, 3)),
        Tuple.of(1, Arbitraries.integers().between(1, ParentLink.MAX_COST)));
    Arbitrary<Op> setParents = node.flatMap(child ->
        Combinators.combine(node.filter(p -> !p.equals(child)), cost).as(Declared::new)
            .list().ofMaxSize(4).uniqueElements(Declared::parent)
            .map(ps -> new SetParents(child, ps)));
    return Arbitraries.frequencyOf(
        Tuple.of(6, setParents),
        Tuple.of(1, node.map(Remove::new)),
        Tuple.of(2, Combinators.combine(neighbour, cost).as(SetLink::new)),
        Tuple.of(1, neighbour.map(RemoveLink::new)));
  }

  @Property(tries = 500)
  void randomGraphs_matchFloydWarshall_withValidLeastAddressPaths(
      @ForAll("scenarios") Scenario scenario) {
    int n = scenario.vertices();
    Topology topology = new Topology(a(0));
    ShortestPaths shortest = new ShortestPaths(topology);
    Map<Integer, List<Declared>> states = new LinkedHashMap<>();
    Map<Integer, Integer> links = new LinkedHashMap<>();
    for (Op op : scenario.ops()) {
      apply(op, topology, states, links);
      shortest.pathTo(a(n - 1)); // recompute on every layout the indices go through
    }

    long[][] cost = reference(n, states, links);
    long[][] distance = floydWarshall(cost);
    for (int v = 0; v < n; v++) {
      checkVertex(v, topology, shortest, states.containsKey(v), cost, distance[0]);
    }
  }

  private static void checkVertex(
      int v, Topology topology, ShortestPaths shortest, boolean hasState, long[][] cost,
      long[] distance) {
    boolean named = v == 0 || hasState || Arrays.stream(cost[v]).anyMatch(c -> c != NONE);
    assertThat(topology.contains(a(v))).as("vertex %d", v).isEqualTo(named);
    for (int u = 0; u < cost.length; u++) {
      OptionalInt edge = cost[v][u] == NONE ? OptionalInt.empty() : OptionalInt.of((int) cost[v][u]);
      assertThat(topology.cost(a(v), a(u))).as("edge %d-%d", v, u).isEqualTo(edge);
    }
    if (named) {
      // The adjacency Dijkstra walks, entry by entry, against the reference row.
      int index = topology.indexOf(a(v));
      Map<Integer, Long> listed = new TreeMap<>();
      for (int i = 0; i < topology.degree(index); i++) {
        listed.put(TestAddresses.number(topology.addressAt(topology.neighbours(index)[i])),
            (long) topology.costs(index)[i]);
      }
      Map<Integer, Long> expected = new TreeMap<>();
      IntStream.range(0, cost.length).filter(u -> cost[v][u] != NONE)
          .forEach(u -> expected.put(u, cost[v][u]));
      assertThat(listed).as("adjacency of %d", v).isEqualTo(expected);
      assertThat(topology.degree(index)).isEqualTo(expected.size());
    }
    if (distance[v] == INFINITE) {
      assertThat(shortest.distanceTo(a(v))).as("distance to %d", v).isEmpty();
      assertThat(shortest.pathTo(a(v))).isEmpty();
    } else {
      assertThat(shortest.distanceTo(a(v))).as("distance to %d", v).hasValue(distance[v]);
      checkPath(v, shortest.pathTo(a(v)).orElseThrow(), cost, distance);
    }
  }

  private static final long NONE = 0;
  private static final long INFINITE = Long.MAX_VALUE / 4;

  private static void apply(
      Op op, Topology topology, Map<Integer, List<Declared>> states, Map<Integer, Integer> links) {
    if (op instanceof SetParents set) {
      topology.setParents(a(set.node()), set.parents().stream()
          .map(d -> new ParentLink(a(d.parent()), d.cost())).toList());
      states.put(set.node(), set.parents());
    } else if (op instanceof Remove remove) {
      topology.remove(a(remove.node()));
      states.remove(remove.node());
    } else if (op instanceof SetLink link) {
      topology.setLink(a(link.node()), link.cost());
      links.put(link.node(), link.cost());
    } else if (op instanceof RemoveLink unlink) {
      topology.removeLink(a(unlink.node()));
      links.remove(unlink.node());
    }
  }

  /** Edge costs as the declarations say: either end may declare, the least cost wins. */
  private static long[][] reference(
      int n, Map<Integer, List<Declared>> states, Map<Integer, Integer> links) {
    long[][] cost = new long[n][n];
    states.forEach((child, parents) -> parents.forEach(d -> declare(cost, child, d.parent(), d.cost())));
    links.forEach((neighbour, c) -> declare(cost, 0, neighbour, c));
    return cost;
  }

  private static void declare(long[][] cost, int u, int v, int c) {
    long least = cost[u][v] == NONE ? c : Math.min(cost[u][v], c);
    cost[u][v] = least;
    cost[v][u] = least;
  }

  private static long[][] floydWarshall(long[][] cost) {
    int n = cost.length;
    long[][] d = new long[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        d[i][j] = i == j ? 0 : cost[i][j] == NONE ? INFINITE : cost[i][j];
      }
    }
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          d[i][j] = Math.min(d[i][j], d[i][k] + d[k][j]);
        }
      }
    }
    return d;
  }

  /**
   * The path is a walk along edges from the owner to {@code v} whose costs add up to the
   * distance, and each hop comes from the least-numbered (least-address) predecessor that
   * lies on some shortest path.
   */
  private static void checkPath(int v, List<Address> path, long[][] cost, long[] distance) {
    List<Integer> walk = new ArrayList<>(List.of(0));
    path.forEach(hop -> walk.add(TestAddresses.number(hop)));
    assertThat(walk.get(walk.size() - 1)).as("path to %d ends there", v).isEqualTo(v);
    long total = 0;
    for (int i = 1; i < walk.size(); i++) {
      int from = walk.get(i - 1);
      int to = walk.get(i);
      assertThat(cost[from][to]).as("edge %d-%d on the path %s", from, to, walk).isNotEqualTo(NONE);
      total += cost[from][to];
      int least = IntStream.range(0, cost.length)
          .filter(u -> cost[u][to] != NONE && distance[u] + cost[u][to] == distance[to])
          .min().orElseThrow();
      assertThat(from).as("predecessor of %d on %s", to, walk).isEqualTo(least);
    }
    assertThat(total).as("cost of %s", walk).isEqualTo(distance[v]);
  }
}
