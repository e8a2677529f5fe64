package io.staex.proxy.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.proxy.relay.internal.RelayEngineTest.Node;
import io.staex.routing.NodeState;
import io.staex.routing.ParentLink;
import io.staex.routing.RoutingMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoutingTraceTest {
  final Node parent = RelayEngineTest.node(40);
  final Node child = RelayEngineTest.node(41);
  final Node top = RelayEngineTest.node(42);

  @Test
  void states_showNodeSequenceAndActiveParent_withdrawalsTheNodes_aRankItsValue() {
    NodeState withParent = NodeState.sign(child.identity(), child.certificate(),
        List.of(new ParentLink(parent.address(), 1)), Optional.of(parent.address()), List.of(),
        7, RelayEngineTest.NOW.plus(Duration.ofMinutes(10)));
    NodeState root = NodeState.sign(top.identity(), top.certificate(), List.of(),
        Optional.empty(), List.of(), 3, RelayEngineTest.NOW.plus(Duration.ofMinutes(10)));
    String c = child.address().shortText();
    String p = parent.address().shortText();
    String t = top.address().shortText();

    assertThat(RoutingTrace.brief(new RoutingMessage.StateUpdate(List.of(withParent, root))))
        .isEqualTo("states " + c + "#7>" + p + " " + t + "#3>-");
    assertThat(RoutingTrace.brief(
        new RoutingMessage.Withdraw(List.of(child.address(), top.address()))))
        .isEqualTo("withdraw " + c + " " + t);
    assertThat(RoutingTrace.brief(new RoutingMessage.Rank(2))).isEqualTo("rank 2");
    assertThat(RoutingTrace.brief(new RoutingMessage.PresentCertificate(child.certificate())))
        .isEqualTo("certificate");
  }
}
