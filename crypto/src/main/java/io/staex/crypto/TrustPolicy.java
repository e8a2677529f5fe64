package io.staex.crypto;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The one place that decides whether a peer may do something: hold a link, open a session.
 *
 * <p>A peer is trusted when its certificate is valid now and signed by the own network or an
 * extra trusted network, or when its node key is pinned (then its certificate must still verify
 * against the network it names); minus revocations of certificate serials, node keys and
 * network keys, given in the configuration or received as {@link SignedRevocation}s. Each
 * {@link Purpose} may further require roles.
 *
 * <p>Thread-safe. The configured part changes only as a whole ({@link #reconfigure}); the signed revocations ({@link
 * #revocations()}) only grow, through {@link #revoke}, and every later {@link #check} and {@link
 * #recheck} sees them. Links and sessions call {@link #recheck} on live peers when a revocation
 * arrives and at their certificate's end.
 */
public final class TrustPolicy {
  /**
   * The revocation bound of a policy built without {@link Builder#maxRevocations} (tests,
   * tools); a node takes {@code staex.trust.max-revocations} from its config instead.
   */
  public static final int DEFAULT_MAX_REVOCATIONS = 10_000;
  /**
   * Extra networks a policy trusts at most ({@code staex.trust.networks}): a node names them in
   * its signed routing state, so that their members may look up its name.
   */
  public static final int MAX_TRUSTED_NETWORKS = 16;

  private final Address ownNetwork;
  /** The configured part; replaced as a whole by {@link #reconfigure} (a node's reload). */
  private volatile Rules rules;
  private final Revocations revocations;

  /** Whom the configuration trusts and refuses: immutable, swapped as one. */
  private record Rules(Set<Address> networks, Set<Address> pinnedNodes, Set<Address> revokedKeys,
      Set<BigInteger> revokedSerials, Map<Purpose, Set<String>> requiredRoles) {}

  private TrustPolicy(Builder b) {
    this.ownNetwork = b.ownNetwork;
    this.rules = rules(b);
    this.revocations = new Revocations(b.maxRevocations);
  }

  private static Rules rules(Builder b) {
    Set<Address> nets = new TreeSet<>(b.extraNetworks);
    nets.add(b.ownNetwork);
    Map<Purpose, Set<String>> roles = new EnumMap<>(Purpose.class);
    b.requiredRoles.forEach((p, r) -> roles.put(p, Collections.unmodifiableSet(new TreeSet<>(r))));
    return new Rules(Collections.unmodifiableSet(nets),
        Collections.unmodifiableSet(new TreeSet<>(b.pinnedNodes)),
        Collections.unmodifiableSet(new TreeSet<>(b.revokedKeys)),
        Collections.unmodifiableSet(new TreeSet<>(b.revokedSerials)),
        Collections.unmodifiableMap(roles));
  }

  /**
   * Takes {@code next}'s configured part (trusted networks, pinned nodes, configured
   * revocations, required roles) in one step, keeping the signed revocations held here (a
   * node's reload of {@code staex.trust}). Every later {@link #check} and {@link #recheck} sees
   * the new rules; live links and sessions are rechecked by their owners. {@code next}'s own
   * network must be this one's, and its revocation bound is not taken (it needs a restart).
   */
  public void reconfigure(TrustPolicy next) {
    if (!next.ownNetwork.equals(ownNetwork)) {
      throw new IllegalArgumentException("own network " + next.ownNetwork + " (expected: "
          + ownNetwork + ", this node's network)");
    }
    this.rules = next.rules;
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
    Rules r = rules;
    Verdict revoked = revocation(r, peer);
    if (revoked != null) {
      return revoked;
    }
    Verdict untrusted = untrusted(r, peer);
    if (untrusted != null) {
      return untrusted;
    }
    Verdict verdict = peer.verify(peer.network(), now);
    if (!verdict.isAccepted()) {
      return verdict;
    }
    for (String role : r.requiredRoles().getOrDefault(purpose, Set.of())) {
      if (!peer.roles().contains(role)) {
        return Verdict.rejected(
            Rejection.MISSING_ROLE,
            "node " + peer.node() + " lacks role '" + role + "' required for "
                + purpose.name().toLowerCase(java.util.Locale.ROOT) + " (has: " + peer.roles() + ")");
      }
    }
    return Verdict.accepted();
  }

  /** WRONG_NETWORK if {@code peer}'s network is not trusted and its key not pinned, else null. */
  private static Verdict untrusted(Rules r, Certificate peer) {
    if (!r.networks().contains(peer.network()) && !r.pinnedNodes().contains(peer.node())) {
      return Verdict.rejected(
          Rejection.WRONG_NETWORK,
          "node " + peer.node() + " belongs to network " + peer.network()
              + ", which is not trusted (trusted: " + r.networks() + "; pinned nodes: "
              + r.pinnedNodes().size() + ")");
    }
    return null;
  }

  /** REVOKED if a configured or signed revocation covers {@code peer}, else null. */
  private Verdict revocation(Rules rules, Certificate peer) {
    Set<BigInteger> revokedSerials = rules.revokedSerials();
    Set<Address> revokedKeys = rules.revokedKeys();
    if (revokedSerials.contains(peer.serial())) {
      return Verdict.rejected(Rejection.REVOKED, "certificate serial " + peer.serial() + " is revoked");
    }
    if (revokedKeys.contains(peer.node())) {
      return Verdict.rejected(Rejection.REVOKED, "node key " + peer.node() + " is revoked");
    }
    if (revokedKeys.contains(peer.network())) {
      return Verdict.rejected(Rejection.REVOKED, "network key " + peer.network() + " is revoked");
    }
    Optional<SignedRevocation> signed = revocations.covering(peer);
    if (signed.isPresent()) {
      SignedRevocation r = signed.get();
      return Verdict.rejected(Rejection.REVOKED, "certificate of node " + peer.node()
          + " (serial " + peer.serial().toString(16) + ") revoked by network " + r.network()
          + " (" + r.target() + ", issued " + r.issuedAt() + ")");
    }
    return null;
  }

  /**
   * Is a peer that passed {@link #check} when its link or session began still acceptable at
   * {@code now}? Cheap (no signature is verified again): REVOKED if a revocation covers it now,
   * WRONG_NETWORK if its network is no longer trusted nor its key pinned (after {@link
   * #reconfigure}), EXPIRED once past its certificate's not-after, else accepted.
   */
  public Verdict recheck(Certificate peer, Instant now) {
    Rules r = rules;
    Verdict revoked = revocation(r, peer);
    if (revoked != null) {
      return revoked;
    }
    Verdict untrusted = untrusted(r, peer);
    if (untrusted != null) {
      return untrusted;
    }
    if (now.isAfter(peer.notAfter())) {
      return Verdict.rejected(
          Rejection.EXPIRED, "expired at " + peer.notAfter() + ", now " + now);
    }
    return Verdict.accepted();
  }

  /**
   * Applies a signed revocation if its network is trusted here (the own or an extra one), its
   * signature verifies, it is new, and there is room; from then on {@link #check} and {@link
   * #recheck} refuse what it covers. Thread-safe.
   */
  public Revocations.Outcome revoke(SignedRevocation revocation) {
    return revoke(revocation, () -> true);
  }

  /**
   * As {@link #revoke(SignedRevocation)}, but asks {@code mayVerify} right before the one costly
   * step, the signature check, after the cheap ones (trusted network, held already, room): a
   * false answer leaves it unchecked and unapplied ({@link Revocations.Outcome#OVER_BUDGET}).
   * The routing layer passes its neighbour's budget, so a revocation it holds costs nothing.
   */
  public Revocations.Outcome revoke(SignedRevocation revocation, BooleanSupplier mayVerify) {
    if (!rules.networks().contains(revocation.network())) {
      revocations.countUntrusted();
      return Revocations.Outcome.UNTRUSTED_NETWORK;
    }
    return revocations.add(revocation, mayVerify);
  }

  /** The signed revocations applied so far, and their counters. */
  public Revocations revocations() {
    return revocations;
  }

  public Address ownNetwork() {
    return ownNetwork;
  }

  /** The own network and the extra trusted ones. */
  public Set<Address> trustedNetworks() {
    return rules.networks();
  }

  /**
   * The extra trusted networks, less any revoked key: the networks other than its own whose
   * members this node accepts, which it names as guests in its routing state.
   */
  public Set<Address> guestNetworks() {
    Rules r = rules;
    Set<Address> guests = new TreeSet<>(r.networks());
    guests.remove(ownNetwork);
    guests.removeAll(r.revokedKeys());
    return Collections.unmodifiableSet(guests);
  }

  public Set<Address> pinnedNodes() {
    return rules.pinnedNodes();
  }

  /** Builds a {@link TrustPolicy}; not thread-safe. */
  public static final class Builder {
    private final Address ownNetwork;
    private final Set<Address> extraNetworks = new TreeSet<>();
    private final Set<Address> pinnedNodes = new TreeSet<>();
    private final Set<Address> revokedKeys = new TreeSet<>();
    private final Set<BigInteger> revokedSerials = new TreeSet<>();
    private final Map<Purpose, Set<String>> requiredRoles = new EnumMap<>(Purpose.class);
    private int maxRevocations = DEFAULT_MAX_REVOCATIONS;

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

    /**
     * Hold at most {@code max} signed revocations (the node's config sets it: {@code
     * staex.trust.max-revocations}); more are refused and counted.
     */
    public Builder maxRevocations(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("max revocations: " + max + " (expected: >= 0)");
      }
      this.maxRevocations = max;
      return this;
    }

    /**
     * The policy.
     *
     * @throws IllegalArgumentException for more than {@link #MAX_TRUSTED_NETWORKS} extra
     *     networks
     */
    public TrustPolicy build() {
      Set<Address> extra = new TreeSet<>(extraNetworks);
      extra.remove(ownNetwork);
      if (extra.size() > MAX_TRUSTED_NETWORKS) {
        throw new IllegalArgumentException(extra.size() + " trusted networks (expected: at most "
            + MAX_TRUSTED_NETWORKS + " besides the own one)");
      }
      return new TrustPolicy(this);
    }
  }
}
