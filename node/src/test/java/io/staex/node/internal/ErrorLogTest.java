package io.staex.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.node.NodeStatus.ErrorEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorLogTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  @Test
  void full_dropsOldestFirst() {
    ErrorLog log = new ErrorLog(clock, 3);
    for (int i = 1; i <= 5; i++) {
      log.warn("w" + i);
    }
    assertThat(log.events()).extracting(ErrorEvent::message).containsExactly("w3", "w4", "w5");
  }

  @Test
  void event_hasTimeLevelAndOneLine() {
    ErrorLog log = new ErrorLog(clock, 3);
    log.error("a\nb");
    List<ErrorEvent> e = log.events();
    assertThat(e).containsExactly(new ErrorEvent(clock.instant(), "ERROR", "a b"));
  }

  @Test
  void longMessage_isCut() {
    ErrorLog log = new ErrorLog(clock, 1);
    log.warn("x".repeat(2000));
    assertThat(log.events().get(0).message()).hasSize(ErrorLog.MAX_MESSAGE).endsWith("…");
  }
}
