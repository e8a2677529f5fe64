package io.staex.routing;

import io.staex.crypto.Address;
import io.staex.crypto.SignedRevocation;
import java.util.List;
import java.util.Objects;

/**
 * Messages between neighbouring nodes' routing layers; the wire form is {@code RoutingCodec}'s.
 * Lookup answers travel by source route: {@code route} lists the hops still to go, the last one
 * the asker; a node that finds the list empty is the asker.
 */
public sealed interface RoutingMessage
    permits RoutingMessage.StateUpdate,
        RoutingMessage.Withdraw,
        RoutingMessage.LookupRequest,
        RoutingMessage.LookupReply,
        RoutingMessage.LookupMiss,
        RoutingMessage.Revoke,
        RoutingMessage.Rank {

  /** States for the receiver's view: the sender's own and its subtree's (child → parent). */
  record StateUpdate(List<NodeState> states) implements RoutingMessage {
    public StateUpdate {
      states = List.copyOf(states);
    }
  }

  /** These nodes left the sender's subtree (child → parent). */
  record Withdraw(List<Address> nodes) implements RoutingMessage {
    public Withdraw {
      nodes = List.copyOf(nodes);
    }
  }

  /** Who in {@code network} has the certified {@code name}? Climbs active parents. */
  record LookupRequest(long id, Address asker, Address network, String name, int ttl)
      implements RoutingMessage {
    public LookupRequest {
      Objects.requireNonNull(asker, "asker");
      Objects.requireNonNull(network, "network");
      Objects.requireNonNull(name, "name");
      if (ttl < 0 || ttl > 255) {
        throw new IllegalArgumentException("ttl: " + ttl + " (expected: 0~255)");
      }
    }
  }

  /** The signed state that has the name; the asker verifies it itself. */
  record LookupReply(long id, List<Address> route, NodeState state) implements RoutingMessage {
    public LookupReply {
      route = List.copyOf(route);
      Objects.requireNonNull(state, "state");
    }
  }

  /** The root does not know the name. */
  record LookupMiss(long id, List<Address> route, Address network, String name)
      implements RoutingMessage {
    public LookupMiss {
      route = List.copyOf(route);
      Objects.requireNonNull(network, "network");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Signed revocations, in any direction: a node that applies one sends it on to every other
   * neighbour, and neighbours hand over what they hold when a link comes up.
   */
  record Revoke(List<SignedRevocation> revocations) implements RoutingMessage {
    public Revoke {
      revocations = List.copyOf(revocations);
    }
  }

  /**
   * The sender's rank (issue 14, {@code docs/routing.md} "Ranks"): its distance in hops from a
   * root along its active parents, 0 at a root, or {@link #DETACHED} when it has no way up. Sent
   * to every neighbour on link up and whenever it changes (parent → child, and child → parent:
   * a detached node may climb through a child that still has a way up).
   */
  record Rank(int rank) implements RoutingMessage {
    /** No way up to a root (RPL's infinite rank); also the value beyond the longest path. */
    public static final int DETACHED = 0xff;

    public Rank {
      if (rank < 0 || rank > DETACHED) {
        throw new IllegalArgumentException("rank: " + rank + " (expected: 0~" + DETACHED + ")");
      }
    }

    public boolean detached() {
      return rank == DETACHED;
    }
  }
}
