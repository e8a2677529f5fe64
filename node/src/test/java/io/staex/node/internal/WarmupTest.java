package io.staex.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The warm-up of {@code staex run} ({@code staex.warmup}): real handshakes and records through
 * both layers in memory, within its budget, stoppable. What it buys is measured, not tested
 * here (docs/node.md, "Start-up cache").
 */
class WarmupTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void run_doesItsBudget_handshakesAndRecordsBothWays() throws Exception {
    List<String> steps = new ArrayList<>();
    Warmup.Report r = Warmup.run(new Warmup.Budget(3, 2, 5), () -> false, RANDOM,
        (what, i, nanos) -> steps.add(what + " " + i));

    assertThat(r.handshakes()).isEqualTo(6); // a link and a session handshake per round
    assertThat(r.records()).isEqualTo(3 * (2 + 5) * 2); // each round trip seals two records
    // two 64 KiB-ish DATA records per round, each sealed at the session and at the link
    assertThat(r.bytes()).isGreaterThan(3L * 2 * 2 * 64_000);
    assertThat(r.stopped()).isFalse();
    assertThat(r.cpuNanos()).isPositive();
    assertThat(steps).containsExactly("handshakes 0", "records 0", "handshakes 1", "records 1",
        "handshakes 2", "records 2");
  }

  @Test
  void run_stopsBeforeTheNextRound_whenAsked() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    Warmup.Report r = Warmup.run(new Warmup.Budget(100, 1, 1), () -> asked.incrementAndGet() > 2,
        RANDOM, (what, i, nanos) -> { });

    assertThat(r.stopped()).isTrue();
    assertThat(r.handshakes()).isEqualTo(4);
  }

  @Test
  void start_runsOnADaemonThreadOfItsOwn_andStops() throws Exception {
    Warmup w = Warmup.start(new Warmup.Budget(1_000_000, 1, 1));
    Thread t = Thread.getAllStackTraces().keySet().stream()
        .filter(x -> x.getName().equals("StaexWarmup")).findFirst().orElseThrow();
    assertThat(t.isDaemon()).isTrue();
    w.stop();
    assertThat(w.await(Duration.ofSeconds(30))).isTrue();
  }

  @Test
  void budget_refusesNegatives() {
    assertThatThrownBy(() -> new Warmup.Budget(-1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void defaultBudget_isBounded() {
    // Measured at about 2 s of CPU on a fresh JVM (docs/node.md): keep it small.
    Warmup.Budget d = Warmup.DEFAULT;
    assertThat(d.rounds()).isBetween(1, 100);
    assertThat((long) d.rounds() * (d.bulkRecords() + d.smallRecords())).isLessThan(50_000);
  }
}
