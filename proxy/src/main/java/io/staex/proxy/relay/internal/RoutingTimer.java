package io.staex.proxy.relay.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The routing node's timers (refresh, expiry, withdrawal, hold-down) as one task on the relay's
 * loop, armed for when they are due next ({@code RoutingNode.nextTimer}) and re-armed after every
 * input that may have moved that ({@link #reschedule}) and after each tick. Confined to the loop;
 * after {@link #close} it neither ticks nor arms.
 */
final class RoutingTimer {
  private final Scheduler scheduler;
  private final Clock clock;
  private final Supplier<Instant> due;
  private final Consumer<Instant> tick;
  /** The armed task; null before the first {@link #reschedule}, while it runs, and closed. */
  private Scheduler.Cancellable armed;
  /** What {@link #armed} was armed for. */
  private Instant armedFor;
  private boolean closed;

  /**
   * @param due when the next tick is due ({@code RoutingNode::nextTimer})
   * @param tick runs the due timers at the instant given ({@code RoutingNode.tick} and its
   *     effects)
   */
  RoutingTimer(Scheduler scheduler, Clock clock, Supplier<Instant> due, Consumer<Instant> tick) {
    this.scheduler = scheduler;
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
      armed.cancel();
    }
    long millis = Math.max(0, Duration.between(clock.instant(), next).toMillis());
    armedFor = next;
    armed = scheduler.schedule(this::fire, Duration.ofMillis(millis));
  }

  /** Cancels the armed task; no tick and no arming after this. */
  void close() {
    closed = true;
    if (armed != null) {
      armed.cancel();
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
