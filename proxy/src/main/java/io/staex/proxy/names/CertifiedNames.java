package io.staex.proxy.names;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resolves certified names ({@code camera1} of {@code camera1.staex}): the name in a node's
 * certificate, signed by its network key. The name is looked up in every network this node
 * trusts (its own and the configured ones), each through the routing tree ({@link
 * Relay#lookup}: the answer is the named node's signed state, verified), so a lying relay cannot
 * redirect a name and an untrusted network's names never resolve. Two trusted networks claiming
 * the same name is {@link NameResult.Ambiguous}.
 *
 * <p>A name that can't be certified ({@link Certificate#nameProblem}: not a lower-case DNS label
 * of 1~63 characters, or an address) is {@link NameResult.NotFound} at once, never looked up.
 * Found names are cached
 * for {@link #CACHE_TTL}; misses for {@link #MISS_TTL}, so that a client repeating a miss does
 * not send a lookup to the root each time. Each cache keeps at most {@value #CACHE_SIZE} names,
 * least recently used out first. Thread-safe.
 */
public final class CertifiedNames {
  /** How long a found name is answered from the cache. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(30);
  /** How long a miss (not found, or no answer in time) is answered from the cache. */
  public static final Duration MISS_TTL = Duration.ofSeconds(5);
  /** Names each cache holds at most. */
  public static final int CACHE_SIZE = 1024;
  /** Longest DNS label (RFC 1035 §2.3.4), so longest certified name. */

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

  /** Guarded by itself: label → until when it is a miss. */
  private final Map<String, Instant> misses = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
      return size() > CACHE_SIZE;
    }
  };
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong missHits = new AtomicLong();

  private record Cached(NameResult.Found found, Instant until) {}

  /** Names refused so far without a lookup because they can't be certified names. */
  /** Names held in the cache of found names now (at most {@link #CACHE_SIZE}). */
  public int cached() {
    synchronized (cache) {
      return cache.size();
    }
  }

  /** Names held in the cache of misses now (at most {@link #CACHE_SIZE}). */
  public int missesCached() {
    synchronized (misses) {
      return misses.size();
    }
  }

  public long malformed() {
    return malformed.get();
  }

  /** Lookups answered from the miss cache so far. */
  public long missCacheHits() {
    return missHits.get();
  }

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

  /**
   * Whether {@code name} (a DNS label, any case) would be answered from the cache of found names
   * now ({@code staex resolve} says where an answer came from).
   */
  public boolean isCached(String name) {
    String label = name.toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    synchronized (cache) {
      Cached c = cache.get(label);
      return c != null && now.isBefore(c.until());
    }
  }

  /** What {@code name} (a DNS label, any case) stands for; never fails exceptionally. */
  public CompletableFuture<NameResult> resolve(String name) {
    String label = name.toLowerCase(Locale.ROOT);
    if (Certificate.nameProblem(label) != null) {
      malformed.incrementAndGet();
      return CompletableFuture.completedFuture(new NameResult.NotFound());
    }
    Instant now = clock.instant();
    synchronized (cache) {
      Cached c = cache.get(label);
      if (c != null && now.isBefore(c.until())) {
        return CompletableFuture.completedFuture(c.found());
      }
    }
    synchronized (misses) {
      Instant until = misses.get(label);
      if (until != null && now.isBefore(until)) {
        missHits.incrementAndGet();
        return CompletableFuture.completedFuture(new NameResult.NotFound());
      }
      if (until != null) {
        misses.remove(label);
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
            synchronized (misses) {
              misses.put(label, clock.instant().plus(MISS_TTL));
            }
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
