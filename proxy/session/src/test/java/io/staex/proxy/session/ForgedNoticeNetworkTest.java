package io.staex.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.SessionFrameType;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.testkit.MemoryNetwork;
import io.staex.proxy.testkit.MemoryNetwork.Node;
import io.staex.proxy.testkit.MemoryNetwork.Notice;
import io.staex.proxy.testkit.PlainFrames;
import io.staex.testing.Seeded;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, attack 1, in one thread: {@code user → root ← gateway}, and a member node ({@code
 * attacker}) linked to the root that sends UNREACHABLE notices about the user's session to the
 * gateway. Relays route a notice by its target, so the root carries each one to the user as it
 * would a real one; only the quote tells them apart.
 */
class ForgedNoticeNetworkTest {
  final MemoryNetwork net = new MemoryNetwork();
  Node root;
  Node user;
  Node gateway;
  Node attacker;
  Session session;
  Session atGateway;

  @BeforeEach
  void start() {
    root = net.node(20);
    user = net.node(22, root);
    gateway = net.node(24, root);
    attacker = net.node(26, root);
    net.link(user, root);
    net.link(gateway, root);
    net.link(attacker, root);
    net.settle();
    user.withSessions(SessionTestSettings.sessions());
    gateway.withSessions(SessionTestSettings.sessions());
    net.settle();
    session = user.sessions().connect(gateway.address()).orElseThrow();
    PlainFrames.send(session, new StreamFrame.Open(1, 80, 65536));
    net.settle();
    atGateway = gateway.established().poll();
    assertThat(atGateway).isNotNull();
    assertThat(gateway.frames().poll()).containsExactly(new StreamFrame.Open(1, 80, 65536));
  }

  @AfterEach
  void stop() {
    net.close();
  }

  static StreamFrame.Data data(int i) {
    return new StreamFrame.Data(1, FrameBytes.copyOf(new byte[] {(byte) i}));
  }

  /** A notice as the attacker makes it: about the user's packets to the gateway. */
  LinkFrame.Unreachable forged(UnreachableReason reason, byte[] quote) {
    return new LinkFrame.Unreachable(FrameLimits.DEFAULT_TTL, reason, user.key(), gateway.key(),
        List.of(), FrameBytes.copyOf(quote));
  }

  @Test
  void forgedUnreachable_fromAMember_changesNothing_andIsCounted() {
    SecureRandom guess = Seeded.random(7);
    byte[] record = new byte[FrameLimits.MAX_UNREACHABLE_QUOTE];
    guess.nextBytes(record);
    record[0] = (byte) SessionFrameType.RECORD.code();
    byte[] hello = record.clone();
    hello[0] = (byte) SessionFrameType.HELLO.code();
    attacker.end(root).send(forged(UnreachableReason.LINK_DOWN, new byte[0]));
    attacker.end(root).send(forged(UnreachableReason.NO_ROUTE, record));
    attacker.end(root).send(forged(UnreachableReason.TTL_EXPIRED, hello));
    net.settle();

    // the root carried them to the user, whose sessions checked and ignored them
    assertThat(user.notices()).hasSize(3)
        .allMatch(n -> n.destination().equals(gateway.key()), "about the gateway");
    assertThat(user.closed()).isEmpty();
    assertThat(session.state()).isEqualTo(Session.State.ESTABLISHED);
    assertThat(user.sessions().counters().unreachableForged()).isEqualTo(3);
    assertThat(user.sessions().counters().unreachableVerified()).isZero();

    // the stream goes on, both ways
    PlainFrames.send(session, data(1));
    PlainFrames.send(atGateway, data(2));
    net.settle();
    assertThat(gateway.frames().poll()).containsExactly(data(1));
    assertThat(user.frames().poll()).containsExactly(data(2));
    assertThat(user.sessions().sessions()).hasSize(1);
  }

  @Test
  void realUnreachable_theGatewaysLinkDrops_theSessionWaitsForItsPath_andGoesOnWhenItIsBack() {
    net.link(gateway, root).fail("keepalive timeout");
    net.settle();
    // the root withdrew the gateway at once (no route into a dead link): it answers NO_ROUTE,
    // quoting the record
    PlainFrames.send(session, data(3));
    net.settle();
    assertThat(user.notices()).containsExactly(
        new Notice(gateway.key(), UnreachableReason.NO_ROUTE));
    assertThat(user.sessions().counters().unreachableVerified()).isEqualTo(1);
    assertThat(user.sessions().counters().pathDown()).isEqualTo(1);
    // believed, but a path may come back (a failover): the session keeps its keys and records
    assertThat(user.closed()).isEmpty();
    assertThat(session.state()).isEqualTo(Session.State.ESTABLISHED);

    net.link(gateway, root); // the gateway is back
    net.advance(Duration.ofSeconds(2)); // the record goes again on its retransmission timer
    assertThat(gateway.frames().poll()).containsExactly(data(3));
    assertThat(user.sessions().counters().recordsResent()).isPositive();
    assertThat(user.closed()).isEmpty();
  }
}
