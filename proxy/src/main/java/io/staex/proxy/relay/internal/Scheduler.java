package io.staex.proxy.relay.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task later on the relay's loop: the loop's own {@code schedule} ({@link #on}), or in
 * tests a hand that runs tasks when its clock says so. Called on the loop.
 */
interface Scheduler {
  /** Runs {@code task} on the loop after {@code delay} (0 or more); the result cancels it. */
  Cancellable schedule(Runnable task, Duration delay);

  /** A scheduled task. */
  interface Cancellable {
    /** Drops the task if it did not run yet; nothing otherwise. */
    void cancel();
  }

  /** Tasks on {@code loop}, timed by its own clock, to the millisecond. */
  static Scheduler on(EventExecutor loop) {
    return (task, delay) -> {
      ScheduledFuture<?> f = loop.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    };
  }
}
