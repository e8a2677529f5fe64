package io.staex.proxy.relay.internal;

import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import java.util.List;

/**
 * How a packet or notice is edited before it leaves on a link. A relay may change only the TTL
 * and the source route ({@code docs/frames.md}); these four are every edit {@link Forwarding}
 * asks for.
 */
sealed interface Rewrite
    permits Rewrite.AsIs, Rewrite.Forwarded, Rewrite.Rerouted, Rewrite.SourceRouted {

  Rewrite AS_IS = new AsIs();
  Rewrite FORWARDED = new Forwarded();

  LinkFrame.Packet apply(LinkFrame.Packet p);

  LinkFrame.Unreachable apply(LinkFrame.Unreachable u);

  /** Unchanged: this node's own packet, no hop spent yet. */
  record AsIs() implements Rewrite {
    @Override
    public LinkFrame.Packet apply(LinkFrame.Packet p) {
      return p;
    }

    @Override
    public LinkFrame.Unreachable apply(LinkFrame.Unreachable u) {
      return u;
    }
  }

  /** TTL minus one and the route's first hop (the neighbour it goes to) removed. */
  record Forwarded() implements Rewrite {
    @Override
    public LinkFrame.Packet apply(LinkFrame.Packet p) {
      return p.forwarded();
    }

    @Override
    public LinkFrame.Unreachable apply(LinkFrame.Unreachable u) {
      return u.forwarded();
    }
  }

  /**
   * TTL minus one and {@code route} as the source route: a frame that arrived without a route,
   * routed here ({@code route} is this node's path without its first hop).
   */
  record Rerouted(List<NodeKey> route) implements Rewrite {
    public Rerouted {
      route = List.copyOf(route);
    }

    @Override
    public LinkFrame.Packet apply(LinkFrame.Packet p) {
      return p.rerouted(route);
    }

    @Override
    public LinkFrame.Unreachable apply(LinkFrame.Unreachable u) {
      return u.rerouted(route);
    }
  }

  /** {@code route} as the source route, TTL kept: this node's own packet, routed here. */
  record SourceRouted(List<NodeKey> route) implements Rewrite {
    public SourceRouted {
      route = List.copyOf(route);
    }

    @Override
    public LinkFrame.Packet apply(LinkFrame.Packet p) {
      return new LinkFrame.Packet(
          p.ttl(), p.flags(), p.destination(), p.source(), route, p.payload());
    }

    @Override
    public LinkFrame.Unreachable apply(LinkFrame.Unreachable u) {
      return new LinkFrame.Unreachable(u.ttl(), u.reason(), u.source(), u.destination(), route);
    }
  }
}
