package io.staex.proxy.socks;

import io.staex.crypto.Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the SOCKS server learns which node a destination means; the node implements it with
 * its name lookup and the DNS resolver's address pool.
 *
 * <p>Error contract: {@link #resolve(String)} may complete on any thread, and exceptionally for
 * a failed lookup (the client then hears FAILURE and the cause is logged); it should complete
 * within the server's handshake timeout, after which the client is closed anyway. Neither
 * method is called for {@code <address>.staex}: the server parses those itself.
 */
public interface SocksTargets {
  /**
   * Resolves a certified name, e.g. {@code camera1.staex} (lower case, no trailing dot, always
   * ending in {@code .staex}).
   */
  CompletableFuture<SocksTarget> resolve(String domain);

  /**
   * The node an address issued by the DNS resolver's pool stands for; empty for any other
   * address (the client hears FORBIDDEN: direct connections are not allowed).
   */
  Optional<Address> resolve(InetAddress address);

  /** Targets for a node without names or a DNS pool: only {@code <address>.staex} works. */
  static SocksTargets addressesOnly() {
    return new SocksTargets() {
      @Override
      public CompletableFuture<SocksTarget> resolve(String domain) {
        return CompletableFuture.completedFuture(new SocksTarget.Unknown());
      }

      @Override
      public Optional<Address> resolve(InetAddress address) {
        return Optional.empty();
      }
    };
  }
}
