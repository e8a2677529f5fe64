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
        RoutingMessage.Rank,
        RoutingMessage.ExplainRequest,
        RoutingMessage.ExplainAnswer,
        RoutingMessage.PresentCertificate {

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

  /**
   * "What would you do with a packet for {@code target}?" (issue 16, {@code staex trace}; {@code
   * docs/routing.md}, Route explain). Climbs active parents as a packet without a source route
   * does: each node on the way answers the asker with its own decision ({@link ExplainAnswer})
   * and, when that decision is to hand the packet up, sends the request on to its active parent
   * with {@code ttl} one less. The asker's network is never taken from the request: each node
   * reads it from the asker's signed state in its own view, and takes the request only from the
   * neighbour that state came through (the asker itself or the child above it).
   */
  record ExplainRequest(long id, Address asker, Address target, int ttl)
      implements RoutingMessage {
    public ExplainRequest {
      Objects.requireNonNull(asker, "asker");
      Objects.requireNonNull(target, "target");
      if (ttl < 0 || ttl > 255) {
        throw new IllegalArgumentException("ttl: " + ttl + " (expected: 0~255)");
      }
    }
  }

  /**
   * One node's decision for an {@link ExplainRequest}, sent to the asker by source route ({@code
   * route}: the hops still to go, the last one the asker; empty at the asker).
   *
   * @param answerer the node that decided
   * @param decision what it would do
   * @param hops for {@link Decision#FORWARD} the path, hop by hop, with each edge's cost (a name
   *     only for hops of the asker's network); for {@link Decision#UP} its active parent; else
   *     none. At most {@link RoutingCodec#MAX_EXPLAIN_HOPS}.
   */
  record ExplainAnswer(
      long id, List<Address> route, Address answerer, Decision decision, List<ExplainHop> hops)
      implements RoutingMessage {
    public ExplainAnswer {
      route = List.copyOf(route);
      Objects.requireNonNull(answerer, "answerer");
      Objects.requireNonNull(decision, "decision");
      hops = List.copyOf(hops);
    }

    /** The same answer with {@code next} as the hops still to go. */
    public ExplainAnswer withRoute(List<Address> next) {
      return new ExplainAnswer(id, next, answerer, decision, hops);
    }

    /** The path's cost: its edges' costs added up. */
    public int cost() {
      return hops.stream().mapToInt(ExplainHop::cost).sum();
    }

    /** An answering node's decision; the codes are the wire's. */
    public enum Decision {
      /** The target is in its view: forward on this path (a source route). */
      FORWARD(1),
      /**
       * Not in its view (or not one it may tell this asker about): hand it to the active parent,
       * which is asked next.
       */
      UP(2),
      /** The target is the answering node itself. */
      LOCAL(3),
      /** Not in its view and no parent up (the root): the sender would be told NO_ROUTE. */
      NO_ROUTE(4);

      private final int code;

      Decision(int code) {
        this.code = code;
      }

      public int code() {
        return code;
      }

      /** The decision with this code, or null. */
      static Decision fromCode(int code) {
        for (Decision d : values()) {
          if (d.code == code) {
            return d;
          }
        }
        return null;
      }
    }
  }

  /**
   * One hop of an {@link ExplainAnswer}: the node reached, the cost of the edge that reaches it
   * (1~{@link ParentLink#MAX_COST}) and its certified name when the answer may tell it.
   */
  record ExplainHop(Address node, int cost, java.util.Optional<String> name) {
    public ExplainHop {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(name, "name");
      if (cost < 1 || cost > ParentLink.MAX_COST) {
        throw new IllegalArgumentException(
            "cost: " + cost + " (expected: 1~" + ParentLink.MAX_COST + ")");
      }
    }
  }

  /**
   * The sender's renewed certificate, presented on a link that is up (issue 16): the same key,
   * network, name and roles as the certificate its handshake presented, a later end. The
   * receiver checks it as a handshake's ({@code docs/links.md}, "A renewed certificate on a live
   * link") and from then on ends the link at the new certificate's end instead of the old one's.
   * The link is the proof of the key; the certificate's own signature (the network key's) is the
   * proof of the rest.
   */
  record PresentCertificate(io.staex.crypto.Certificate certificate) implements RoutingMessage {
    public PresentCertificate {
      Objects.requireNonNull(certificate, "certificate");
    }
  }
}
