package io.staex.proxy.relay.internal;

import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.relay.RelayCounters;
import java.util.Objects;

/**
 * One thing {@link Forwarding} decided to do with a packet or notice; {@link RelayEngine} carries
 * it out and counts it (the counter named on each).
 */
sealed interface RelayAction
    permits RelayAction.Forward, RelayAction.Deliver, RelayAction.NotifyLocal, RelayAction.Answer,
        RelayAction.Dropped {

  RelayAction DELIVER = new Deliver();

  /**
   * Sends the frame on to the neighbour {@code next} (whose link is up), edited by {@code
   * rewrite}. Counted as forwarded, and as rerouted when {@code aroundDownHop}: its source
   * route's next hop was down, and this node's own path replaced the rest of the route.
   */
  record Forward(NodeKey next, Rewrite rewrite, boolean aroundDownHop) implements RelayAction {
    public Forward {
      Objects.requireNonNull(next, "next");
      Objects.requireNonNull(rewrite, "rewrite");
    }

    Forward(NodeKey next, Rewrite rewrite) {
      this(next, rewrite, false);
    }
  }

  /** The packet is for this node: to {@code RelayHandler.packet}. Counted as delivered. */
  record Deliver() implements RelayAction {}

  /**
   * A packet this node sent to {@code destination} did not arrive or cannot leave: to {@code
   * RelayHandler.unreachable}, without a frame. Counted as an unreachable received.
   */
  record NotifyLocal(NodeKey destination, UnreachableReason reason) implements RelayAction {
    public NotifyLocal {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Sends {@code notice}, new here, about a packet that cannot go on, to the neighbour {@code
   * next} (whose link is up) on the way to the packet's source. Counted as an unreachable sent.
   */
  record Answer(NodeKey next, LinkFrame.Unreachable notice) implements RelayAction {
    public Answer {
      Objects.requireNonNull(next, "next");
      Objects.requireNonNull(notice, "notice");
    }
  }

  /** Counts a drop by {@code reason}. */
  record Dropped(RelayCounters.Drop reason) implements RelayAction {
    public Dropped {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
