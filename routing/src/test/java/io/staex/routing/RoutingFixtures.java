package io.staex.routing;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.testing.fixtures.Identities;
import io.staex.testing.fixtures.TestNetwork;
import io.staex.testing.fixtures.Validity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The routing tests' pool of nodes, their certificates and signed states, on the testkit's
 * identities and certificates. Everything is created once from fixed seeds: certificates cost a
 * signature each.
 */
final class RoutingFixtures {
  /** A fixed "now", inside every certificate's validity. */
  static final Instant T0 = Validity.T0;
  static final Duration YEAR = Validity.YEAR;
  /** Nodes in the pool: more than {@link NodeState#MAX_PARENTS} + 1, so a node can have too many parents. */
  static final int NODE_COUNT = 20;

  static final Identity NETWORK = identity(1000);
  static final Identity OTHER_NETWORK = identity(1001);
  /** Node {@code i} has seed {@code i}; even nodes (0 included) are named {@code node-<i>}. */
  static final List<Identity> NODES = IntStream.range(0, NODE_COUNT).mapToObj(i -> identity(i)).toList();
  static final List<Certificate> CERTIFICATES =
      IntStream.range(0, NODE_COUNT)
          .mapToObj(i -> certificate(NETWORK, NODES.get(i), i % 2 == 0 ? "node-" + i : null))
          .toList();

  private RoutingFixtures() {}

  /** The same identity for the same seed. */
  static Identity identity(long seed) {
    return Identities.identity(seed);
  }

  /** A certificate from {@link #T0} for a year, optionally with a name. */
  static Certificate certificate(Identity network, Identity node, String name) {
    return TestNetwork.of(network).certify(node.address()).name(name)
        .validity(Validity.fixed()).issue();
  }

  static Address address(int node) {
    return NODES.get(node).address();
  }

  static List<Address> addresses(int... nodes) {
    return IntStream.of(nodes).mapToObj(RoutingFixtures::address).toList();
  }

  static TrustPolicy policy() {
    return TestNetwork.of(NETWORK).policy();
  }

  /** Node {@code node}'s state with these parents (cost 1 + index), the first one active. */
  static NodeState state(int node, List<Integer> services, int... parents) {
    List<ParentLink> links = new ArrayList<>();
    for (int i = 0; i < parents.length; i++) {
      links.add(new ParentLink(address(parents[i]), 1 + i));
    }
    Optional<Address> active = parents.length == 0 ? Optional.empty() : Optional.of(address(parents[0]));
    return NodeState.sign(
        NODES.get(node), CERTIFICATES.get(node), links, active, services, 1, T0.plus(Duration.ofMinutes(20)));
  }

  /** A small state: node 2, parents 3 and 4, services 22 and 443. */
  static NodeState smallState() {
    return state(2, List.of(22, 443), 3, 4);
  }

  /**
   * Signed states of nodes 0~2 (node 1 unnamed) with up to {@link NodeState#MAX_PARENTS}
   * parents among nodes 3~19, any active parent or none, any costs, up to 20 services, any
   * sequence and expiry.
   */
  static Arbitrary<NodeState> states() {
    Arbitrary<List<Integer>> parents =
        Arbitraries.integers().between(3, NODE_COUNT - 1).list().uniqueElements()
            .ofMaxSize(NodeState.MAX_PARENTS);
    Arbitrary<List<Integer>> costs =
        Arbitraries.integers().between(1, ParentLink.MAX_COST).list().ofSize(NodeState.MAX_PARENTS);
    Arbitrary<List<Integer>> services = Arbitraries.integers().between(1, 65535).list().ofMaxSize(20);
    return Combinators.combine(
            Arbitraries.integers().between(0, 2), parents, costs,
            Arbitraries.integers().between(-1, NodeState.MAX_PARENTS - 1), services,
            Arbitraries.longs().greaterOrEqual(0), Arbitraries.longs())
        .as((node, ps, cs, active, ports, sequence, expires) -> {
          List<ParentLink> links = new ArrayList<>();
          for (int i = 0; i < ps.size(); i++) {
            links.add(new ParentLink(address(ps.get(i)), cs.get(i)));
          }
          Optional<Address> activeParent =
              active >= 0 && active < ps.size() ? Optional.of(address(ps.get(active))) : Optional.empty();
          return NodeState.sign(NODES.get(node), CERTIFICATES.get(node), links, activeParent, ports,
              sequence, Instant.ofEpochMilli(expires));
        });
  }
}
