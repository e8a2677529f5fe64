package io.staex.routing;

import java.util.EnumMap;
import java.util.Map;

/** Counts of inputs a {@link RoutingNode} dropped, by reason. Not thread-safe (owned by the node). */
public final class RoutingCounters {
  /** Why something was dropped. */
  public enum Drop {
    /** A state whose signature or certificate did not verify. */
    STATE_UNTRUSTED,
    /** A state not newer than the one held. */
    STATE_STALE,
    /** A state already expired, or expiring implausibly far in the future. */
    STATE_EXPIRED,
    /** The view is full ({@code maxStates}). */
    STATE_LIMIT,
    /** A state or withdrawal from a neighbour that is not our child. */
    NOT_A_CHILD,
    /**
     * A withdrawal's entry for a node held through another neighbour, ignored: a subtree that
     * moved (its old way's withdrawal comes late) or a member withdrawing nodes not below it.
     */
    WITHDRAW_NOT_VIA,
    /** A message for a route that does not lead anywhere from here. */
    BAD_ROUTE,
    /** A lookup whose TTL ran out. */
    TTL_EXPIRED,
    /** A revocation whose signature did not verify, or from a network not trusted here. */
    REVOCATION_INVALID,
    /** A valid new revocation refused because the node holds its maximum already. */
    REVOCATION_LIMIT,
    /** A message beyond its neighbour's routing-message budget ({@link RoutingBudget}). */
    MESSAGE_BUDGET,
    /**
     * A state or revocation not held yet, dropped unchecked: its neighbour's signature-check
     * budget ({@link RoutingBudget}) was spent.
     */
    SIGNATURE_BUDGET,
    /**
     * A route explain request ({@code staex trace}) whose asker is not in this node's view below
     * the neighbour it came from (a member asking in another node's name, or a request sent
     * down): never answered.
     */
    EXPLAIN_FORGED,
    /**
     * A route explain request beyond its neighbour's rate ({@link
     * RoutingBudget#explainsPerSecond}): not answered, not sent on.
     */
    EXPLAIN_LIMITED,
    /**
     * A route explain answer for no trace waiting here, or not from the node the trace asked
     * next.
     */
    EXPLAIN_UNEXPECTED,
    /**
     * A name lookup whose asker is not in this node's view below the neighbour it came from (a
     * member asking in another node's name, or a request sent down): never answered nor sent on.
     */
    LOOKUP_FORGED,
    /**
     * One of this node's own messages that would have waited for its neighbour's budget
     * ({@code SendPacer}) beyond what may wait: {@code MAX_WAITING_PER_NEIGHBOUR} per neighbour
     * or {@code MAX_WAITING} in all. Only a flood reaches it (lookups sent up faster than the
     * parent's budget takes them); an honest backlog merges into a few waiting updates.
     */
    SEND_BACKLOG
  }

  private final Map<Drop, Long> drops = new EnumMap<>(Drop.class);
  private long messagesIn;
  private long messagesOut;
  private long messagesPaced;

  void drop(Drop reason) {
    drop(reason, 1);
  }

  void drop(Drop reason, long n) {
    if (n > 0) {
      drops.merge(reason, n, Long::sum);
    }
  }

  void in() {
    messagesIn++;
  }

  void out(int n) {
    messagesOut += n;
  }

  void paced(long total) {
    messagesPaced = total;
  }

  /**
   * Routing messages this node held back, so far, because they did not fit their neighbour's
   * budget yet ({@link RoutingBudget}); they went later, merged with what followed them.
   */
  public long messagesPaced() {
    return messagesPaced;
  }

  public long dropped(Drop reason) {
    return drops.getOrDefault(reason, 0L);
  }

  public long messagesIn() {
    return messagesIn;
  }

  public long messagesOut() {
    return messagesOut;
  }

  /** A copy of these counters as they are now (for a status snapshot taken on another thread). */
  public RoutingCounters copy() {
    RoutingCounters c = new RoutingCounters();
    c.drops.putAll(drops);
    c.messagesIn = messagesIn;
    c.messagesOut = messagesOut;
    c.messagesPaced = messagesPaced;
    return c;
  }

  @Override
  public String toString() {
    return "RoutingCounters[in=" + messagesIn + ", out=" + messagesOut + ", paced="
        + messagesPaced + ", dropped=" + drops + "]";
  }
}
