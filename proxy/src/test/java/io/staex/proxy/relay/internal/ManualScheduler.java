package io.staex.proxy.relay.internal;

import io.staex.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} driven by a {@link ManualClock}: tasks run, in the order they are due,
 * when {@link #advance} moves the clock past them, on the test's thread.
 */
final class ManualScheduler implements Scheduler {
  private final ManualClock clock;
  private final List<Task> tasks = new ArrayList<>();
  private long sequence;

  ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  private final class Task implements Cancellable {
    final Instant due;
    final long order = sequence++;
    final Runnable body;

    Task(Instant due, Runnable body) {
      this.due = due;
      this.body = body;
    }

    @Override
    public void cancel() {
      tasks.remove(this);
    }
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    Task t = new Task(clock.instant().plus(delay), task);
    tasks.add(t);
    return t;
  }

  /** Moves the clock by {@code d}, running every task due by then at its own instant. */
  void advance(Duration d) {
    Instant end = clock.instant().plus(d);
    while (true) {
      Task next = tasks.stream()
          .min(Comparator.comparing((Task t) -> t.due).thenComparingLong(t -> t.order))
          .filter(t -> !t.due.isAfter(end))
          .orElse(null);
      if (next == null) {
        break;
      }
      tasks.remove(next);
      if (next.due.isAfter(clock.instant())) {
        clock.advance(Duration.between(clock.instant(), next.due));
      }
      next.body.run();
    }
    clock.advance(Duration.between(clock.instant(), end));
  }

  /** Tasks scheduled and neither run nor cancelled. */
  int pending() {
    return tasks.size();
  }
}
