package io.staex.conf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SchemaTest {
  @Test
  void typo_suggestsTheClosestKeyOfTheSection() {
    assertThat(Schema.suggest(Schema.STAEX, "parent")).contains("parents");
    assertThat(Schema.suggest(Schema.ROUTING, "keepalive-intervall"))
        .contains("keepalive-interval");
    assertThat(Schema.suggest(Schema.STAEX, "forwards_dir")).contains("forwards-dir");
  }

  @Test
  void keyOfAnotherSection_suggestsItsFullPath() {
    assertThat(Schema.suggest(Schema.LIMITS, "max-hops")).contains("staex.routing.max-hops");
    assertThat(Schema.suggest(Schema.FORWARD, "allow"))
        .contains("staex.exit.allow or staex.dns.allow or staex.services[...].allow");
  }

  @Test
  void nothingClose_noSuggestion() {
    assertThat(Schema.suggest(Schema.SOCKS, "frobnicate")).isEmpty();
    assertThat(Schema.suggest(Schema.FORWARD_FILE, "listen")).isEmpty();
  }

  @Test
  void unknownSection_isAProgrammingError() {
    assertThatThrownBy(() -> Schema.keys("staex.nope"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
