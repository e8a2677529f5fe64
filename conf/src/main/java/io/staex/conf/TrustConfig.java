package io.staex.conf;

import io.staex.crypto.Address;
import io.staex.crypto.TrustPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code staex.trust}: whom to trust beyond the own network, which is always trusted.
 *
 * @param networks extra network keys whose certified nodes are trusted
 * @param nodes node keys trusted whatever network certified them (pinned)
 * @param revoked keys and certificate serials refused even if otherwise trusted
 * @param maxRevocations signed revocations held at most ({@code max-revocations})
 * @param revocationsFile where the node keeps the signed revocations it learns, to hold them
 *     across restarts ({@code revocations-file}); empty: nowhere
 */
public record TrustConfig(
    List<Address> networks, List<Address> nodes, List<Revocation> revoked, int maxRevocations,
    Optional<Path> revocationsFile) {
  public TrustConfig {
    Objects.requireNonNull(revocationsFile, "revocationsFile");
    networks = List.copyOf(networks);
    nodes = List.copyOf(nodes);
    revoked = List.copyOf(revoked);
    if (maxRevocations < 0) {
      throw new IllegalArgumentException(
          "max-revocations: " + maxRevocations + " (expected: >= 0)");
    }
  }

  /** As the canonical constructor, keeping no revocations file. */
  public TrustConfig(
      List<Address> networks, List<Address> nodes, List<Revocation> revoked, int maxRevocations) {
    this(networks, nodes, revoked, maxRevocations, Optional.empty());
  }

  /** Trust nothing beyond the own network; hold at most {@code maxRevocations} revocations. */
  public static TrustConfig none(int maxRevocations) {
    return new TrustConfig(List.of(), List.of(), List.of(), maxRevocations);
  }

  /** The policy of a node of {@code ownNetwork} with this configuration. */
  public TrustPolicy policy(Address ownNetwork) {
    TrustPolicy.Builder builder = TrustPolicy.builder(ownNetwork).maxRevocations(maxRevocations);
    networks.forEach(builder::trustNetwork);
    nodes.forEach(builder::pinNode);
    for (Revocation r : revoked) {
      if (r instanceof Revocation.Key) {
        builder.revokeKey(((Revocation.Key) r).key());
      } else {
        builder.revokeSerial(((Revocation.Serial) r).serial());
      }
    }
    return builder.build();
  }
}
