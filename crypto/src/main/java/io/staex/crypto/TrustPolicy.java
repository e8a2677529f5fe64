package io.staex.crypto;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one place that decides whether a peer may do something: hold a link, open a session.
 *
 * <p>A peer is trusted when its certificate is valid now and signed by the own network or an
 * extra trusted network, or when its node key is pinned (then its certificate must still verify
 * against the network it names); minus revocations of certificate serials, node keys and
 * network keys. Each {@link Purpose} may further require roles. Immutable and thread-safe.
 */
public final class TrustPolicy {
  private final Address ownNetwork;
  private final Set<Address> networks;
  private final Set<Address> pinnedNodes;
  private final Set<Address> revokedKeys;
  private final Set<BigInteger> revokedSerials;
  private final Map<Purpose, Set<String>> requiredRoles;

  private TrustPolicy(Builder b) {
    this.ownNetwork = b.ownNetwork;
    Set<Address> nets = new TreeSet<>(b.extraNetworks);
    nets.add(b.ownNetwork);
    this.networks = Collections.unmodifiableSet(nets);
    this.pinnedNodes = Collections.unmodifiableSet(new TreeSet<>(b.pinnedNodes));
    this.revokedKeys = Collections.unmodifiableSet(new TreeSet<>(b.revokedKeys));
    this.revokedSerials = Collections.unmodifiableSet(new TreeSet<>(b.revokedSerials));
    Map<Purpose, Set<String>> roles = new EnumMap<>(Purpose.class);
    b.requiredRoles.forEach((p, r) -> roles.put(p, Collections.unmodifiableSet(new TreeSet<>(r))));
    this.requiredRoles = Collections.unmodifiableMap(roles);
  }

  /** A policy that trusts exactly the nodes of {@code ownNetwork}. */
  public static TrustPolicy ofNetwork(Address ownNetwork) {
    return builder(ownNetwork).build();
  }

  public static Builder builder(Address ownNetwork) {
    return new Builder(ownNetwork);
  }

  /**
   * May the holder of {@code peer} do {@code purpose} at {@code now}? Checks, cheapest first:
   * revocation, trusted network or pinned key, the certificate's signature and validity, roles.
   * The caller has already established that the peer holds the certificate's node key (the
   * handshake proves it).
   */
  public Verdict check(Certificate peer, Purpose purpose, Instant now) {
    if (revokedSerials.contains(peer.serial())) {
      return Verdict.rejected(Rejection.REVOKED, "certificate serial " + peer.serial() + " is revoked");
    }
    if (revokedKeys.contains(peer.node())) {
      return Verdict.rejected(Rejection.REVOKED, "node key " + peer.node() + " is revoked");
    }
    if (revokedKeys.contains(peer.network())) {
      return Verdict.rejected(Rejection.REVOKED, "network key " + peer.network() + " is revoked");
    }
    if (!networks.contains(peer.network()) && !pinnedNodes.contains(peer.node())) {
      return Verdict.rejected(
          Rejection.WRONG_NETWORK,
          "node " + peer.node() + " belongs to network " + peer.network()
              + ", which is not trusted (trusted: " + networks + "; pinned nodes: "
              + pinnedNodes.size() + ")");
    }
    Verdict verdict = peer.verify(peer.network(), now);
    if (!verdict.isAccepted()) {
      return verdict;
    }
    for (String role : requiredRoles.getOrDefault(purpose, Set.of())) {
      if (!peer.roles().contains(role)) {
        return Verdict.rejected(
            Rejection.MISSING_ROLE,
            "node " + peer.node() + " lacks role '" + role + "' required for "
                + purpose.name().toLowerCase(java.util.Locale.ROOT) + " (has: " + peer.roles() + ")");
      }
    }
    return Verdict.accepted();
  }

  public Address ownNetwork() {
    return ownNetwork;
  }

  /** The own network and the extra trusted ones. */
  public Set<Address> trustedNetworks() {
    return networks;
  }

  public Set<Address> pinnedNodes() {
    return pinnedNodes;
  }

  /** Builds a {@link TrustPolicy}; not thread-safe. */
  public static final class Builder {
    private final Address ownNetwork;
    private final Set<Address> extraNetworks = new TreeSet<>();
    private final Set<Address> pinnedNodes = new TreeSet<>();
    private final Set<Address> revokedKeys = new TreeSet<>();
    private final Set<BigInteger> revokedSerials = new TreeSet<>();
    private final Map<Purpose, Set<String>> requiredRoles = new EnumMap<>(Purpose.class);

    private Builder(Address ownNetwork) {
      this.ownNetwork = Objects.requireNonNull(ownNetwork, "ownNetwork");
    }

    /** Also trust nodes certified by {@code network}. */
    public Builder trustNetwork(Address network) {
      extraNetworks.add(Objects.requireNonNull(network));
      return this;
    }

    /** Trust this node key whatever network certified it. */
    public Builder pinNode(Address node) {
      pinnedNodes.add(Objects.requireNonNull(node));
      return this;
    }

    /** Refuse this node or network key, even if otherwise trusted or pinned. */
    public Builder revokeKey(Address key) {
      revokedKeys.add(Objects.requireNonNull(key));
      return this;
    }

    /** Refuse the certificate with this serial number. */
    public Builder revokeSerial(BigInteger serial) {
      revokedSerials.add(Objects.requireNonNull(serial));
      return this;
    }

    /** Require {@code role} in the peer's certificate for {@code purpose}. */
    public Builder requireRole(Purpose purpose, String role) {
      String lower = role.toLowerCase(java.util.Locale.ROOT);
      String problem = io.staex.crypto.internal.DnsLabel.problem(lower);
      if (problem != null) {
        throw new IllegalArgumentException("role '" + role + "': " + problem);
      }
      requiredRoles.computeIfAbsent(purpose, p -> new TreeSet<>()).add(lower);
      return this;
    }

    public TrustPolicy build() {
      return new TrustPolicy(this);
    }
  }
}
