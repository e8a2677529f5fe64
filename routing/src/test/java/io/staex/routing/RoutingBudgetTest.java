package io.staex.routing;

import static io.staex.routing.RoutingFixtures.CERTIFICATES;
import static io.staex.routing.RoutingFixtures.NETWORK;
import static io.staex.routing.RoutingFixtures.NODES;
import static io.staex.routing.RoutingFixtures.T0;
import static io.staex.routing.RoutingFixtures.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Address;
import io.staex.crypto.BadRevocationException;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.Revocations;
import io.staex.crypto.SignedRevocation;
import io.staex.routing.RoutingCounters.Drop;
import io.staex.routing.RoutingMessage.LookupRequest;
import io.staex.routing.RoutingMessage.Revoke;
import io.staex.routing.RoutingMessage.StateUpdate;
import io.staex.testing.ManualClock;
import io.staex.testing.fixtures.Identities;
import io.staex.testing.fixtures.TestNetwork;
import io.staex.testing.fixtures.Validity;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-link budgets for routing work ({@link RoutingBudget}, {@code docs/routing.md}): the attacks
 * of a member that floods its parent with routing messages or with revocations and states that
 * each cost a signature check, carried out; and the legitimate bursts the defaults are sized for
 * (a full revocation list and a 1 000-node subtree at link up, that subtree's refreshes) pass
 * untouched. Time is a {@link ManualClock}'s.
 */
class RoutingBudgetTest {
  private static final RoutingBudget BUDGET = RoutingBudget.defaults();

  private final ManualClock clock = new ManualClock(T0);
  /** The relay under attack: node 0, a root. */
  private RoutingNode relay;
  /** Its child: node 1. */
  private RoutingNode child;

  @BeforeEach
  void link() {
    relay = node(0, List.of());
    child = node(1, List.of(address(0)));
    linkUp(relay, child);
  }

  /**
   * Issue 13's attack: a member sends its parent forged revocations, each of which would cost an
   * Ed25519 check. The relay checks at most the burst, then the rate; the rest are dropped
   * unchecked and counted. Without the budget, every one is checked (20 480 here).
   */
  @Test
  void forgedRevocationFlood_costsAtMostTheBudgetInSignatureChecks() {
    SignedRevocation forged = forged(SignedRevocation.ofNode(NETWORK, address(3), T0));
    Revoke full = new Revoke(Collections.nCopies(RoutingCodec.MAX_REVOCATIONS_PER_MESSAGE, forged));
    int sent = 0;
    for (int i = 0; i < 20; i++) {
      relay.receive(child.address(), full, clock.instant());
      sent += full.revocations().size();
    }

    Revocations held = relay.policy().revocations();
    int left = BUDGET.checkBurst() - 1; // the child's own state took one check at link up
    assertThat(held.invalid()).as("signature checks done").isEqualTo(left);
    assertThat(relay.counters().dropped(Drop.SIGNATURE_BUDGET)).isEqualTo(sent - left);
    assertThat(relay.counters().dropped(Drop.REVOCATION_INVALID)).isEqualTo(left);
    assertThat(held.size()).isZero();

    // A second later, the rate's worth more is checked, no more.
    clock.advance(Duration.ofSeconds(1));
    relay.receive(child.address(), full, clock.instant());
    assertThat(held.invalid()).isEqualTo(left + BUDGET.checksPerSecond());

    // Reconnecting does not refill the bucket (the child's state, held already, costs none).
    relay.linkDown(child.address(), clock.instant());
    linkUp(relay, child);
    relay.receive(child.address(), full, clock.instant());
    assertThat(held.invalid()).isEqualTo(left + BUDGET.checksPerSecond());
  }

  /**
   * The same with states: a member re-signs its own state at will, each one newer and valid, so
   * each costs a check. The relay checks at most the budget.
   */
  @Test
  void reSignedStateFlood_costsAtMostTheBudgetInSignatureChecks() {
    AtomicInteger checks = new AtomicInteger();
    StateVerifier counting = (s, p, now) -> {
      checks.incrementAndGet();
      return StateVerifier.DIRECT.verify(s, p, now);
    };
    RoutingBudget tiny = new RoutingBudget(1000, 1000, 2, 10);
    RoutingNode r = new RoutingNode(NODES.get(0), CERTIFICATES.get(0), List.of(), List.of(),
        RoutingFixtures.policy(), RoutingSettings.defaults().withBudget(tiny), counting,
        clock.instant());
    RoutingNode c = node(1, List.of(address(0)));
    linkUp(r, c);
    assertThat(checks.get()).as("the child's state at link up").isEqualTo(1);
    for (int i = 1; i <= 100; i++) {
      NodeState again = NodeState.sign(NODES.get(1), CERTIFICATES.get(1),
          List.of(new ParentLink(address(0), 1)), Optional.of(address(0)), List.of(),
          T0.toEpochMilli() + 1000 + i, T0.plus(Duration.ofMinutes(20)));
      r.receive(c.address(), new StateUpdate(List.of(again)), clock.instant());
    }

    assertThat(checks.get()).as("signature checks").isEqualTo(tiny.checkBurst());
    assertThat(r.counters().dropped(Drop.SIGNATURE_BUDGET)).isEqualTo(100 - (tiny.checkBurst() - 1));

    clock.advance(Duration.ofSeconds(1));
    NodeState later = NodeState.sign(NODES.get(1), CERTIFICATES.get(1),
        List.of(new ParentLink(address(0), 1)), Optional.of(address(0)), List.of(),
        T0.toEpochMilli() + 5000, T0.plus(Duration.ofMinutes(20)));
    r.receive(c.address(), new StateUpdate(List.of(later)), clock.instant());
    assertThat(checks.get()).as("refilled at the rate").isEqualTo(tiny.checkBurst() + 1);
  }

  /** A flood of cheap messages (lookups that would climb to the root) past the message budget. */
  @Test
  void messageFlood_droppedBeyondTheMessageBudget() {
    LookupRequest lookup = new LookupRequest(7, child.address(), NETWORK.address(), "x", 8);
    long before = relay.counters().messagesIn();
    for (int i = 0; i < BUDGET.messageBurst() + 500; i++) {
      relay.receive(child.address(), lookup, clock.instant());
    }
    assertThat(relay.counters().messagesIn() - before).isEqualTo(BUDGET.messageBurst() + 500L);
    long dropped = relay.counters().dropped(Drop.MESSAGE_BUDGET);
    assertThat(dropped).isBetween(500L, 502L); // the link-up messages took a token or two

    clock.advance(Duration.ofSeconds(1));
    for (int i = 0; i < BUDGET.messagesPerSecond() + 10; i++) {
      relay.receive(child.address(), lookup, clock.instant());
    }
    assertThat(relay.counters().dropped(Drop.MESSAGE_BUDGET)).isEqualTo(dropped + 10);
  }

  /**
   * What the defaults are sized for must pass: at link up a child hands over a full list of
   * revocations (10 000, trust.max-revocations) and its 1 000-node subtree; then every node of
   * the subtree refreshes at once, every refresh interval. Nothing is dropped.
   */
  @Test
  void legitimateBursts_fullRevocationListAndA1000NodeSubtreeRefresh_pass() {
    RoutingNode fresh = node(0, List.of());
    RoutingNode holder = node(1, List.of(address(0)));
    List<SignedRevocation> list = new ArrayList<>();
    for (int i = 1; i <= 10_000; i++) {
      SignedRevocation r = SignedRevocation.ofSerial(NETWORK, BigInteger.valueOf(i), T0);
      list.add(r);
      assertThat(holder.policy().revoke(r)).isEqualTo(Revocations.Outcome.APPLIED);
    }
    List<Identity> ids = new ArrayList<>();
    List<Certificate> certs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Identity id = Identities.identity(20_000 + i);
      ids.add(id);
      certs.add(TestNetwork.of(NETWORK).certify(id.address()).validity(Validity.fixed()).issue());
    }

    linkUp(fresh, holder);
    for (int i = 0; i < ids.size(); i++) { // the subtree climbs, one message per node
      fresh.receive(holder.address(), subtreeState(ids.get(i), certs.get(i), 1), clock.instant());
    }
    for (int round = 2; round <= 3; round++) {
      clock.advance(RoutingSettings.defaults().refreshInterval());
      fresh.receive(holder.address(), new StateUpdate(List.of(holder.tick(clock.instant())
          .messages().stream().map(o -> ((StateUpdate) o.message()).states().get(0))
          .findFirst().orElseThrow())), clock.instant());
      for (int i = 0; i < ids.size(); i++) {
        fresh.receive(holder.address(), subtreeState(ids.get(i), certs.get(i), round),
            clock.instant());
      }
      fresh.tick(clock.instant());
    }

    assertThat(fresh.counters().dropped(Drop.MESSAGE_BUDGET)).isZero();
    assertThat(fresh.counters().dropped(Drop.SIGNATURE_BUDGET)).isZero();
    assertThat(fresh.counters().dropped(Drop.STATE_UNTRUSTED)).isZero();
    assertThat(fresh.policy().revocations().all()).containsExactlyInAnyOrderElementsOf(list);
    for (Identity id : ids) {
      assertThat(fresh.knows(id.address())).isTrue();
    }
  }

  /**
   * Issue 14: an honest relay passing up its subtree's states one message per change (a cold
   * start) must not be dropped as a flood by its parent. Here 300 grandchildren, each a message,
   * against a parent that takes 40 messages and 200 checks at once: the relay keeps to that
   * budget (each burst less what 5 s of its rate could bunch, then the rates), holds the rest,
   * merged, and sends it as the tokens come back, at the times its nextTimer says. The parent
   * ends up with every state and drops nothing. Without the pacing it took the first 40 messages and dropped
   * the rest ({@code MESSAGE_BUDGET}), to be sent again only at their refresh, 5 minutes later.
   */
  @Test
  void honestSubtreeBeyondTheBursts_isHeldBackAndMerged_notDroppedAsAFlood() {
    RoutingNode parent = smallBudgetNode(0, List.of());
    RoutingNode relayNode = smallBudgetNode(1, List.of(address(0)));
    linkUp(parent, relayNode);
    List<Outbound> toParent = new ArrayList<>();
    int subtree = 300;
    for (int i = 0; i < subtree; i++) {
      Identity id = Identities.identity(30_000 + i);
      Certificate cert = TestNetwork.of(NETWORK).certify(id.address()).validity(Validity.fixed())
          .issue();
      relayNode.linkUp(id.address(), 1, clock.instant());
      NodeState s = NodeState.sign(id, cert, List.of(new ParentLink(address(1), 1)),
          Optional.of(address(1)), List.of(), 1, clock.instant().plus(SMALL_SETTINGS.stateLifetime()));
      toParent.addAll(relayNode.receive(id.address(), new StateUpdate(List.of(s)), clock.instant())
          .messages());
    }
    int messages = deliver(toParent, parent);
    assertThat(messages).as("sent at once: up to the message burst less its margin (30), less what"
        + " the link up took").isBetween(20, 30);
    for (int i = 0; i < 1000 && !relayNode.nextTimer().isAfter(clock.instant().plusSeconds(60));
        i++) {
      Duration wait = Duration.between(clock.instant(), relayNode.nextTimer());
      if (!wait.isNegative() && !wait.isZero()) {
        clock.advance(wait);
      }
      messages += deliver(relayNode.tick(clock.instant()).messages(), parent);
    }

    assertThat(parent.counters().dropped(Drop.MESSAGE_BUDGET)).isZero();
    assertThat(parent.counters().dropped(Drop.SIGNATURE_BUDGET)).isZero();
    for (int i = 0; i < subtree; i++) {
      assertThat(parent.knows(Identities.identity(30_000 + i).address())).as("state %d", i).isTrue();
    }
    assertThat(relayNode.counters().messagesPaced()).isPositive();
    // 30 messages of one state at once, then 120 states in one (the rest of the check share),
    // then one state a message at the check rate (10 a second, under the message rate)
    assertThat(messages).as("the held-back updates merged").isLessThan(subtree * 2 / 3);
    assertThat(clock.instant()).as("the last sent at the check rate, not at a refresh")
        .isAfter(T0.plusSeconds(14)).isBefore(T0.plusSeconds(40));
  }

  /**
   * The pacer's backlog is bounded: lookups that children send up faster than the parent's
   * budget takes them (each child within its own budget here) wait up to
   * {@link io.staex.routing.internal.SendPacer#MAX_WAITING_PER_NEIGHBOUR}; the rest are dropped
   * at the relay and counted, as the parent dropped them before the pacer. Without the bound the
   * relay's memory grew with the flood for as long as it lasted.
   */
  @Test
  void lookupsSentUpFasterThanTheParentTakesThem_waitUpToTheBound_theRestDroppedAndCounted() {
    RoutingNode parent = smallBudgetNode(0, List.of());
    RoutingNode relayNode = smallBudgetNode(1, List.of(address(0)));
    linkUp(parent, relayNode);
    int children = 40;
    List<Identity> kids = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      Identity id = Identities.identity(40_000 + i);
      Certificate cert = TestNetwork.of(NETWORK).certify(id.address()).validity(Validity.fixed())
          .issue();
      relayNode.linkUp(id.address(), 1, clock.instant());
      deliver(relayNode.receive(id.address(), new StateUpdate(List.of(NodeState.sign(id, cert,
          List.of(new ParentLink(address(1), 1)), Optional.of(address(1)), List.of(), 1,
          clock.instant().plus(SMALL_SETTINGS.stateLifetime())))), clock.instant()).messages(), parent);
      kids.add(id);
    }
    // let the states' own backlog go first
    drainInto(relayNode, parent, 120);
    long before = parent.counters().messagesIn();

    // each child sends its whole burst of lookups for names nobody holds: all go up
    int sent = 0;
    for (Identity kid : kids) {
      for (int j = 0; j < SMALL.messageBurst(); j++) {
        deliver(relayNode.receive(kid.address(), new LookupRequest(sent++,
            kid.address(), NETWORK.address(), "nobody-" + j, 8), clock.instant()).messages(),
            parent);
      }
    }
    assertThat(relayNode.counters().dropped(Drop.MESSAGE_BUDGET)).as("each child kept to its"
        + " budget").isZero();
    long dropped = relayNode.counters().dropped(Drop.SEND_BACKLOG);
    assertThat(dropped).as("the flood went beyond what may wait").isPositive();
    assertThat(dropped).as("beyond the bound, dropped at the relay")
        .isEqualTo(sent - io.staex.routing.internal.SendPacer.MAX_WAITING_PER_NEIGHBOUR
            - (parent.counters().messagesIn() - before));

    drainInto(relayNode, parent, 200);
    assertThat(parent.counters().messagesIn() - before).as("what waited reached the parent")
        .isEqualTo(sent - dropped);
    assertThat(parent.counters().dropped(Drop.MESSAGE_BUDGET)).isZero();
  }

  /**
   * Issue 14, the 100 000-node cold start with the backlog bound: view changes that wait for the
   * parent's budget must all arrive, however they alternate. Here 40 children each send, within
   * their own burst, their state and 20 grandchildren's states, 19 of them withdrawn again right
   * after: the relay passes up 1 600 messages at once, states and withdrawals alternating, against
   * a parent that takes 30. A queue that merged only into its last entry held 1 600 entries and
   * dropped all beyond 1 024 as {@code SEND_BACKLOG} (the 100 000-node run lost 1 295 states
   * so); kept as each node's latest change, nothing is dropped and the parent ends up with
   * exactly what the whole sequence leaves: every child and its last grandchild, no withdrawn one.
   */
  @Test
  void alternatingStatesAndWithdrawalsBeyondTheBound_allArrive_asEachNodesLatestChange() {
    RoutingNode parent = smallBudgetNode(0, List.of());
    RoutingNode relayNode = smallBudgetNode(1, List.of(address(0)));
    linkUp(parent, relayNode);
    List<Outbound> toParent = new ArrayList<>();
    List<Address> kept = new ArrayList<>();
    List<Address> withdrawn = new ArrayList<>();
    int children = 40;
    int grandchildren = 20;
    for (int c = 0; c < children; c++) {
      Identity child = Identities.identity(50_000 + c * 100);
      Certificate childCert = TestNetwork.of(NETWORK).certify(child.address())
          .validity(Validity.fixed()).issue();
      toParent.addAll(relayNode.linkUp(child.address(), 1, clock.instant()).messages());
      toParent.addAll(relayNode.receive(child.address(), new StateUpdate(List.of(NodeState.sign(
          child, childCert, List.of(new ParentLink(address(1), 1)), Optional.of(address(1)),
          List.of(), 1, clock.instant().plus(SMALL_SETTINGS.stateLifetime())))), clock.instant())
          .messages());
      kept.add(child.address());
      for (int g = 1; g <= grandchildren; g++) {
        Identity grandchild = Identities.identity(50_000 + c * 100 + g);
        Certificate cert = TestNetwork.of(NETWORK).certify(grandchild.address())
            .validity(Validity.fixed()).issue();
        toParent.addAll(relayNode.receive(child.address(), new StateUpdate(List.of(NodeState.sign(
            grandchild, cert, List.of(new ParentLink(child.address(), 1)),
            Optional.of(child.address()), List.of(), 1,
            clock.instant().plus(SMALL_SETTINGS.stateLifetime())))), clock.instant()).messages());
        if (g < grandchildren) {
          toParent.addAll(relayNode.receive(child.address(),
              new RoutingMessage.Withdraw(List.of(grandchild.address())), clock.instant())
              .messages());
          withdrawn.add(grandchild.address());
        } else {
          kept.add(grandchild.address());
        }
      }
    }
    assertThat(relayNode.counters().dropped(Drop.MESSAGE_BUDGET)).as("each child kept to its"
        + " budget").isZero();
    assertThat(relayNode.counters().messagesPaced()).as("far beyond the parent's burst")
        .isGreaterThan(io.staex.routing.internal.SendPacer.MAX_WAITING_PER_NEIGHBOUR);
    deliver(toParent, parent);
    drainInto(relayNode, parent, 300);

    assertThat(relayNode.counters().dropped(Drop.SEND_BACKLOG)).isZero();
    assertThat(parent.counters().dropped(Drop.MESSAGE_BUDGET)).isZero();
    assertThat(parent.counters().dropped(Drop.SIGNATURE_BUDGET)).isZero();
    for (Address a : kept) {
      assertThat(parent.knows(a)).as("kept %s", a).isTrue();
    }
    for (Address a : withdrawn) {
      assertThat(parent.knows(a)).as("withdrawn %s", a).isFalse();
    }
  }

  /** Budgets small enough for a few hundred messages to go beyond them. */
  private static final RoutingBudget SMALL = new RoutingBudget(20, 40, 10, 200);

  private static final RoutingSettings SMALL_SETTINGS = RoutingSettings.defaults().withBudget(SMALL);

  /** Node {@code index} with {@link #SMALL} budgets and {@code parents}. */
  private RoutingNode smallBudgetNode(int index, List<Address> parents) {
    return new RoutingNode(NODES.get(index), CERTIFICATES.get(index), parents, List.of(),
        RoutingFixtures.policy(), SMALL_SETTINGS, clock.instant());
  }

  /** Ticks {@code relayNode} at its timers for up to {@code seconds}, delivering to {@code parent}. */
  private void drainInto(RoutingNode relayNode, RoutingNode parent, int seconds) {
    Instant end = clock.instant().plusSeconds(seconds);
    for (int i = 0; i < 100_000 && relayNode.nextTimer().isBefore(end); i++) {
      Duration wait = Duration.between(clock.instant(), relayNode.nextTimer());
      if (!wait.isNegative() && !wait.isZero()) {
        clock.advance(wait);
      }
      deliver(relayNode.tick(clock.instant()).messages(), parent);
    }
  }

  /** Delivers {@code messages} for node 0 to {@code parent} from node 1; how many were for it. */
  private int deliver(List<Outbound> messages, RoutingNode parent) {
    int n = 0;
    for (Outbound o : messages) {
      if (o.to().equals(parent.address())) {
        parent.receive(address(1), o.message(), clock.instant());
        n++;
      }
    }
    return n;
  }

  /** {@code id}'s state as a node below node 1, at sequence {@code sequence}. */
  private StateUpdate subtreeState(Identity id, Certificate cert, long sequence) {
    return new StateUpdate(List.of(NodeState.sign(id, cert, List.of(new ParentLink(address(1), 1)),
        Optional.of(address(1)), List.of(), sequence,
        clock.instant().plus(RoutingSettings.defaults().stateLifetime()))));
  }

  private RoutingNode node(int i, List<Address> parents) {
    return new RoutingNode(NODES.get(i), CERTIFICATES.get(i), parents, List.of(),
        RoutingFixtures.policy(), RoutingSettings.defaults(), clock.instant());
  }

  /** Brings up the link between {@code parent} and {@code child} and delivers what each sends. */
  private void linkUp(RoutingNode parent, RoutingNode child) {
    Effects toChild = parent.linkUp(child.address(), 1, clock.instant());
    Effects toParent = child.linkUp(parent.address(), 1, clock.instant());
    for (Outbound o : toParent.messages()) {
      parent.receive(child.address(), o.message(), clock.instant());
    }
    for (Outbound o : toChild.messages()) {
      child.receive(parent.address(), o.message(), clock.instant());
    }
  }

  private static SignedRevocation forged(SignedRevocation r) {
    byte[] bytes = r.encoded().toByteArray();
    bytes[bytes.length - 1] ^= 1;
    try {
      return SignedRevocation.decode(bytes);
    } catch (BadRevocationException e) {
      throw new AssertionError(e);
    }
  }
}
