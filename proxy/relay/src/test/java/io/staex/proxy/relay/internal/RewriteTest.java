package io.staex.proxy.relay.internal;

import static io.staex.proxy.relay.internal.ForwardingTest.A;
import static io.staex.proxy.relay.internal.ForwardingTest.B;
import static io.staex.proxy.relay.internal.ForwardingTest.F;
import static io.staex.proxy.relay.internal.ForwardingTest.X;
import static io.staex.proxy.relay.internal.ForwardingTest.k;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.UnreachableReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rewrite edits only the TTL and the route, of packets and notices alike. */
class RewriteTest {
  final LinkFrame.Packet packet = new LinkFrame.Packet(
      7, 3, k(X), k(F), List.of(k(A), k(X)), FrameBytes.copyOf(new byte[] {1, 2}));
  final LinkFrame.Unreachable notice =
      new LinkFrame.Unreachable(7, UnreachableReason.NO_ROUTE, k(X), k(F), List.of(k(A), k(X)));

  @Test
  void asIs_leavesTheFrame() {
    assertThat(Rewrite.AS_IS.apply(packet)).isSameAs(packet);
    assertThat(Rewrite.AS_IS.apply(notice)).isSameAs(notice);
  }

  @Test
  void forwarded_spendsAHop_andPopsTheRoute() {
    assertThat(Rewrite.FORWARDED.apply(packet)).isEqualTo(packet.forwarded());
    assertThat(Rewrite.FORWARDED.apply(packet).route()).containsExactly(k(X));
    assertThat(Rewrite.FORWARDED.apply(notice)).isEqualTo(notice.forwarded());
  }

  @Test
  void rerouted_spendsAHop_andReplacesTheRoute() {
    Rewrite r = new Rewrite.Rerouted(List.of(k(B), k(X)));

    assertThat(r.apply(packet)).isEqualTo(packet.rerouted(List.of(k(B), k(X))));
    assertThat(r.apply(notice)).isEqualTo(notice.rerouted(List.of(k(B), k(X))));
  }

  @Test
  void sourceRouted_keepsTheTtl_andSetsTheRoute() {
    Rewrite r = new Rewrite.SourceRouted(List.of(k(B), k(X)));

    assertThat(r.apply(packet)).isEqualTo(new LinkFrame.Packet(
        7, 3, k(X), k(F), List.of(k(B), k(X)), packet.payload()));
    assertThat(r.apply(notice)).isEqualTo(new LinkFrame.Unreachable(
        7, UnreachableReason.NO_ROUTE, k(X), k(F), List.of(k(B), k(X))));
  }

  @Test
  void ttlZero_cannotBeSpent() {
    LinkFrame.Packet expired = new LinkFrame.Packet(0, 0, k(X), k(F), List.of(), packet.payload());

    assertThatThrownBy(() -> Rewrite.FORWARDED.apply(expired))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new Rewrite.Rerouted(List.of()).apply(expired))
        .isInstanceOf(IllegalStateException.class);
  }
}
