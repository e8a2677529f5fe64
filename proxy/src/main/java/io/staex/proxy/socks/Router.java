package io.staex.proxy.socks;

import io.netty.util.NetUtil;
import io.staex.crypto.Address;
import io.staex.proxy.socks.Route.Refusal;
import io.staex.proxy.socks.internal.Destinations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The one decision the doors make about a destination (SOCKS CONNECT, HTTP CONNECT and
 * absolute-URI requests): {@code .staex} names and the DNS pool's addresses are nodes of the
 * overlay; anything else goes to the exits ({@code socks.exit}) or, with none, is refused
 * FORBIDDEN, with no connection and no DNS query: nothing leaks.
 *
 * <pre>
 *   &lt;address&gt;.staex, &lt;name&gt;.staex, a pool address  → Overlay (unknown: HOST_UNREACHABLE)
 *   any other name or address, exits set          → Internet(host, the exits that resolve)
 *   any other name or address, no exit            → Refused FORBIDDEN
 * </pre>
 *
 * Thread-safe; futures may complete on any thread.
 */
public final class Router {
  private final SocksTargets targets;
  private final List<String> exits;

  /**
   * @param exits exit nodes' names ({@code gw1.staex}) or {@code <address>.staex}, tried in
   *     order; empty: nothing outside {@code .staex}
   */
  public Router(SocksTargets targets, List<String> exits) {
    this.targets = Objects.requireNonNull(targets, "targets");
    this.exits = List.copyOf(exits);
  }

  /** A router with no exit. */
  public static Router overlayOnly(SocksTargets targets) {
    return new Router(targets, List.of());
  }

  /** The overlay's destinations alone: what UDP ASSOCIATE may reach (no exit carries UDP). */
  public SocksTargets targets() {
    return targets;
  }

  public List<String> exits() {
    return exits;
  }

  /**
   * Routes {@code host}, a name or an IP literal (IPv6 without brackets), as a client gave it.
   */
  public CompletableFuture<Route> route(String host) {
    return route(host, NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host));
  }

  /** Routes {@code host}, which the client said is an IP literal or a name (SOCKS5's type). */
  public CompletableFuture<Route> route(String host, boolean literal) {
    return Destinations.route(targets, literal, host, !exits.isEmpty())
        .thenCompose(r -> r instanceof Route.Internet ? viaExits(((Route.Internet) r).host())
            : CompletableFuture.completedFuture(r));
  }

  /** The exits that resolve, in order; none: HOST_UNREACHABLE. */
  private CompletableFuture<Route> viaExits(String host) {
    List<CompletableFuture<Address>> found = new ArrayList<>();
    for (String e : exits) {
      found.add(Destinations.route(targets, false, e, false).handle((r, x) ->
          r instanceof Route.Overlay ? ((Route.Overlay) r).node() : null));
    }
    return CompletableFuture.allOf(found.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<Address> up = new ArrayList<>();
      for (CompletableFuture<Address> f : found) {
        Address a = f.join();
        if (a != null && !up.contains(a)) {
          up.add(a);
        }
      }
      return up.isEmpty()
          ? new Route.Refused(Refusal.HOST_UNREACHABLE, "no exit of socks.exit " + exits
              + " is known")
          : new Route.Internet(host.toLowerCase(Locale.ROOT), up);
    });
  }
}
