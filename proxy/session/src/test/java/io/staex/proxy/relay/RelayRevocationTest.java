package io.staex.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Revocations;
import io.staex.crypto.SignedRevocation;
import io.staex.proxy.session.Session;
import io.staex.proxy.session.SessionEnd;
import io.staex.proxy.session.SessionTestSettings;
import io.staex.proxy.testkit.MemoryNetwork;
import io.staex.proxy.testkit.MemoryNetwork.Node;
import io.staex.testing.fixtures.Validity;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Revocation and expiry bite live links and sessions (issue 13, part 5): root ← relay ← leaf on
 * one manual clock, the leaf with a session to the root. A revocation handed to the root spreads
 * down to the relay, which closes its link to the leaf; the root ends its session with the leaf;
 * the leaf cannot link again. A certificate that reaches its not-after ends its links and
 * sessions at that time.
 */
class RelayRevocationTest {
  final MemoryNetwork net = new MemoryNetwork();

  @AfterEach
  void close() {
    net.close();
  }

  @Test
  void revocationHandedToTheRoot_closesTheLeafsLinkAtTheRelay_andItsSessionAtTheRoot() {
    Node root = net.node(20);
    Node relay = net.node(21, root);
    Node leaf = net.node(22, relay);
    root.withSessions(SessionTestSettings.sessions());
    leaf.withSessions(SessionTestSettings.sessions());
    net.link(relay, root);
    net.link(leaf, relay);
    net.settle();
    Session s = leaf.sessions().connect(root.address()).orElseThrow();
    net.settle();
    assertThat(root.established()).extracting(Session::peer).containsExactly(leaf.address());
    assertThat(s.state()).isEqualTo(Session.State.ESTABLISHED);

    SignedRevocation r = SignedRevocation.ofNode(
        net.network().key(), leaf.address(), net.now());
    assertThat(root.routing().policy().revoke(r)).isEqualTo(Revocations.Outcome.APPLIED);
    root.engine().revoked(r);
    net.settle();

    assertThat(relay.routing().policy().revocations().all()).containsExactly(r);
    assertThat(relay.end(leaf).isActive()).as("the relay closed its link to the leaf").isFalse();
    assertThat(relay.counters().linksClosedRevoked()).isEqualTo(1);
    assertThat(relay.end(root).isActive()).isTrue();
    assertThat(root.counters().linksClosedRevoked()).isZero();

    // the root's session ends at its next tick, and the leaf hears it refused
    net.advance(Duration.ofMillis(250));
    assertThat(root.closed()).containsExactly(SessionEnd.REVOKED);
    assertThat(root.sessions().counters().revoked()).isEqualTo(1);
    assertThat(root.sessions().sessions()).isEmpty();

    // linking again: the relay closes the new link as soon as it is up
    net.link(leaf, relay);
    net.settle();
    assertThat(relay.end(leaf).isActive()).isFalse();
    assertThat(relay.counters().linksClosedRevoked()).isEqualTo(2);
    assertThat(relay.routing().knows(leaf.address())).isFalse();
  }

  @Test
  void reloadedTrustRevokingTheLeaf_recheckLinksClosesItsLinkOnly_andSaysWhy() throws Exception {
    Node root = net.node(20);
    Node relay = net.node(21, root);
    Node leaf = net.node(22, relay);
    net.link(relay, root);
    net.link(leaf, relay);
    net.settle();

    relay.routing().policy().reconfigure(io.staex.crypto.TrustPolicy
        .builder(net.network().address()).revokeKey(leaf.address()).build());
    java.util.concurrent.CompletableFuture<List<String>> closed = relay.engine().recheckLinks();
    net.settle();

    assertThat(closed.get(5, java.util.concurrent.TimeUnit.SECONDS)).singleElement()
        .asString().startsWith(leaf.address() + ": revoked: node key");
    assertThat(relay.end(leaf).isActive()).isFalse();
    assertThat(relay.end(root).isActive()).isTrue();
    assertThat(relay.counters().linksClosedRevoked()).isEqualTo(1);
    assertThat(relay.counters().linksClosedUntrusted()).isZero();
    // nothing else to close on a second look
    java.util.concurrent.CompletableFuture<List<String>> again = relay.engine().recheckLinks();
    net.settle();
    assertThat(again.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void revocationOfAnotherNode_closesNothing() {
    Node root = net.node(20);
    Node relay = net.node(21, root);
    Node leaf = net.node(22, relay);
    net.link(relay, root);
    net.link(leaf, relay);
    net.settle();

    SignedRevocation r = SignedRevocation.ofNode(
        net.network().key(), MemoryNetwork.address(99), net.now());
    root.routing().policy().revoke(r);
    root.engine().revoked(r);
    net.settle();

    assertThat(leaf.routing().policy().revocations().all()).containsExactly(r);
    assertThat(relay.end(leaf).isActive()).isTrue();
    assertThat(relay.counters().linksClosedRevoked()).isZero();
  }

  @Test
  void expiringCertificate_endsItsLinksAndSessionsAtNotAfter() {
    Node root = net.node(20);
    Node relay = net.node(21, root);
    // valid until 10 s after the clock's start
    Validity shortLived = new Validity(Validity.T0.minus(Duration.ofDays(1)),
        Validity.T0.plusSeconds(10));
    Node leaf = net.node(22, Optional.empty(), shortLived, List.of(relay.address()));
    root.withSessions(SessionTestSettings.sessions());
    leaf.withSessions(SessionTestSettings.sessions());
    net.link(relay, root);
    net.link(leaf, relay);
    net.settle();
    assertThat(leaf.sessions().connect(root.address())).isPresent();
    net.settle();
    assertThat(root.established()).hasSize(1);

    net.advance(Duration.ofSeconds(9));
    assertThat(relay.end(leaf).isActive()).as("still valid").isTrue();
    assertThat(root.closed()).isEmpty();

    net.advance(Duration.ofSeconds(2));
    assertThat(relay.end(leaf).isActive()).isFalse();
    assertThat(relay.counters().linksClosedExpired()).isEqualTo(1);
    assertThat(relay.counters().linksClosedRevoked()).isZero();
    assertThat(root.closed()).containsExactly(SessionEnd.EXPIRED);
    assertThat(root.sessions().counters().expired()).isEqualTo(1);
    assertThat(relay.end(root).isActive()).isTrue();
  }
}
