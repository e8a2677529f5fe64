package io.staex.resolver;

import io.staex.crypto.Address;
import java.util.List;
import java.util.Objects;

/** What a {@link NameResolver} found for a certified name. */
public sealed interface NameAnswer
    permits NameAnswer.Found, NameAnswer.NotFound, NameAnswer.Ambiguous {

  /** The name belongs to {@code node}. */
  record Found(Address node) implements NameAnswer {
    public Found {
      Objects.requireNonNull(node, "node");
    }
  }

  /** No trusted network certifies the name. */
  record NotFound() implements NameAnswer {}

  /** Two or more trusted networks certify the name; {@code networks} are their keys. */
  record Ambiguous(List<Address> networks) implements NameAnswer {
    public Ambiguous {
      networks = List.copyOf(networks);
      if (networks.size() < 2) {
        throw new IllegalArgumentException(
            "networks: " + networks.size() + " (expected: at least 2)");
      }
    }
  }
}
