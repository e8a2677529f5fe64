package io.staex.proxy.socks;

import io.staex.crypto.Address;
import java.util.List;

/**
 * Where a door (SOCKS, the HTTP proxy) sends a client's destination: the one decision both
 * make, by {@link Router}.
 */
public sealed interface Route {
  /** A node of the overlay: a stream to its port. */
  record Overlay(Address node) implements Route {}

  /**
   * A host outside {@code .staex}, through the exits in order ({@code socks.exit}, the names
   * that resolved).
   */
  record Internet(String host, List<Address> exits) implements Route {
    public Internet {
      exits = List.copyOf(exits);
    }
  }

  /** Refused: what the client hears (SOCKS reply, HTTP status) and why. */
  record Refused(Refusal refusal, String why) implements Route {}

  /** A refusal's kind, which each door maps to its own reply. */
  enum Refusal {
    /** Not allowed (SOCKS 0x02, HTTP 403): outside .staex with no exit. */
    FORBIDDEN,
    /** No such node, no exit reachable (SOCKS 0x04, HTTP 502). */
    HOST_UNREACHABLE,
    /** An address that does not parse (SOCKS 0x08, HTTP 400). */
    ADDRESS_UNSUPPORTED,
    /** The lookup failed (SOCKS 0x01, HTTP 502). */
    FAILURE
  }
}
