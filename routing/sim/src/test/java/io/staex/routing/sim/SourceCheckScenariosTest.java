package io.staex.routing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.routing.sim.SimNetwork.PacketFate;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reverse-path source check under churn, at a size that runs in seconds ({@link
 * SourceCheckRun}; {@code bench/source-check.sh} runs it at scale): over random networks with
 * several parents, link costs and latencies, crashes, restarts, cuts and closed links, while
 * packets fly between random pairs from the cold start on, no legitimate packet is refused by
 * the rule at any hop, and every spoofed packet that left its sender is refused at its first
 * hop.
 */
class SourceCheckScenariosTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void noLegitimatePacketRefused_everySpoofRefusedAtItsFirstHop(long seed) {
    SourceCheckRun.Result r = SourceCheckRun.run(
        new SourceCheckRun.Params(150, seed, 0.3, Duration.ofSeconds(120), 100, 40));

    assertThat(r.violations()).isEmpty();
    assertThat(r.legitRefused()).isZero();
    // not vacuous: the rule was asked (and said yes) for many hops, packets were delivered
    // through the churn, and spoofs were sent and refused
    assertThat(r.checksPassed()).isGreaterThan(5_000);
    assertThat(r.legit().getOrDefault(PacketFate.DELIVERED, 0L)).isGreaterThan(r.legitSent() / 5);
    assertThat(r.spoofedLeft()).isGreaterThan(300);
    assertThat(r.spoofedAtFirstHop()).isEqualTo(r.spoofedLeft()
        - r.spoofed().getOrDefault(PacketFate.LOST, 0L));
  }
}
