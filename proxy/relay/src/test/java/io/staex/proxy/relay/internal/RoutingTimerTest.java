package io.staex.proxy.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The routing timer on a {@link ManualClock}'s loop: armed once per due instant (a second task
 * armed would tick twice), ticking when due, at the clock's instant.
 */
class RoutingTimerTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final ManualClock clock = new ManualClock(T0);
  /** What the routing node would answer to nextTimer(): its tick moves it 10 s on. */
  Instant due = T0.plusSeconds(10);
  final List<Instant> ticks = new ArrayList<>();
  final RoutingTimer timer = new RoutingTimer(clock.loop(), clock, () -> due, this::tick);

  void tick(Instant now) {
    ticks.add(now);
    due = now.plusSeconds(10);
  }

  @Test
  void ticksWhenDue_atTheClocksInstant() {
    timer.reschedule();

    clock.advance(Duration.ofMillis(9_999));
    assertThat(ticks).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(ticks).containsExactly(T0.plusSeconds(10));
  }

  @Test
  void afterATick_armsForTheNextDueInstant_withoutBeingAsked() {
    timer.reschedule();

    clock.advance(Duration.ofSeconds(30));
    assertThat(ticks).containsExactly(T0.plusSeconds(10), T0.plusSeconds(20), T0.plusSeconds(30));
    clock.advance(Duration.ofSeconds(10));
    assertThat(ticks).as("armed again, once").hasSize(4);
  }

  @Test
  void sameDueInstant_armsOnce() {
    timer.reschedule();
    timer.reschedule();
    timer.reschedule();

    clock.advance(Duration.ofSeconds(10));
    assertThat(ticks).containsExactly(T0.plusSeconds(10));
  }

  @Test
  void dueInstantMoved_replacesTheArmedTask() {
    timer.reschedule();
    due = T0.plusSeconds(3);
    timer.reschedule();

    clock.advance(Duration.ofSeconds(3));
    assertThat(ticks).containsExactly(T0.plusSeconds(3));
    due = T0.plusSeconds(100); // the first task, had it stayed armed, would tick at 10 s
    timer.reschedule();
    clock.advance(Duration.ofSeconds(10));
    assertThat(ticks).containsExactly(T0.plusSeconds(3));
  }

  @Test
  void dueInThePast_ticksAtOnce() {
    due = T0.minusSeconds(1);
    timer.reschedule();

    clock.advance(Duration.ZERO);
    assertThat(ticks).containsExactly(T0);
  }

  @Test
  void closed_cancelsAndNeverArmsAgain() {
    timer.reschedule();
    timer.close();
    timer.reschedule();

    clock.advance(Duration.ofMinutes(1));
    assertThat(ticks).isEmpty();
  }

  @Test
  void closedByItsOwnTick_doesNotArmAgain() {
    RoutingTimer[] self = new RoutingTimer[1];
    self[0] = new RoutingTimer(clock.loop(), clock, () -> due, now -> {
      ticks.add(now);
      self[0].close();
    });
    self[0].reschedule();

    clock.advance(Duration.ofMinutes(1));
    assertThat(ticks).containsExactly(T0.plusSeconds(10));
  }
}
