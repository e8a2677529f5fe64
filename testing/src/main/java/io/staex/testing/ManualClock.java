package io.staex.testing;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Test time that moves only when told: wall time (this {@link Clock}, UTC) and monotonic time
 * (this Netty {@link MockTicker}) move together, so code that reads the wall clock from an
 * injected {@code Clock} and runs its timers on its event loop's {@link
 * io.netty.util.concurrent.EventExecutor#ticker() ticker} sees one time.
 *
 * <p>It can also run an event loop on that time, {@link #loop()}: tasks and timers given to it
 * run only inside {@link #runTasks()} and {@link #advance}, on the caller's thread. Put every
 * component of a test (several nodes' layers, say) on this one loop and the whole test runs in
 * one thread, deterministically, without sleeping:
 *
 * <pre>
 *   ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
 *   Sessions a = new Sessions(clock.loop(), ..., clock, ...);   // timers on clock's ticker
 *   ...
 *   clock.runTasks();                        // packets in flight are delivered, nothing timed
 *   clock.advance(Duration.ofSeconds(10));   // each timer due on the way runs at its own time
 * </pre>
 *
 * Time itself is thread-safe; the loop is not: drive it from one thread.
 */
public final class ManualClock extends Clock implements MockTicker {
  private final Instant start;
  /** Nanoseconds since {@link #start}: also the ticker's reading. Guarded by {@code this}. */
  private long elapsed;
  /** Owns {@link #loop()} (Netty's embedded loop has no public constructor); made on first use. */
  private volatile EmbeddedChannel loopOwner;

  public ManualClock(Instant start) {
    this.start = Objects.requireNonNull(start, "start");
  }

  /**
   * Moves time forward by {@code d}. If {@link #loop()} is in use, moves in steps: to each
   * timer that falls due on the way, running it (and what it queues) at its own time, then to
   * the end, running what is due there.
   */
  public void advance(Duration d) {
    advance(d.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** As {@link #advance(Duration)}; the ticker's way to say it. */
  @Override
  public void advance(long amount, TimeUnit unit) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount: " + amount + " " + unit + " (expected: >= 0)");
    }
    if (loopOwner == null) {
      synchronized (this) {
        elapsed += unit.toNanos(amount);
        notifyAll();
      }
      return;
    }
    long target = nanoTime() + unit.toNanos(amount);
    runTasks();
    for (long next = nextTimer(); next >= 0 && nanoTime() + next <= target; next = nextTimer()) {
      setNanos(nanoTime() + next);
      runTasks();
    }
    setNanos(target);
    runTasks();
  }

  /**
   * The event loop that runs on this clock. It runs nothing by itself: {@link #runTasks()} and
   * {@link #advance} run it. Its {@code inEventLoop()} is true on every thread.
   */
  public synchronized EventLoop loop() {
    if (loopOwner == null) {
      loopOwner = EmbeddedChannel.builder().ticker(this).build();
    }
    return loopOwner.eventLoop();
  }

  /**
   * Runs what the loop has to do now, without moving time: queued tasks, the tasks they queue,
   * and timers due now, until nothing is left. Rethrows the first exception a task threw.
   */
  public void runTasks() {
    if (loopOwner == null) {
      return;
    }
    do {
      loopOwner.runPendingTasks();
      loopOwner.checkException();
    } while (loopOwner.hasPendingTasks());
  }

  /** Nanoseconds from now to the loop's next timer, or -1 if it has none. */
  private long nextTimer() {
    long next = loopOwner.runScheduledPendingTasks();
    loopOwner.checkException();
    return next;
  }

  private synchronized void setNanos(long nanos) {
    elapsed = nanos;
    notifyAll();
  }

  // ---- Clock ----

  @Override
  public synchronized Instant instant() {
    return start.plusNanos(elapsed);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("ManualClock is UTC only");
  }

  // ---- Ticker ----

  /** Nanoseconds since this clock was made; moves only with {@link #advance}. */
  @Override
  public synchronized long nanoTime() {
    return elapsed;
  }

  /** Waits until another thread advanced time by {@code delay}: no time passes by itself. */
  @Override
  public synchronized void sleep(long delay, TimeUnit unit) throws InterruptedException {
    long until = elapsed + unit.toNanos(delay);
    while (elapsed < until) {
      wait();
    }
  }
}
