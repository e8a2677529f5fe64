package io.staex.proxy.relay.internal;

import io.staex.crypto.Address;
import io.staex.routing.NodeState;
import io.staex.routing.RoutingMessage;

/**
 * One line per routing message at debug level ({@code log.level = debug}, {@code -vv}): what
 * went in and out, in the order the event loop handled it, short enough to follow a subtree's
 * states through a tree. A routing race (an update overtaken by another way's) shows only in
 * that order.
 */
final class RoutingTrace {
  private RoutingTrace() {}

  /**
   * {@code m} in brief: states as {@code node#sequence>activeParent} ({@code -} for none),
   * withdrawals and revocations as the nodes or count, a rank as its value, lookups and
   * explains by id; addresses in their short form.
   */
  static String brief(RoutingMessage m) {
    StringBuilder b = new StringBuilder(64);
    if (m instanceof RoutingMessage.StateUpdate u) {
      b.append("states");
      for (NodeState s : u.states()) {
        b.append(' ').append(s.address().shortText()).append('#').append(s.sequence())
            .append('>').append(s.activeParent().map(Address::shortText).orElse("-"));
      }
    } else if (m instanceof RoutingMessage.Withdraw w) {
      b.append("withdraw");
      w.nodes().forEach(a -> b.append(' ').append(a.shortText()));
    } else if (m instanceof RoutingMessage.Rank r) {
      b.append("rank ").append(r.rank());
    } else if (m instanceof RoutingMessage.Revoke r) {
      b.append("revoke ").append(r.revocations().size());
    } else if (m instanceof RoutingMessage.LookupRequest l) {
      b.append("lookup ").append(l.id());
    } else if (m instanceof RoutingMessage.LookupReply l) {
      b.append("lookup-reply ").append(l.id());
    } else if (m instanceof RoutingMessage.LookupMiss l) {
      b.append("lookup-miss ").append(l.id());
    } else if (m instanceof RoutingMessage.ExplainRequest e) {
      b.append("explain ").append(e.id());
    } else if (m instanceof RoutingMessage.ExplainAnswer e) {
      b.append("explain-answer ").append(e.id());
    } else {
      b.append("certificate"); // PresentCertificate, the last kind of the sealed interface
    }
    return b.toString();
  }
}
