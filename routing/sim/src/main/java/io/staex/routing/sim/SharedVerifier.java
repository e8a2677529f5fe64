package io.staex.routing.sim;

import io.staex.crypto.Certificate;
import io.staex.crypto.TrustPolicy;
import io.staex.crypto.Verdict;
import io.staex.routing.NodeState;
import io.staex.routing.StateVerifier;
import java.time.Instant;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A memo of accepted verdicts shared by all the simulated nodes, through RoutingNode's {@link
 * StateVerifier} injection point: a state that climbs five levels is verified once, not five
 * times. It changes the CPU the simulation spends, not the answers: only acceptances by the
 * simulation's one policy are remembered, per identical bytes ({@link NodeState#equals}), and a
 * remembered acceptance is used only while the certificate's validity period still covers
 * {@code now}, the one part of the verdict that depends on time (state expiry is checked by
 * RoutingNode itself). Rejections are always recomputed. Entries go when no node holds the
 * state any more.
 */
final class SharedVerifier implements StateVerifier {
  private final TrustPolicy policy;
  private final Map<NodeState, Boolean> accepted = new WeakHashMap<>();
  private long hits;
  private long misses;

  SharedVerifier(TrustPolicy policy) {
    this.policy = policy;
  }

  @Override
  public Verdict verify(NodeState state, TrustPolicy p, Instant now) {
    if (p == policy && accepted.containsKey(state) && valid(state.certificate(), now)) {
      hits++;
      return Verdict.accepted();
    }
    misses++;
    Verdict v = StateVerifier.DIRECT.verify(state, p, now);
    if (v.isAccepted() && p == policy) {
      accepted.put(state, Boolean.TRUE);
    }
    return v;
  }

  private static boolean valid(Certificate c, Instant now) {
    return !now.isBefore(c.notBefore()) && !now.isAfter(c.notAfter());
  }

  long hits() {
    return hits;
  }

  /** Verifications actually done. */
  long misses() {
    return misses;
  }
}
