package io.staex.proxy.relay;

import io.staex.proxy.link.LinkSettings;
import io.staex.proxy.link.RedialBackoff;
import io.staex.proxy.link.StartupLimits;
import io.staex.routing.RoutingSettings;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Relay#start} needs besides its event loops, credentials, clock and handler. No
 * defaults here: a node's come from its config ({@code routing} and {@code limits} in {@code
 * reference.conf}), with its {@code listen} and parents added by the node.
 *
 * @param bind where children connect (port 0: any free port); empty: no server, e.g. a leaf
 *     that takes no children
 * @param maxLinks most established links the server holds at once (handshaking connections are
 *     capped by {@code startups})
 * @param parents parents to dial, in priority order (the first up is active); empty for the root
 * @param link link timers, limits and write buffer water marks
 * @param routing routing timers
 * @param backoff delays between dials of a parent
 * @param linkQueueBytes bytes queued for one link (in the relay and in the link) beyond which
 *     frames for it are dropped; at least the link's high water mark
 * @param handshakesPerSecondPerSource new connections accepted per second from one source
 *     prefix (IPv4 /24, IPv6 /64); more are closed before any handshake work
 * @param startups the server's limits on connections whose handshake has not finished
 * @param hellosPerSecondPerLink session HELLOs forwarded or taken per second from one child's
 *     link (its whole subtree), as many saved up; more are dropped and counted
 */
public record RelaySettings(
    Optional<InetSocketAddress> bind, int maxLinks, List<Relay.Parent> parents, LinkSettings link,
    RoutingSettings routing, RedialBackoff backoff, long linkQueueBytes,
    int handshakesPerSecondPerSource, StartupLimits startups, int hellosPerSecondPerLink) {
  public RelaySettings {
    Objects.requireNonNull(startups, "startups");
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(parents, "parents");
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(backoff, "backoff");
    parents = List.copyOf(parents);
    if (maxLinks < 1) {
      throw new IllegalArgumentException("maxLinks: " + maxLinks + " (expected: >= 1)");
    }
    if (linkQueueBytes < link.writeBufferHighWaterMark()) {
      throw new IllegalArgumentException("linkQueueBytes: " + linkQueueBytes
          + " (expected: >= the link's write buffer high water mark "
          + link.writeBufferHighWaterMark() + ")");
    }
    if (handshakesPerSecondPerSource < 1) {
      throw new IllegalArgumentException("handshakesPerSecondPerSource: "
          + handshakesPerSecondPerSource + " (expected: >= 1)");
    }
    if (hellosPerSecondPerLink < 1) {
      throw new IllegalArgumentException("hellosPerSecondPerLink: "
          + hellosPerSecondPerLink + " (expected: >= 1)");
    }
  }

  /** With a server on {@code address} (null: none). */
  public RelaySettings withBind(InetSocketAddress address) {
    return new RelaySettings(Optional.ofNullable(address), maxLinks, parents, link, routing,
        backoff, linkQueueBytes, handshakesPerSecondPerSource, startups, hellosPerSecondPerLink);
  }

  public RelaySettings withMaxLinks(int n) {
    return new RelaySettings(bind, n, parents, link, routing, backoff, linkQueueBytes,
        handshakesPerSecondPerSource, startups, hellosPerSecondPerLink);
  }

  public RelaySettings withParents(List<Relay.Parent> list) {
    return new RelaySettings(bind, maxLinks, list, link, routing, backoff, linkQueueBytes,
        handshakesPerSecondPerSource, startups, hellosPerSecondPerLink);
  }

  public RelaySettings withLink(LinkSettings settings) {
    return new RelaySettings(bind, maxLinks, parents, settings, routing, backoff, linkQueueBytes,
        handshakesPerSecondPerSource, startups, hellosPerSecondPerLink);
  }

  public RelaySettings withRouting(RoutingSettings settings) {
    return new RelaySettings(bind, maxLinks, parents, link, settings, backoff, linkQueueBytes,
        handshakesPerSecondPerSource, startups, hellosPerSecondPerLink);
  }

  public RelaySettings withBackoff(RedialBackoff b) {
    return new RelaySettings(bind, maxLinks, parents, link, routing, b, linkQueueBytes,
        handshakesPerSecondPerSource, startups, hellosPerSecondPerLink);
  }

  public RelaySettings withLinkQueueBytes(long bytes) {
    return new RelaySettings(bind, maxLinks, parents, link, routing, backoff, bytes,
        handshakesPerSecondPerSource, startups, hellosPerSecondPerLink);
  }

  public RelaySettings withStartups(StartupLimits limits) {
    return new RelaySettings(bind, maxLinks, parents, link, routing, backoff, linkQueueBytes,
        handshakesPerSecondPerSource, limits, hellosPerSecondPerLink);
  }

  public RelaySettings withHellosPerSecondPerLink(int n) {
    return new RelaySettings(bind, maxLinks, parents, link, routing, backoff, linkQueueBytes,
        handshakesPerSecondPerSource, startups, n);
  }

  public RelaySettings withHandshakesPerSecondPerSource(int n) {
    return new RelaySettings(bind, maxLinks, parents, link, routing, backoff, linkQueueBytes, n,
        startups, hellosPerSecondPerLink);
  }
}
