package io.staex.proxy.relay.internal;

import io.netty.util.concurrent.EventExecutor;
import io.staex.crypto.Address;
import io.staex.routing.NodeState;
import io.staex.routing.RoutingEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Name lookups waiting for their answer, by the id the routing node was asked with. Each
 * future completes once: with the verified state ({@code LookupResolved}), empty when the lookup
 * failed ({@code LookupFailed}: not found, no parent, a reply that did not verify), or empty
 * when its timeout passed first (a timer on the loop, so on the loop's ticker); whatever comes
 * later is ignored. Confined to the relay's loop.
 */
final class Lookups {
  private static final Logger log = LoggerFactory.getLogger(Lookups.class);

  private final EventExecutor loop;
  private final Map<Long, CompletableFuture<Optional<NodeState>>> waiting = new HashMap<>();
  private long nextId = 1;

  Lookups(EventExecutor loop) {
    this.loop = loop;
  }

  /**
   * Waits for the answer to a lookup of {@code name} in {@code network}, at most {@code
   * timeout}; returns the id to ask {@code RoutingNode.lookup} with.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // the timeout checks the table, needs no handle
  long start(
      Address network, String name, Duration timeout,
      CompletableFuture<Optional<NodeState>> result) {
    long id = nextId++;
    waiting.put(id, result);
    loop.schedule(() -> {
      if (waiting.remove(id) != null) {
        log.debug("lookup of {} in {} timed out after {}", name, network, timeout);
        result.complete(Optional.empty());
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    return id;
  }

  /** Completes the lookup {@code event} answers, if it still waits; other events are nothing. */
  void onEvent(RoutingEvent event) {
    if (event instanceof RoutingEvent.LookupResolved r) {
      CompletableFuture<Optional<NodeState>> f = waiting.remove(r.id());
      if (f != null) {
        f.complete(Optional.of(r.state()));
      }
    } else if (event instanceof RoutingEvent.LookupFailed r) {
      CompletableFuture<Optional<NodeState>> f = waiting.remove(r.id());
      if (f != null) {
        log.debug("lookup {} failed: {}", r.id(), r.reason());
        f.complete(Optional.empty());
      }
    }
  }

  /** Lookups still waiting. */
  int waiting() {
    return waiting.size();
  }
}
