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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps this node's routing messages to each neighbour within the budget that neighbour holds
 * it to ({@link RoutingBudget}: messages, and signature checks of the states it sends), so that
 * an honest node is never dropped as a flood (issue 14: at a 100 000-node cold start each of the
 * root's children passed up about 12 000 messages within 0.2 s, three times the message burst,
 * and the root lost two thirds of the network's states until their refresh). A message that
 * fits goes out at once, as before; one that does not waits in its neighbour's queue, in order,
 * and goes when the tokens are back ({@link #readyAt}, which the node's {@code nextTimer}
 * includes). Waiting messages are merged: state updates into one (a node's later state replacing
 * its earlier one, in the later one's place), withdrawals into one, a rank replacing the rank
 * before it; so a backlog of thousands of incremental updates leaves as a few full updates, and
 * the states superseded meanwhile never cost the neighbour a check.
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
   * Messages (merged groups count once) that may wait for one neighbour. An honest backlog is a
   * few merged updates, withdrawals and a rank; what else waits is lookups and explains sent on
   * faster than the neighbour takes them, which only a flood makes (before the pacer they were
   * dropped there). Beyond it a message is dropped here and counted ({@code SEND_BACKLOG}).
   */
  public static final int MAX_WAITING_PER_NEIGHBOUR = 1024;
  /** Messages that may wait for all neighbours together: the node's memory for this. */
  public static final int MAX_WAITING = 16 * MAX_WAITING_PER_NEIGHBOUR;

  /** A message waiting for its neighbour's tokens; updates and withdrawals merge. */
  private static final class Waiting {
    final RoutingMessage message;
    final LinkedHashMap<Address, NodeState> states;
    final LinkedHashSet<Address> withdrawn;

    Waiting(RoutingMessage message) {
      if (message instanceof StateUpdate u) {
        this.message = null;
        this.states = new LinkedHashMap<>();
        this.withdrawn = null;
        merge(u);
      } else if (message instanceof Withdraw w) {
        this.message = null;
        this.states = null;
        this.withdrawn = new LinkedHashSet<>(w.nodes());
      } else {
        this.message = message;
        this.states = null;
        this.withdrawn = null;
      }
    }

    /** Merges {@code next} into this one if both are updates, or withdrawals, or ranks. */
    boolean absorb(RoutingMessage next) {
      if (states != null && next instanceof StateUpdate u) {
        merge(u);
        return true;
      }
      if (withdrawn != null && next instanceof Withdraw w) {
        withdrawn.addAll(w.nodes());
        return true;
      }
      return false;
    }

    private void merge(StateUpdate u) {
      for (NodeState s : u.states()) {
        NodeState held = states.get(s.address());
        if (held == null || s.sequence() >= held.sequence()) {
          // Where it was last sent: a node's states must keep the order of the update that
          // brought them (a node that switched parents sends its own new state before its
          // subtree's, and the receiver re-homes the subtree by the chain of active parents that
          // state starts). Kept in its earlier place, a child's state could arrive before the
          // new state of its parent and be dropped as stale, then withdrawn by the old way.
          states.remove(s.address());
          states.put(s.address(), s);
        }
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
  private final Map<Address, ArrayDeque<Waiting>> queues = new TreeMap<>();
  /** Messages that had to wait, since the node started. */
  private long held;
  /** Messages waiting now, over all neighbours (merged ones count once). */
  private int waiting;

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
   * Sends {@code out}'s messages that fit their neighbour's budget now, in order per neighbour
   * (into {@code sent}), holds the rest, and sends what waited and fits now.
   *
   * @return how many of {@code out} were dropped because too many waited already ({@link
   *     #MAX_WAITING_PER_NEIGHBOUR}, {@link #MAX_WAITING})
   */
  public int offer(List<Outbound> out, Instant now, List<Outbound> sent) {
    int dropped = 0;
    for (Outbound o : out) {
      ArrayDeque<Waiting> q = queues.get(o.to());
      if (q == null && fits(o.to(), o.message(), now)) {
        take(o.to(), o.message(), now);
        sent.add(o);
        continue;
      }
      if (q == null) {
        q = new ArrayDeque<>();
        queues.put(o.to(), q);
      }
      Waiting tail = q.peekLast();
      if (tail != null && tail.absorb(o.message())) {
        held++;
        continue;
      }
      if (tail != null && tail.message instanceof Rank && o.message() instanceof Rank) {
        q.pollLast(); // a later rank says all the earlier one said
        waiting--;
      }
      if (q.size() >= MAX_WAITING_PER_NEIGHBOUR || waiting >= MAX_WAITING) {
        dropped++;
        if (q.isEmpty()) {
          queues.remove(o.to());
        }
        continue;
      }
      held++;
      waiting++;
      q.addLast(new Waiting(o.message()));
    }
    for (Iterator<Map.Entry<Address, ArrayDeque<Waiting>>> it = queues.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Address, ArrayDeque<Waiting>> e = it.next();
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
    for (Map.Entry<Address, ArrayDeque<Waiting>> e : queues.entrySet()) {
      Address to = e.getKey();
      Instant at = messages.readyAt(to, 1);
      if (e.getValue().peekFirst().states != null) {
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
    ArrayDeque<Waiting> q = queues.remove(neighbour);
    if (q != null) {
      waiting -= q.size();
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

  private void drain(Address to, ArrayDeque<Waiting> q, Instant now, List<Outbound> sent) {
    while (!q.isEmpty() && messages.tokens(to, now) >= 1) {
      Waiting w = q.peekFirst();
      if (w.states != null) {
        long room = Math.min(checks.tokens(to, now), RoutingCodec.MAX_STATES_PER_UPDATE);
        if (room < 1) {
          return;
        }
        List<NodeState> first = new ArrayList<>((int) Math.min(room, w.states.size()));
        for (NodeState s : w.states.values()) {
          if (first.size() == room) {
            break;
          }
          first.add(s);
        }
        StateUpdate chunk = RoutingCodec.split(first).get(0); // within the size limit too
        for (NodeState s : chunk.states()) {
          w.states.remove(s.address());
        }
        take(to, chunk, now);
        sent.add(new Outbound(to, chunk));
        if (w.states.isEmpty()) {
          q.pollFirst();
          waiting--;
        }
      } else if (w.withdrawn != null) {
        List<Address> first = new ArrayList<>(Math.min(w.withdrawn.size(), RoutingCodec.MAX_WITHDRAW));
        for (Iterator<Address> it = w.withdrawn.iterator();
            it.hasNext() && first.size() < RoutingCodec.MAX_WITHDRAW; ) {
          first.add(it.next());
          it.remove();
        }
        messages.take(to, 1, now);
        sent.add(new Outbound(to, new Withdraw(first)));
        if (w.withdrawn.isEmpty()) {
          q.pollFirst();
          waiting--;
        }
      } else {
        messages.take(to, 1, now);
        sent.add(new Outbound(to, w.message));
        q.pollFirst();
        waiting--;
      }
    }
  }
}
