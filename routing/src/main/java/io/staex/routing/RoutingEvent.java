package io.staex.routing;

import io.staex.crypto.Address;
import java.util.Optional;

/** Things a {@link RoutingNode} reports to the layer above, besides messages to send. */
public sealed interface RoutingEvent
    permits RoutingEvent.ActiveParentChanged, RoutingEvent.LookupResolved, RoutingEvent.LookupFailed,
        RoutingEvent.Revoked, RoutingEvent.OverBudget, RoutingEvent.ExplainAnswered,
        RoutingEvent.CertificatePresented {

  /** The active parent changed (empty: none is up; this node acts as a root). */
  record ActiveParentChanged(Optional<Address> previous, Optional<Address> current)
      implements RoutingEvent {}

  /** A lookup this node asked for was answered with a verified state. */
  record LookupResolved(long id, NodeState state) implements RoutingEvent {}

  /** A lookup this node asked for failed: not found, no parent, or a reply that did not verify. */
  record LookupFailed(long id, String reason) implements RoutingEvent {}

  /**
   * Revocations were applied here (received, or given to {@link RoutingNode#revoked}): the
   * layer above closes the links and sessions of the peers they cover.
   */
  record Revoked(java.util.List<io.staex.crypto.SignedRevocation> revocations)
      implements RoutingEvent {
    public Revoked {
      revocations = java.util.List.copyOf(revocations);
    }
  }

  /**
   * A neighbour went over one of its budgets ({@link RoutingBudget}) in the input just handled:
   * what it sent beyond is dropped and counted ({@link RoutingCounters.Drop#MESSAGE_BUDGET},
   * {@link RoutingCounters.Drop#SIGNATURE_BUDGET}); at most one event per budget and input, for
   * the layer above to log (rate-limited).
   */
  record OverBudget(Address neighbour, Budget budget) implements RoutingEvent {
    /** Which budget. */
    public enum Budget { MESSAGES, SIGNATURE_CHECKS, EXPLAINS }
  }

  /**
   * A node up the tree answered a route explain this node started ({@link
   * RoutingNode#explain}): one event per answering node, nearest first; the trace ends with an
   * answer whose decision is not {@code UP}.
   */
  record ExplainAnswered(long id, RoutingMessage.ExplainAnswer answer) implements RoutingEvent {}

  /**
   * The neighbour presented a renewed certificate on its link ({@link
   * RoutingMessage.PresentCertificate}); its signature check was within the neighbour's budget.
   * The layer above, which holds the link, checks it as a handshake's and takes it or refuses it.
   */
  record CertificatePresented(Address neighbour, io.staex.crypto.Certificate certificate)
      implements RoutingEvent {}
}
