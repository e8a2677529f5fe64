package io.staex.routing;

import io.staex.crypto.TrustPolicy;
import io.staex.crypto.Verdict;
import java.time.Instant;

/**
 * Checks a received {@link NodeState}'s signature and certificate. The node uses {@link
 * #DIRECT}; a simulator of many nodes in one process may share a memo of verdicts for identical
 * bytes, which changes the CPU it spends, not the answers.
 */
@FunctionalInterface
public interface StateVerifier {
  StateVerifier DIRECT = NodeState::verify;

  Verdict verify(NodeState state, TrustPolicy policy, Instant now);
}
