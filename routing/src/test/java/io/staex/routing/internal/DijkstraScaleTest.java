package io.staex.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keeps the timing harness working; the timing itself is bench/routing-dijkstra.sh's job. */
class DijkstraScaleTest {

  @Test
  void smallRun_reportsGraphAndTimings() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DijkstraScale.run(new String[] {"300", "4", "20", "3", "1"},
        new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("graph: 300 vertices, fan-out 4")
        .contains("300 reachable")
        .contains("full recomputation, 3 runs after 1 warm-up: median");
  }

  @Test
  void badArguments_areRefused() {
    assertThatThrownBy(() -> DijkstraScale.main(new String[] {"1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vertices: 1 (expected: >= 2)");
    assertThatThrownBy(() -> DijkstraScale.main(new String[] {"10", "4", "5", "0"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("runs: 0 (expected: >= 1)");
  }
}
