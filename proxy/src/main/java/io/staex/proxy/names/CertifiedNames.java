package io.staex.proxy.names;

import io.staex.crypto.Address;
import io.staex.crypto.Purpose;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.relay.Relay;
import io.staex.routing.NodeState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves certified names ({@code camera1} of {@code camera1.staex}): the name in a node's
 * certificate, signed by its network key. The name is looked up in every network this node
 * trusts (its own and the configured ones), each through the routing tree ({@link
 * Relay#lookup}: the answer is the named node's signed state, verified), so a lying relay cannot
 * redirect a name and an untrusted network's names never resolve. Two trusted networks claiming
 * the same name is {@link NameResult.Ambiguous}.
 *
 * <p>Found names are cached for {@link #CACHE_TTL}; misses are not. Thread-safe.
 */
public final class CertifiedNames {
  /** How long a found name is answered from the cache. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(30);
  private static final int CACHE_SIZE = 1024;

  private final Relay relay;
  private final TrustPolicy policy;
  private final Duration timeout;
  private final Clock clock;
  /** Guarded by itself. */
  private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private record Cached(NameResult.Found found, Instant until) {}

  /**
   * @param timeout how long to wait for the tree's answers
   */
  public CertifiedNames(Relay relay, TrustPolicy policy, Duration timeout, Clock clock) {
    this.relay = relay;
    this.policy = policy;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** The networks whose names resolve: the own one first, then the trusted ones. */
  public Set<Address> networks() {
    Set<Address> all = new LinkedHashSet<>();
    all.add(policy.ownNetwork());
    all.addAll(policy.trustedNetworks());
    return all;
  }

  /** What {@code name} (a DNS label, any case) stands for; never fails exceptionally. */
  public CompletableFuture<NameResult> resolve(String name) {
    String label = name.toLowerCase(Locale.ROOT);
    synchronized (cache) {
      Cached c = cache.get(label);
      if (c != null && clock.instant().isBefore(c.until())) {
        return CompletableFuture.completedFuture(c.found());
      }
    }
    List<Address> networks = new ArrayList<>(networks());
    List<CompletableFuture<Optional<NodeState>>> asks = new ArrayList<>();
    for (Address network : networks) {
      asks.add(relay.lookup(network, label, timeout));
    }
    return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0]))
        .handle((ok, error) -> {
          List<NameResult.Found> found = new ArrayList<>();
          for (int i = 0; i < asks.size(); i++) {
            Optional<NodeState> state = asks.get(i).getNow(Optional.empty());
            if (state.isPresent() && trusted(state.get())) {
              found.add(new NameResult.Found(state.get().address(), networks.get(i)));
            }
          }
          if (found.isEmpty()) {
            return new NameResult.NotFound();
          }
          if (found.size() > 1) {
            return new NameResult.Ambiguous(found.stream().map(NameResult.Found::network)
                .toList());
          }
          synchronized (cache) {
            cache.put(label, new Cached(found.get(0), clock.instant().plus(CACHE_TTL)));
          }
          return found.get(0);
        });
  }

  private boolean trusted(NodeState state) {
    return policy.check(state.certificate(), Purpose.SESSION, clock.instant()).isAccepted();
  }
}
