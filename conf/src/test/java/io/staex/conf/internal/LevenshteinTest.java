package io.staex.conf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LevenshteinTest {
  @ParameterizedTest
  @CsvSource({
    "'', '', 0",
    "'', abc, 3",
    "listen, listen, 0",
    "lisen, listen, 1",
    "parent, parents, 1",
    "keepalive-intreval, keepalive-interval, 2",
    "forwards_dir, forwards-dir, 1",
    "kitten, sitting, 3"
  })
  void distance(String a, String b, int expected) {
    assertThat(Levenshtein.distance(a, b)).isEqualTo(expected);
    assertThat(Levenshtein.distance(b, a)).isEqualTo(expected);
  }
}
