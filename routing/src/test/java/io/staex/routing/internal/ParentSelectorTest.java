package io.staex.routing.internal;

import static io.staex.routing.internal.TestAddresses.a;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Address;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parents A, B, C in that priority order; hold-down one minute. The hold-down applies only to a
 * parent that comes back (its link went down before), so the tests about it first bring that
 * parent up and take it down.
 */
class ParentSelectorTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration HOLD_DOWN = Duration.ofSeconds(60);
  private static final Address A = a(1);
  private static final Address B = a(2);
  private static final Address C = a(3);

  private final ParentSelector selector = new ParentSelector(List.of(A, B, C), HOLD_DOWN);

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void initially_noneActive_noTimer() {
    assertThat(selector.active()).isEmpty();
    assertThat(selector.nextTimer()).isEqualTo(Instant.MAX);
    assertThat(selector.tick(at(1000))).isFalse();
  }

  @Test
  void firstParentUp_becomesActiveAtOnce_evenTheLeastPreferred() {
    assertThat(selector.linkUp(C, at(0))).isTrue();

    assertThat(selector.active()).hasValue(C);
  }

  @Test
  void activeDown_failsOverAtOnceToTheMostPreferredParentUp() {
    selector.linkUp(A, at(0));
    selector.linkUp(C, at(1));
    selector.linkUp(B, at(2));

    assertThat(selector.linkDown(A, at(10))).isTrue();

    assertThat(selector.active()).as("B, not C, and without waiting").hasValue(B);
    assertThat(selector.nextTimer()).isEqualTo(Instant.MAX);
  }

  @Test
  void preferredParentUpForTheFirstTime_takenAtOnce() {
    selector.linkUp(C, at(0));

    assertThat(selector.linkUp(B, at(5))).as("B never went down: no hold-down").isTrue();
    assertThat(selector.active()).hasValue(B);
    assertThat(selector.linkUp(A, at(6))).isTrue();
    assertThat(selector.active()).hasValue(A);
    assertThat(selector.nextTimer()).isEqualTo(Instant.MAX);
  }

  @Test
  void preferredParentBackAfterGoingDown_waitsOutHoldDown() {
    selector.linkUp(A, at(0));
    selector.linkDown(A, at(5)); // before B was even up: it still went down
    assertThat(selector.active()).isEmpty();
    selector.linkUp(B, at(6));

    assertThat(selector.linkUp(A, at(10))).as("A comes back: on probation").isFalse();
    assertThat(selector.active()).hasValue(B);
    assertThat(selector.nextTimer()).isEqualTo(at(70));
    assertThat(selector.tick(at(69))).isFalse();
    assertThat(selector.tick(at(70))).isTrue();
    assertThat(selector.active()).hasValue(A);
  }

  @Test
  void coldStart_backupFirstThenPreferred_switchesAtOnce() {
    // All links come up within milliseconds of each other, the least preferred first.
    assertThat(selector.linkUp(C, T0.plusMillis(1))).isTrue();
    assertThat(selector.linkUp(B, T0.plusMillis(3))).isTrue();
    assertThat(selector.active()).hasValue(B);
    assertThat(selector.linkUp(A, T0.plusMillis(4))).isTrue();

    assertThat(selector.active()).hasValue(A);
    assertThat(selector.nextTimer()).as("nothing on probation").isEqualTo(Instant.MAX);
  }

  @Test
  void firstTimeParent_takenAtOnce_whileAMorePreferredOneWaitsOutItsHoldDown() {
    selector.linkUp(A, at(0));
    selector.linkUp(C, at(0));
    selector.linkDown(A, at(1)); // C takes over
    selector.linkUp(A, at(10)); // on probation until 70

    assertThat(selector.linkUp(B, at(20))).as("B never went down").isTrue();
    assertThat(selector.active()).hasValue(B);
    assertThat(selector.nextTimer()).as("A's hold-down still runs").isEqualTo(at(70));
    assertThat(selector.tick(at(70))).isTrue();
    assertThat(selector.active()).hasValue(A);
  }

  @Test
  void downReportForALinkNeverUp_doesNotCountAsGoingDown() {
    selector.linkUp(B, at(0));
    assertThat(selector.linkDown(A, at(1))).isFalse();

    assertThat(selector.linkUp(A, at(2))).as("A's link was never up, so never went down").isTrue();
    assertThat(selector.active()).hasValue(A);
  }

  @Test
  void preferredParentBack_takenOnlyAfterHoldDown() {
    selector.linkUp(A, at(0));
    selector.linkUp(B, at(0));
    selector.linkDown(A, at(10)); // B takes over

    assertThat(selector.linkUp(A, at(20))).as("A is back, but on probation").isFalse();
    assertThat(selector.active()).hasValue(B);
    assertThat(selector.nextTimer()).isEqualTo(at(80));
    assertThat(selector.tick(at(79))).isFalse();
    assertThat(selector.active()).hasValue(B);

    assertThat(selector.tick(at(80))).as("up for exactly the hold-down").isTrue();
    assertThat(selector.active()).hasValue(A);
    assertThat(selector.nextTimer()).isEqualTo(Instant.MAX);
  }

  @Test
  void lateTick_stillTakesThePreferredParentBack() {
    selector.linkUp(A, at(0));
    selector.linkUp(B, at(0));
    selector.linkDown(A, at(1));
    selector.linkUp(A, at(5));
    assertThat(selector.active()).hasValue(B);

    assertThat(selector.tick(at(500))).isTrue();
    assertThat(selector.active()).hasValue(A);
  }

  @Test
  void holdDownPassedWithoutTick_appliedByTheNextInput() {
    selector.linkUp(A, at(0));
    selector.linkUp(B, at(0));
    selector.linkDown(A, at(1));
    selector.linkUp(A, at(5));
    assertThat(selector.active()).hasValue(B);

    assertThat(selector.linkUp(C, at(70))).as("the rules run at every input's now").isTrue();
    assertThat(selector.active()).hasValue(A);
  }

  @Test
  void flappingPreferredParent_isNeverTakenBack() {
    selector.linkUp(A, at(0));
    selector.linkUp(B, at(0));
    assertThat(selector.linkDown(A, at(5))).isTrue(); // the first drop: B takes over
    for (int t = 10; t < 600; t += 50) {
      // A is up for 40 s, down for 10 s, over and over: never the full minute.
      assertThat(selector.linkUp(A, at(t))).isFalse();
      assertThat(selector.nextTimer()).isEqualTo(at(t + 60));
      assertThat(selector.tick(at(t + 39))).isFalse();
      assertThat(selector.linkDown(A, at(t + 40))).isFalse();
      assertThat(selector.nextTimer()).as("timer cancelled").isEqualTo(Instant.MAX);
      assertThat(selector.tick(at(t + 60))).isFalse();
    }
    assertThat(selector.active()).hasValue(B);
  }

  @Test
  void repeatedLinkUp_doesNotRestartTheHoldDown() {
    selector.linkUp(A, at(0));
    selector.linkUp(B, at(0));
    selector.linkDown(A, at(5));
    selector.linkUp(A, at(10));
    selector.linkUp(A, at(50)); // a duplicate report

    assertThat(selector.nextTimer()).isEqualTo(at(70));
    assertThat(selector.tick(at(70))).isTrue();
  }

  @Test
  void activeDownWhilePreferredOnProbation_takesThePreferredAtOnce() {
    selector.linkUp(A, at(0));
    selector.linkUp(C, at(0));
    selector.linkDown(A, at(5)); // C takes over
    assertThat(selector.linkUp(A, at(10))).as("on probation").isFalse();

    assertThat(selector.linkDown(C, at(20))).isTrue();

    assertThat(selector.active()).hasValue(A);
  }

  @Test
  void severalOnProbation_earliestTimerFirst_mostPreferredDueWins() {
    selector.linkUp(A, at(0));
    selector.linkUp(B, at(0));
    selector.linkUp(C, at(0));
    selector.linkDown(A, at(1));
    selector.linkDown(B, at(2)); // C takes over
    selector.linkUp(B, at(10));
    selector.linkUp(A, at(30));
    assertThat(selector.active()).hasValue(C);
    assertThat(selector.nextTimer()).isEqualTo(at(70));

    assertThat(selector.tick(at(70))).isTrue();
    assertThat(selector.active()).hasValue(B);
    assertThat(selector.nextTimer()).isEqualTo(at(90));
    assertThat(selector.tick(at(90))).isTrue();
    assertThat(selector.active()).hasValue(A);
  }

  @Test
  void allParentsDown_noneActive_thenFirstBackIsActiveAtOnce() {
    selector.linkUp(A, at(0));
    selector.linkUp(B, at(0));

    assertThat(selector.linkDown(B, at(1))).isFalse();
    assertThat(selector.linkDown(A, at(2))).isTrue();
    assertThat(selector.active()).isEmpty();
    assertThat(selector.nextTimer()).isEqualTo(Instant.MAX);

    assertThat(selector.linkUp(B, at(3))).isTrue();
    assertThat(selector.active()).hasValue(B);
    assertThat(selector.linkUp(A, at(4))).as("A comes back: on probation").isFalse();
    assertThat(selector.nextTimer()).isEqualTo(at(64));
  }

  @Test
  void lessPreferredParentUp_whileActiveIsFine_changesNothing() {
    selector.linkUp(A, at(0));

    assertThat(selector.linkUp(C, at(5))).isFalse();
    assertThat(selector.linkDown(C, at(6))).isFalse();
    assertThat(selector.active()).hasValue(A);
    assertThat(selector.nextTimer()).isEqualTo(Instant.MAX);
    assertThat(selector.isUp(C)).isFalse();
  }

  @Test
  void nonParentNeighbours_areIgnored() {
    assertThat(selector.linkUp(a(7), at(0))).isFalse();
    assertThat(selector.linkDown(a(7), at(1))).isFalse();
    assertThat(selector.active()).isEmpty();
    assertThat(selector.isUp(a(7))).isFalse();
  }

  @Test
  void root_hasNoParentEver() {
    ParentSelector root = new ParentSelector(List.of(), HOLD_DOWN);

    assertThat(root.linkUp(A, at(0))).isFalse();
    assertThat(root.active()).isEmpty();
    assertThat(root.nextTimer()).isEqualTo(Instant.MAX);
  }

  @Test
  void badSettings_areRefused() {
    assertThatThrownBy(() -> new ParentSelector(List.of(A, B, A), HOLD_DOWN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: no duplicates");
    assertThatThrownBy(() -> new ParentSelector(List.of(A), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("holdDown: PT0S (expected: > 0)");
  }
}
