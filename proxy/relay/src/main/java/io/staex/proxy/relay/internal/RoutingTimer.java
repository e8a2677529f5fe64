package io.staex.proxy.relay.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The routing node's timers (refresh, expiry, withdrawal, hold-down) as one task on the relay's
 * loop, armed for when they are due next ({@code RoutingNode.nextTimer}) and re-armed after every
 * input that may have moved that ({@link #reschedule}) and after each tick. The routing node's
 * times are wall time ({@code clock}); the task waits for their distance from now on the loop's
 * own ticker, as every timer of the loop does. Confined to the loop; after {@link #close} it
 * neither ticks nor arms.
 */
final class RoutingTimer {
  private final EventExecutor loop;
  private final Clock clock;
  private final Supplier<Instant> due;
  private final Consumer<Instant> tick;
  /** The armed task; null before the first {@link #reschedule}, while it runs, and closed. */
  private ScheduledFuture<?> armed;
  /** What {@link #armed} was armed for. */
  private Instant armedFor;
  private boolean closed;

  /**
   * @param due when the next tick is due ({@code RoutingNode::nextTimer})
   * @param tick runs the due timers at the instant given ({@code RoutingNode.tick} and its
   *     effects)
   */
  RoutingTimer(EventExecutor loop, Clock clock, Supplier<Instant> due, Consumer<Instant> tick) {
    this.loop = loop;
    this.clock = clock;
    this.due = due;
    this.tick = tick;
  }

  /** Arms the task for {@code due}, unless it is armed for that instant already. */
  void reschedule() {
    if (closed) {
      return;
    }
    Instant next = due.get();
    if (armed != null && next.equals(armedFor)) {
      return;
    }
    if (armed != null) {
      armed.cancel(false);
    }
    long nanos = Math.max(0, Duration.between(clock.instant(), next).toNanos());
    armedFor = next;
    armed = loop.schedule(this::fire, nanos, TimeUnit.NANOSECONDS);
  }

  /** Cancels the armed task; no tick and no arming after this. */
  void close() {
    closed = true;
    if (armed != null) {
      armed.cancel(false);
      armed = null;
    }
  }

  private void fire() {
    armed = null;
    if (closed) {
      return;
    }
    tick.accept(clock.instant());
    reschedule();
  }
}
