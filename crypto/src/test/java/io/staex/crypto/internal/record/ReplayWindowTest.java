package io.staex.crypto.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.internal.record.ReplayWindow.Verdict;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

  private final ReplayWindow window = new ReplayWindow();

  @Test
  void firstCounterZero_isFresh() {
    assertThat(window.check(0)).isEqualTo(Verdict.FRESH);
    window.mark(0);
    assertThat(window.check(0)).isEqualTo(Verdict.REPLAYED);
  }

  @Test
  void markedCounter_isReplayed() {
    window.mark(5);
    assertThat(window.check(5)).isEqualTo(Verdict.REPLAYED);
    assertThat(window.check(4)).isEqualTo(Verdict.FRESH);
    assertThat(window.check(6)).isEqualTo(Verdict.FRESH);
  }

  @Test
  void check_changesNothing() {
    for (int i = 0; i < 3; i++) {
      assertThat(window.check(100)).isEqualTo(Verdict.FRESH);
    }
    assertThat(window.highest()).isZero();
  }

  @Test
  void windowEdge_acceptsExactlySizeRecordsHighestIncluded() {
    long highest = 10_000;
    window.mark(highest);
    assertThat(window.check(highest - ReplayWindow.SIZE + 1)).isEqualTo(Verdict.FRESH);
    assertThat(window.check(highest - ReplayWindow.SIZE)).isEqualTo(Verdict.TOO_OLD);
  }

  @Test
  void reorderedWithinWindow_isFreshOnce() {
    window.mark(3000);
    for (long c = 3000 - ReplayWindow.SIZE + 1; c < 3000; c++) {
      assertThat(window.check(c)).isEqualTo(Verdict.FRESH);
      window.mark(c);
      assertThat(window.check(c)).isEqualTo(Verdict.REPLAYED);
    }
  }

  @Test
  void slidingForward_forgetsBitsThatLeftTheWindow() {
    for (long c = 0; c < 64 * ReplayWindow.WORDS; c++) {
      window.mark(c);
    }
    long far = 64L * ReplayWindow.WORDS * 5 + 17;
    window.mark(far);
    for (long c = far - ReplayWindow.SIZE + 1; c < far; c++) {
      assertThat(window.check(c)).as("counter %d", c).isEqualTo(Verdict.FRESH);
    }
  }

  @Test
  void hugeJump_staysCorrect() {
    window.mark(1);
    window.mark((1L << 60) - 1);
    assertThat(window.check(1)).isEqualTo(Verdict.TOO_OLD);
    assertThat(window.check((1L << 60) - 2)).isEqualTo(Verdict.FRESH);
    assertThat(window.check((1L << 60) - 1)).isEqualTo(Verdict.REPLAYED);
  }

  /** Compares with a naive reference: a set of everything marked and the highest mark. */
  @Property(tries = 300)
  void verdicts_matchNaiveReference(
      @ForAll @Size(max = 400) List<@LongRange(min = 0, max = 6000) Long> counters) {
    ReplayWindow w = new ReplayWindow();
    Set<Long> seen = new HashSet<>();
    long highest = 0;
    for (long c : counters) {
      Verdict expected = c > highest ? Verdict.FRESH
          : highest - c >= ReplayWindow.SIZE ? Verdict.TOO_OLD
          : seen.contains(c) ? Verdict.REPLAYED : Verdict.FRESH;
      assertThat(w.check(c)).as("counter %d after highest %d", c, highest).isEqualTo(expected);
      if (expected == Verdict.FRESH) {
        w.mark(c);
        seen.add(c);
        highest = Math.max(highest, c);
      }
    }
  }
}
