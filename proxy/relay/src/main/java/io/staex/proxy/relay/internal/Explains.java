package io.staex.proxy.relay.internal;

import io.netty.util.concurrent.EventExecutor;
import io.staex.proxy.relay.Relay;
import io.staex.routing.RoutingEvent;
import io.staex.routing.RoutingMessage.ExplainAnswer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Route explains ({@code staex trace}) waiting for the answers of the nodes up the tree, by the
 * id the routing node was asked with. Each future completes once: with every answer, nearest
 * first, when one is not {@code UP} (the chain ended), or with those that came when its
 * timeout passed (a timer on the loop, so on the loop's ticker; {@code complete} false). The
 * routing node is then told to forget the id. Confined to the relay's loop.
 */
final class Explains {
  private record Waiting(List<ExplainAnswer> answers, CompletableFuture<Relay.ExplainTrail> result) {}

  private final EventExecutor loop;
  private final LongConsumer forget;
  private final Map<Long, Waiting> waiting = new HashMap<>();
  private long nextId = 1;

  /** @param forget tells the routing node to stop waiting for an id */
  Explains(EventExecutor loop, LongConsumer forget) {
    this.loop = loop;
    this.forget = forget;
  }

  /** The id to ask {@code RoutingNode.explain} with next. */
  long nextId() {
    return nextId++;
  }

  /** Waits at most {@code timeout} for the answers to the explain {@code id}. */
  @SuppressWarnings("FutureReturnValueIgnored") // the timeout checks the table, needs no handle
  void start(long id, Duration timeout, CompletableFuture<Relay.ExplainTrail> result) {
    Waiting w = new Waiting(new ArrayList<>(), result);
    waiting.put(id, w);
    loop.schedule(() -> {
      if (waiting.remove(id, w)) {
        forget.accept(id);
        result.complete(new Relay.ExplainTrail(w.answers(), false));
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Adds the answer {@code event} carries to its explain; other events are nothing. */
  void onEvent(RoutingEvent event) {
    if (!(event instanceof RoutingEvent.ExplainAnswered a)) {
      return;
    }
    Waiting w = waiting.get(a.id());
    if (w == null) {
      return;
    }
    w.answers().add(a.answer());
    if (a.answer().decision() != ExplainAnswer.Decision.UP) {
      waiting.remove(a.id());
      forget.accept(a.id());
      w.result().complete(new Relay.ExplainTrail(w.answers(), true));
    }
  }

  /** Explains still waiting. */
  int waiting() {
    return waiting.size();
  }
}
