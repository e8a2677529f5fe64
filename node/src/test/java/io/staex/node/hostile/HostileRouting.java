package io.staex.node.hostile;

import io.staex.crypto.Address;
import io.staex.crypto.BadRevocationException;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.routing.NodeState;
import io.staex.routing.ParentLink;
import io.staex.routing.RoutingDecodeException;
import io.staex.routing.RoutingMessage;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Forged routing messages a member can make: revocations not signed by the network key, node
 * states of other nodes not signed by them, withdrawals of nodes that are not below it. Each
 * must be refused by the node that gets it.
 */
public final class HostileRouting {
  private HostileRouting() {}

  /**
   * A REVOKE of {@code victim} with two forged revocations: one signed by the member's own key
   * posing as a network key (a network nobody trusts), and one naming the member's real network
   * whose signature is that key's (bad for the network key).
   */
  public static RoutingMessage.Revoke forgedRevoke(HostileMember member, Address victim) {
    Instant now = Instant.now();
    var untrusted = io.staex.crypto.SignedRevocation.ofNode(member.identity(), victim, now);
    byte[] bytes = untrusted.encoded().toByteArray();
    byte[] network = member.certificate().network().publicKey().toByteArray();
    System.arraycopy(network, 0, bytes, 2, network.length); // version, kind, then the network
    try {
      return new RoutingMessage.Revoke(
          List.of(untrusted, io.staex.crypto.SignedRevocation.decode(bytes)));
    } catch (BadRevocationException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A STATE_UPDATE that names other nodes: {@code victim}'s state (its real, public certificate)
   * claiming the member as its active parent with a sequence far ahead of the real one, signed
   * by the member instead of the victim; the same for a node of no network. {@code victimKey}
   * only lays out the state's bytes: its signature is replaced by the member's, which is what a
   * member without the victim's key can make.
   */
  public static RoutingMessage.StateUpdate forgedStates(HostileMember member, Identity victimKey,
      Certificate victimCertificate, SecureRandom random) {
    Address parent = member.address();
    NodeState real = NodeState.sign(victimKey, victimCertificate,
        List.of(new ParentLink(parent, 1)), Optional.of(parent), List.of(8080),
        Long.MAX_VALUE / 2, Instant.now().plus(Duration.ofMinutes(10)));
    byte[] bytes = real.encode();
    int body = bytes.length - NodeState.SIGNATURE_SIZE;
    byte[] wrong = member.identity().sign(java.util.Arrays.copyOf(bytes, body));
    System.arraycopy(wrong, 0, bytes, body, NodeState.SIGNATURE_SIZE);
    Identity stranger = Identity.generate(random);
    Certificate selfMade = Certificate.issue(stranger, stranger.address(), Optional.empty(), Set.of(),
        Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), random);
    NodeState strangers = NodeState.sign(stranger, selfMade, List.of(new ParentLink(parent, 1)),
        Optional.of(parent), List.of(), 1, Instant.now().plus(Duration.ofMinutes(10)));
    try {
      return new RoutingMessage.StateUpdate(List.of(NodeState.decode(bytes), strangers));
    } catch (RoutingDecodeException e) {
      throw new AssertionError(e);
    }
  }

  /** A WITHDRAW of {@code nodes}, none of which is below the member. */
  public static RoutingMessage.Withdraw forgedWithdraw(Address... nodes) {
    return new RoutingMessage.Withdraw(List.of(nodes));
  }
}
