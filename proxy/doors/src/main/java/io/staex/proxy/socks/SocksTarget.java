package io.staex.proxy.socks;

import io.staex.crypto.Address;
import java.util.Objects;

/**
 * What a {@code <name>.staex} resolves to ({@link SocksTargets#resolve(String)}).
 *
 * <p>Names outside {@code .staex} never get here: the SOCKS server refuses them (FORBIDDEN,
 * "connection not allowed by ruleset"), so nothing leaks onto the Internet. There is no
 * "direct" target yet.
 */
public sealed interface SocksTarget {
  /** The name belongs to exactly one node, whose signed state the resolver verified. */
  record Node(Address address) implements SocksTarget {
    public Node {
      Objects.requireNonNull(address, "address");
    }
  }

  /** No node carries the name: the client hears HOST_UNREACHABLE. */
  record Unknown() implements SocksTarget {}

  /**
   * More than one node claims the name: the server picks none (HOST_UNREACHABLE), since a
   * guess could send the client's bytes to the wrong device.
   */
  record Ambiguous() implements SocksTarget {}
}
