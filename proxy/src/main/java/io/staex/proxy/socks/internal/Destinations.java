package io.staex.proxy.socks.internal;

import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.staex.proxy.socks.Route;
import io.staex.proxy.socks.Route.Refusal;
import io.staex.proxy.socks.SocksTarget;
import io.staex.proxy.socks.SocksTargets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A destination to a {@link Route}: {@link Destination} without I/O, then {@link SocksTargets}
 * for certified names and pool addresses. The one place the doors decide (via {@code Router}).
 */
public final class Destinations {
  private Destinations() {}

  /**
   * Routes {@code host}; with {@code exits}, names and addresses outside the overlay are {@link
   * Route.Internet} with no exits filled in (the router adds them).
   */
  public static CompletableFuture<Route> route(SocksTargets targets, boolean literal,
      String host, boolean exits) {
    Destination d = Destination.of(literal, host, exits);
    if (d instanceof Destination.Node) {
      return done(new Route.Overlay(((Destination.Node) d).address()));
    }
    if (d instanceof Destination.Refused) {
      Destination.Refused r = (Destination.Refused) d;
      return done(new Route.Refused(refusal(r.status()), r.why()));
    }
    if (d instanceof Destination.Internet) {
      return done(new Route.Internet(((Destination.Internet) d).host(), java.util.List.of()));
    }
    if (d instanceof Destination.Ip) {
      Destination.Ip ip = (Destination.Ip) d;
      Optional<io.staex.crypto.Address> a = targets.resolve(ip.address());
      if (a.isPresent()) {
        return done(new Route.Overlay(a.get()));
      }
      return done(exits ? new Route.Internet(host, java.util.List.of())
          : new Route.Refused(Refusal.FORBIDDEN,
              "not an address of the resolver's pool (direct connections are not allowed)"));
    }
    return targets.resolve(((Destination.Name) d).domain()).thenApply(t -> {
      if (t instanceof SocksTarget.Node) {
        return new Route.Overlay(((SocksTarget.Node) t).address());
      }
      return new Route.Refused(Refusal.HOST_UNREACHABLE,
          t instanceof SocksTarget.Ambiguous ? "more than one node claims the name"
              : "no node has the name");
    });
  }

  private static CompletableFuture<Route> done(Route r) {
    return CompletableFuture.completedFuture(r);
  }

  static Refusal refusal(Socks5CommandStatus s) {
    if (s.equals(Socks5CommandStatus.FORBIDDEN)) {
      return Refusal.FORBIDDEN;
    }
    if (s.equals(Socks5CommandStatus.HOST_UNREACHABLE)) {
      return Refusal.HOST_UNREACHABLE;
    }
    if (s.equals(Socks5CommandStatus.ADDRESS_UNSUPPORTED)) {
      return Refusal.ADDRESS_UNSUPPORTED;
    }
    return Refusal.FAILURE;
  }

  /** The SOCKS5 reply of a refusal. */
  public static Socks5CommandStatus status(Refusal r) {
    return switch (r) {
      case FORBIDDEN -> Socks5CommandStatus.FORBIDDEN;
      case HOST_UNREACHABLE -> Socks5CommandStatus.HOST_UNREACHABLE;
      case ADDRESS_UNSUPPORTED -> Socks5CommandStatus.ADDRESS_UNSUPPORTED;
      case FAILURE -> Socks5CommandStatus.FAILURE;
    };
  }
}
