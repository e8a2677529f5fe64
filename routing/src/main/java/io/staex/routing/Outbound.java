package io.staex.routing;

import io.staex.crypto.Address;
import java.util.Objects;

/** A routing message for a neighbour. */
public record Outbound(Address to, RoutingMessage message) {
  public Outbound {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
  }
}
