package io.staex.crypto;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The {@link SignedRevocation}s a node has applied: a growing, bounded set that its {@link
 * TrustPolicy} consults on every check. Only {@link TrustPolicy#revoke} adds to it (after
 * checking that the revoking network is trusted). One revocation per (network, target): a second
 * one for the same node key or serial is {@link Outcome#KNOWN}, so a revocation floods the tree
 * once. Thread-safe: lookups are lock-free, additions are serialised.
 */
public final class Revocations {
  /** What became of a revocation offered to {@link TrustPolicy#revoke}. */
  public enum Outcome {
    /** New and valid: applied now. */
    APPLIED,
    /** This network revoked this target already: nothing changed. */
    KNOWN,
    /** The network's signature does not verify: forged or altered. */
    BAD_SIGNATURE,
    /** Signed by a network this node does not trust: it may not revoke anything here. */
    UNTRUSTED_NETWORK,
    /** The set holds its maximum already; the revocation was not applied (nor checked). */
    FULL,
    /**
     * Not checked: the caller's budget for signature checks was spent (a neighbour sending more
     * new revocations than it may, {@code docs/routing.md}). Not applied.
     */
    OVER_BUDGET
  }

  /** A revoked target of one network: a node key or a serial. */
  private record Key(Address network, Address node, BigInteger serial) {
    static Key of(SignedRevocation r) {
      return new Key(r.network(), r.node().orElse(null), r.serial().orElse(null));
    }
  }

  private final int max;
  private final Map<Key, SignedRevocation> held = new ConcurrentHashMap<>();
  /** {@link #held}'s values in the order they were applied; guarded by {@code this}. */
  private final List<SignedRevocation> order = new ArrayList<>();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong known = new AtomicLong();
  private final AtomicLong invalid = new AtomicLong();
  private final AtomicLong full = new AtomicLong();
  private volatile Runnable listener;

  Revocations(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max revocations: " + max + " (expected: >= 0)");
    }
    this.max = max;
  }

  /**
   * Adds {@code r} from a trusted network. The cheap checks come first: known, then room; only
   * then is {@code mayVerify} asked for one signature check (false: {@link Outcome#OVER_BUDGET},
   * unchecked), and the signature checked.
   */
  Outcome add(SignedRevocation r, BooleanSupplier mayVerify) {
    Key key = Key.of(r);
    if (held.containsKey(key)) {
      known.incrementAndGet();
      return Outcome.KNOWN;
    }
    if (held.size() >= max) {
      full.incrementAndGet();
      return Outcome.FULL;
    }
    if (!mayVerify.getAsBoolean()) {
      return Outcome.OVER_BUDGET;
    }
    if (!r.verify()) {
      invalid.incrementAndGet();
      return Outcome.BAD_SIGNATURE;
    }
    synchronized (this) {
      if (held.containsKey(key)) {
        known.incrementAndGet();
        return Outcome.KNOWN;
      }
      if (held.size() >= max) {
        full.incrementAndGet();
        return Outcome.FULL;
      }
      order.add(r);
      held.put(key, r);
    }
    applied.incrementAndGet();
    Runnable l = listener;
    if (l != null) {
      l.run();
    }
    return Outcome.APPLIED;
  }

  /**
   * Runs {@code listener} after each revocation applied, on the thread that applied it (the
   * node keeps its revocations file with it). One listener; null for none.
   */
  public void onApplied(Runnable listener) {
    this.listener = listener;
  }

  void countUntrusted() {
    invalid.incrementAndGet();
  }

  /** The revocation that covers {@code peer} (its network's, for its node key or serial). */
  public Optional<SignedRevocation> covering(Certificate peer) {
    if (held.isEmpty()) {
      return Optional.empty();
    }
    SignedRevocation r = held.get(new Key(peer.network(), peer.node(), null));
    if (r == null) {
      r = held.get(new Key(peer.network(), null, peer.serial()));
    }
    return Optional.ofNullable(r);
  }

  /** Every revocation held, in the order applied. */
  public synchronized List<SignedRevocation> all() {
    return List.copyOf(order);
  }

  public int size() {
    return held.size();
  }

  /** The most revocations held. */
  public int max() {
    return max;
  }

  /** Revocations applied since start. */
  public long applied() {
    return applied.get();
  }

  /** Offered again after they were applied (the flood reaching a node twice): ignored. */
  public long known() {
    return known.get();
  }

  /** Refused: a signature that does not verify, or a network that is not trusted. */
  public long invalid() {
    return invalid.get();
  }

  /** Refused because {@link #max} were held already. */
  public long refusedFull() {
    return full.get();
  }
}
