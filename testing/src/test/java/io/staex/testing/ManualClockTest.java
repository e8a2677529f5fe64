package io.staex.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// The tests schedule tasks to watch them run: what they do is checked, not their futures.
@SuppressWarnings("FutureReturnValueIgnored")
class ManualClockTest {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  final ManualClock clock = new ManualClock(START);
  /** What ran, as "name@millis since start". */
  final List<String> ran = new ArrayList<>();

  Runnable record(String name) {
    return () -> ran.add(name + "@" + TimeUnit.NANOSECONDS.toMillis(clock.nanoTime()));
  }

  @Test
  void wallTimeAndTicker_moveTogether_andOnlyWhenTold() {
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.nanoTime()).isZero();
    clock.advance(Duration.ofMillis(1500));
    clock.advanceMillis(500); // the ticker's way moves the wall clock too
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(2));
    assertThat(clock.nanoTime()).isEqualTo(2_000_000_000L);
    assertThat(clock.loop().ticker()).isSameAs(clock);
  }

  @Test
  void timersRunAtTheirOwnTime_inOrder_includingOnesScheduledOnTheWay() {
    EventLoop loop = clock.loop();
    loop.schedule(record("b"), 300, TimeUnit.MILLISECONDS);
    loop.schedule(() -> {
      record("a").run();
      loop.schedule(record("a+150"), 150, TimeUnit.MILLISECONDS);
      loop.execute(record("a's task"));
    }, 100, TimeUnit.MILLISECONDS);
    loop.scheduleAtFixedRate(record("tick"), 200, 200, TimeUnit.MILLISECONDS);
    loop.schedule(record("late"), 1001, TimeUnit.MILLISECONDS);

    clock.advance(Duration.ofSeconds(1));

    assertThat(ran).containsExactly("a@100", "a's task@100", "tick@200", "a+150@250", "b@300",
        "tick@400", "tick@600", "tick@800", "tick@1000");
    assertThat(clock.nanoTime()).isEqualTo(1_000_000_000L);
    clock.advance(Duration.ofMillis(1));
    assertThat(ran).endsWith("late@1001");
  }

  @Test
  void runTasks_runsWhatIsQueuedAndDue_withoutMovingTime() {
    EventLoop loop = clock.loop();
    loop.execute(() -> loop.execute(record("queued by a task")));
    loop.schedule(record("due now"), 0, TimeUnit.MILLISECONDS);
    loop.schedule(record("later"), 1, TimeUnit.NANOSECONDS);
    assertThat(ran).isEmpty(); // nothing runs by itself
    clock.runTasks();
    assertThat(ran).containsExactlyInAnyOrder("queued by a task@0", "due now@0");
    assertThat(clock.nanoTime()).isZero();
  }

  @Test
  void taskThatThrows_failsTheCallThatRanIt() {
    // (a timer's own exception fails its future, as on any Netty loop; a task's is rethrown)
    EventLoop loop = clock.loop();
    loop.schedule(() -> loop.execute(() -> {
      throw new IllegalStateException("boom");
    }), 1, TimeUnit.SECONDS);
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(2))).hasMessage("boom");
  }

  @Test
  void sleep_waitsForAnotherThreadToAdvance() throws Exception {
    Thread sleeper = new Thread(() -> {
      try {
        clock.sleep(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    sleeper.start();
    clock.advance(Duration.ofMillis(999));
    sleeper.join(50);
    assertThat(sleeper.isAlive()).isTrue();
    clock.advance(Duration.ofSeconds(5));
    sleeper.join(5000);
    assertThat(sleeper.isAlive()).isFalse();
  }
}
