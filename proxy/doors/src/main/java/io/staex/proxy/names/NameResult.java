package io.staex.proxy.names;

import io.staex.crypto.Address;
import java.util.List;
import java.util.Objects;

/** What a certified name ({@code <name>.staex}) stands for among the trusted networks. */
public sealed interface NameResult permits NameResult.Found, NameResult.NotFound,
    NameResult.Ambiguous {

  /** Exactly one trusted network certifies a node with this name. */
  record Found(Address node, Address network) implements NameResult {
    public Found {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(network, "network");
    }
  }

  /** No trusted network has a node of that name (or no answer came in time). */
  record NotFound() implements NameResult {}

  /** Several trusted networks claim the name: refused, never a coin toss. */
  record Ambiguous(List<Address> networks) implements NameResult {
    public Ambiguous {
      networks = List.copyOf(networks);
    }
  }
}
