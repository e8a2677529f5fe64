package io.staex.routing.internal;

import io.staex.crypto.Address;
import io.staex.routing.NodeState;
import io.staex.routing.Outbound;
import io.staex.routing.RoutingBudget;
import io.staex.routing.RoutingCodec;
import io.staex.routing.RoutingMessage;
import io.staex.routing.RoutingMessage.Rank;
import io.staex.routing.RoutingMessage.StateUpdate;
import io.staex.routing.RoutingMessage.Withdraw;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Keeps this node's routing messages to each neighbour within the budget that neighbour holds
 * it to ({@link RoutingBudget}: messages, and signature checks of the states it sends), so that
 * an honest node is never dropped as a flood (issue 14: at a 100 000-node cold start each of the
 * root's children passed up about 12 000 messages within 0.2 s, three times the message burst,
 * and the root lost two thirds of the network's states until their refresh). A message that
 * fits goes out at once, as before; one that does not waits for its neighbour, and goes when the
 * tokens are back ({@link #readyAt}, which the node's {@code nextTimer} includes).
 *
 * <p>What waits for a neighbour is kept by kind. <b>View changes</b> (state updates and
 * withdrawals) are kept as the latest change per node, in the order of the latest changes: a
 * node's later state replaces its earlier one, a withdrawal replaces a waiting state and a state
 * a waiting withdrawal, and the changed node moves to the end. What the neighbour ends up with
 * is what the whole sequence would have left it with (each node's last change through this
 * link decides), and the states superseded meanwhile never cost it a check. The order of the
 * latest changes need not put a node's new state before its subtree's: the receiver takes each
 * update parents first ({@code RoutingNode.parentsFirst}). This backlog is bounded by the nodes
 * this node knows, however the changes alternate. The <b>rank</b> waits in one slot (a later one says all an earlier one said) and
 * goes after the view changes that waited before it. <b>Everything else</b> (lookups and their
 * answers, explains, revocations, certificates) waits in order, at most {@link
 * #MAX_WAITING_PER_NEIGHBOUR} per neighbour and {@link #MAX_WAITING} in all: only a flood fills
 * that (lookups sent on faster than the neighbour takes them, which the neighbour dropped
 * before the pacer); beyond, a message is dropped here and counted ({@code SEND_BACKLOG}). It
 * does not wait behind view changes that wait for signature checks.
 *
 * <p>The neighbour's budget is taken to be this node's own (a network shares its {@code limits});
 * this node keeps back what 5 s of the rate could bunch up on the way (a stalled link released
 * at once) from each burst, at most a quarter of it: of the defaults, 3 000 of the 4 000 messages
 * and 11 750 of the 12 000 checks go at once. Each state sent counts as a
 * check, though the neighbour checks only those it does not hold: the estimate errs on the
 * side of waiting. A revocation counts only as part of its message: the neighbour usually holds
 * it already and settles it without a check. Not thread-safe (owned by the node).
 */
public final class SendPacer {
  /**
   * Messages other than view changes and ranks that may wait for one neighbour: lookups and
   * explains sent on faster than the neighbour takes them, which only a flood makes. Beyond it a
   * message is dropped here and counted ({@code SEND_BACKLOG}).
   */
  public static final int MAX_WAITING_PER_NEIGHBOUR = 1024;
  /** Such messages that may wait for all neighbours together: the node's memory for them. */
  public static final int MAX_WAITING = 16 * MAX_WAITING_PER_NEIGHBOUR;

  /** What waits for one neighbour. */
  private static final class Backlog {
    /**
     * The latest waiting change per node, in the order to send: its state, or empty for a
     * withdrawal. A node changed again moves to the end.
     */
    final LinkedHashMap<Address, Optional<NodeState>> changes = new LinkedHashMap<>();
    /** The rank waiting, if any. */
    Rank rank;
    /** Other messages, in order. */
    final ArrayDeque<RoutingMessage> others = new ArrayDeque<>();

    boolean isEmpty() {
      return changes.isEmpty() && rank == null && others.isEmpty();
    }

    /** Whether the first change waiting is a state (which needs check tokens too). */
    boolean stateFirst() {
      return !changes.isEmpty() && changes.values().iterator().next().isPresent();
    }

    void add(StateUpdate u) {
      for (NodeState s : u.states()) {
        Optional<NodeState> held = changes.get(s.address());
        if (held != null && held.isPresent() && held.get().sequence() > s.sequence()) {
          continue; // a later state of it waits already
        }
        changes.remove(s.address()); // re-inserted last: the order of the latest changes
        changes.put(s.address(), Optional.of(s));
      }
    }

    void add(Withdraw w) {
      for (Address a : w.nodes()) {
        changes.remove(a);
        changes.put(a, Optional.empty());
      }
    }
  }

  /**
   * How much the delays of messages on one link may differ and still fit the neighbour's
   * buckets: messages sent at the rate for this long and delivered at once take that much more
   * of the neighbour's burst than they took of ours.
   */
  static final java.time.Duration JITTER = java.time.Duration.ofSeconds(5);

  private final LinkBuckets messages;
  private final LinkBuckets checks;
  /** Neighbours with messages waiting, in a repeatable order. */
  private final Map<Address, Backlog> backlogs = new TreeMap<>();
  /** Messages that had to wait, since the node started. */
  private long held;
  /** Other messages waiting now, over all neighbours. */
  private int waitingOthers;

  public SendPacer(RoutingBudget budget) {
    this.messages = new LinkBuckets(budget.messagesPerSecond(),
        share(budget.messageBurst(), budget.messagesPerSecond()));
    this.checks = new LinkBuckets(budget.checksPerSecond(),
        share(budget.checkBurst(), budget.checksPerSecond()));
  }

  /**
   * The part of a neighbour's burst this node uses: all but what {@link #JITTER} of its rate
   * could bunch up on the way (at most a quarter of the burst), at least one.
   */
  static int share(int burst, int perSecond) {
    long margin = Math.min(burst / 4, (long) perSecond * JITTER.toSeconds());
    return (int) Math.max(1, burst - margin);
  }

  /**
   * Sends {@code out}'s messages that fit their neighbour's budget now (into {@code sent}),
   * keeps the rest, and sends what waited and fits now.
   *
   * @return how many of {@code out} were dropped because too many waited already ({@link
   *     #MAX_WAITING_PER_NEIGHBOUR}, {@link #MAX_WAITING})
   */
  public int offer(List<Outbound> out, Instant now, List<Outbound> sent) {
    int dropped = 0;
    for (Outbound o : out) {
      Address to = o.to();
      RoutingMessage m = o.message();
      Backlog b = backlogs.get(to);
      boolean change = m instanceof StateUpdate || m instanceof Withdraw;
      boolean ordered = change || m instanceof Rank; // behind the view changes and rank waiting
      boolean mustWait = b != null
          && (ordered ? !b.changes.isEmpty() || b.rank != null : !b.others.isEmpty());
      if (!mustWait && fits(to, m, now)) {
        take(to, m, now);
        sent.add(o);
        continue;
      }
      if (!ordered
          && ((b != null && b.others.size() >= MAX_WAITING_PER_NEIGHBOUR)
          || waitingOthers >= MAX_WAITING)) {
        dropped++;
        continue;
      }
      if (b == null) {
        b = new Backlog();
        backlogs.put(to, b);
      }
      held++;
      if (m instanceof StateUpdate u) {
        b.add(u);
      } else if (m instanceof Withdraw w) {
        b.add(w);
      } else if (m instanceof Rank r) {
        b.rank = r;
      } else {
        b.others.addLast(m);
        waitingOthers++;
      }
    }
    for (Iterator<Map.Entry<Address, Backlog>> it = backlogs.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Address, Backlog> e = it.next();
      drain(e.getKey(), e.getValue(), now, sent);
      if (e.getValue().isEmpty()) {
        it.remove();
      }
    }
    return dropped;
  }

  /** When the first waiting message may go ({@link Instant#MAX} when none waits). */
  public Instant readyAt() {
    Instant next = Instant.MAX;
    for (Map.Entry<Address, Backlog> e : backlogs.entrySet()) {
      Address to = e.getKey();
      Backlog b = e.getValue();
      Instant at = messages.readyAt(to, 1);
      if (b.others.isEmpty() && b.stateFirst()) {
        Instant check = checks.readyAt(to, 1);
        at = check.isAfter(at) ? check : at;
      }
      next = at.isBefore(next) ? at : next;
    }
    return next;
  }

  /**
   * {@code neighbour}'s link is gone (or replaced by a new connection): what waited for it is
   * dropped with it, as it would have been lost on it. Its buckets stay, as the neighbour's do.
   */
  public void forget(Address neighbour) {
    Backlog b = backlogs.remove(neighbour);
    if (b != null) {
      waitingOthers -= b.others.size();
    }
  }

  /** Forgets the buckets of neighbours not in {@code linked} once they are full again. */
  public void prune(java.util.Set<Address> linked, Instant now) {
    messages.prune(linked, now);
    checks.prune(linked, now);
  }

  /** Messages that had to wait for their neighbour's tokens so far. */
  public long held() {
    return held;
  }

  private boolean fits(Address to, RoutingMessage m, Instant now) {
    if (messages.tokens(to, now) < 1) {
      return false;
    }
    return !(m instanceof StateUpdate u) || checks.tokens(to, now) >= u.states().size();
  }

  private void take(Address to, RoutingMessage m, Instant now) {
    messages.take(to, 1, now);
    if (m instanceof StateUpdate u) {
      checks.take(to, u.states().size(), now);
    }
  }

  /**
   * Sends what waited for {@code to} as far as its tokens go: the other messages first (they
   * need no check and must not wait behind states that do), then the view changes in their
   * order (a run of states as one update, as many as the checks allow; a run of withdrawals as
   * one withdrawal), then the rank.
   */
  private void drain(Address to, Backlog b, Instant now, List<Outbound> sent) {
    while (messages.tokens(to, now) >= 1) {
      if (!b.others.isEmpty()) {
        sent.add(new Outbound(to, b.others.pollFirst()));
        waitingOthers--;
        messages.take(to, 1, now);
      } else if (b.stateFirst()) {
        long room = Math.min(checks.tokens(to, now), RoutingCodec.MAX_STATES_PER_UPDATE);
        if (room < 1) {
          return;
        }
        List<NodeState> first = new ArrayList<>((int) Math.min(room, b.changes.size()));
        for (Optional<NodeState> c : b.changes.values()) {
          if (c.isEmpty() || first.size() == room) {
            break;
          }
          first.add(c.get());
        }
        StateUpdate chunk = RoutingCodec.split(first).get(0); // within the size limit too
        for (NodeState s : chunk.states()) {
          b.changes.remove(s.address());
        }
        take(to, chunk, now);
        sent.add(new Outbound(to, chunk));
      } else if (!b.changes.isEmpty()) {
        List<Address> first = new ArrayList<>();
        for (Iterator<Map.Entry<Address, Optional<NodeState>>> it = b.changes.entrySet().iterator();
            it.hasNext() && first.size() < RoutingCodec.MAX_WITHDRAW; ) {
          Map.Entry<Address, Optional<NodeState>> c = it.next();
          if (c.getValue().isPresent()) {
            break;
          }
          first.add(c.getKey());
          it.remove();
        }
        messages.take(to, 1, now);
        sent.add(new Outbound(to, new Withdraw(first)));
      } else if (b.rank != null) {
        messages.take(to, 1, now);
        sent.add(new Outbound(to, b.rank));
        b.rank = null;
      } else {
        return;
      }
    }
  }
}
