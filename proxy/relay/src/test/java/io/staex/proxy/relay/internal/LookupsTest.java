package io.staex.proxy.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Address;
import io.staex.crypto.TrustPolicy;
import io.staex.routing.NodeState;
import io.staex.routing.RoutingEvent;
import io.staex.routing.RoutingNode;
import io.staex.routing.RoutingSettings;
import io.staex.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Lookups on a {@link ManualClock}'s loop: each completes once, by its answer or by its timeout
 * (a timer on the loop's ticker).
 */
class LookupsTest {
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  static final Address NETWORK = RelayEngineTest.NETWORK.address();

  final ManualClock clock = new ManualClock(RelayEngineTest.NOW);
  final Lookups lookups = new Lookups(clock.loop());
  final NodeState camera = state(RelayEngineTest.node(50));

  static NodeState state(RelayEngineTest.Node n) {
    return new RoutingNode(n.identity(), n.certificate(), List.of(), List.of(),
        TrustPolicy.ofNetwork(NETWORK), RoutingSettings.defaults(), RelayEngineTest.NOW)
        .ownState();
  }

  CompletableFuture<Optional<NodeState>> result = new CompletableFuture<>();

  @Test
  void resolved_completesWithTheState() {
    long id = lookups.start(NETWORK, "camera1", TIMEOUT, result);

    lookups.onEvent(new RoutingEvent.LookupResolved(id, camera));

    assertThat(result).isCompletedWithValue(Optional.of(camera));
    assertThat(lookups.waiting()).isZero();
  }

  @Test
  void failed_completesEmpty() {
    long id = lookups.start(NETWORK, "camera1", TIMEOUT, result);

    lookups.onEvent(new RoutingEvent.LookupFailed(id, "not found"));

    assertThat(result).isCompletedWithValue(Optional.empty());
  }

  @Test
  void noAnswerWithinTheTimeout_completesEmpty_andALateAnswerIsIgnored() {
    long id = lookups.start(NETWORK, "camera1", TIMEOUT, result);

    clock.advance(TIMEOUT.minusMillis(1));
    assertThat(result).isNotDone();
    clock.advance(Duration.ofMillis(1));
    assertThat(result).isCompletedWithValue(Optional.empty());

    lookups.onEvent(new RoutingEvent.LookupResolved(id, camera));
    assertThat(result).isCompletedWithValue(Optional.empty());
  }

  @Test
  void answeredBeforeTheTimeout_timeoutChangesNothing() {
    long id = lookups.start(NETWORK, "camera1", TIMEOUT, result);
    lookups.onEvent(new RoutingEvent.LookupResolved(id, camera));

    clock.advance(TIMEOUT);

    assertThat(result).isCompletedWithValue(Optional.of(camera));
  }

  @Test
  void eachLookupHasItsOwnId_andOnlyItsAnswerCompletesIt() {
    CompletableFuture<Optional<NodeState>> other = new CompletableFuture<>();
    long first = lookups.start(NETWORK, "camera1", TIMEOUT, result);
    long second = lookups.start(NETWORK, "camera2", TIMEOUT, other);

    lookups.onEvent(new RoutingEvent.LookupResolved(second, camera));
    lookups.onEvent(new RoutingEvent.LookupFailed(second + 1, "an id nobody asked with"));
    lookups.onEvent(new RoutingEvent.ActiveParentChanged(Optional.empty(), Optional.empty()));

    assertThat(second).isNotEqualTo(first);
    assertThat(other).isCompletedWithValue(Optional.of(camera));
    assertThat(result).isNotDone();
    assertThat(lookups.waiting()).isEqualTo(1);
  }
}
