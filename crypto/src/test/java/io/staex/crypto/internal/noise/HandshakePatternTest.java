package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakePatternTest {

  @Test
  void ik_isParsedFromTheSpecificationsNotation() {
    HandshakePattern ik = HandshakePatterns.named("IK");
    assertThat(ik.initiatorPreMessage()).isEmpty();
    assertThat(ik.responderPreMessage()).containsExactly(Token.S);
    assertThat(ik.messages()).containsExactly(
        List.of(Token.E, Token.ES, Token.S, Token.SS),
        List.of(Token.E, Token.EE, Token.SE));
    assertThat(ik.isOneWay()).isFalse();
    assertThat(ik.needsStaticKey(Role.INITIATOR)).isTrue();
    assertThat(ik.needsStaticKey(Role.RESPONDER)).isTrue();
    assertThat(ik.toString()).isEqualTo(
        "IK:\n  <- s\n  ...\n  -> e, es, s, ss\n  <- e, ee, se\n");
  }

  @Test
  void catalog_holdsTheOneWayAndFundamentalPatterns() {
    assertThat(HandshakePatterns.names()).containsExactly(
        "N", "K", "X", "NN", "NK", "NX", "KN", "KK", "KX", "XN", "XK", "XX", "IN", "IK", "IX");
    for (String name : HandshakePatterns.names()) {
      HandshakePattern pattern = HandshakePatterns.named(name);
      assertThat(pattern.name()).isEqualTo(name);
      assertThat(pattern.isOneWay()).isEqualTo(name.length() == 1);
      // the first letter says what the responder learns of the initiator's static key
      boolean initiatorHasStatic = name.charAt(0) != 'N';
      assertThat(pattern.needsStaticKey(Role.INITIATOR)).as(name).isEqualTo(initiatorHasStatic);
      assertThat(HandshakePattern.parse(name, pattern.toString().replace(name + ":", "")))
          .isEqualTo(pattern);
    }
  }

  @Test
  void messagesThatDoNotAlternate_areRefused() {
    assertThatThrownBy(() -> HandshakePattern.parse("bad", "-> e\n-> s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message 1 is '-> s' (expected: a line starting with '<-')");
    assertThatThrownBy(() -> HandshakePattern.parse("bad", "<- e"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: a line starting with '->'");
  }

  @Test
  void badTokensAndPreMessages_areRefused() {
    assertThatThrownBy(() -> HandshakePattern.parse("bad", "-> e, xx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown token 'xx'");
    assertThatThrownBy(() -> HandshakePattern.parse("bad", "<- s\n-> s\n...\n-> e"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pre-message line '-> s'");
    assertThatThrownBy(() -> HandshakePattern.parse("bad", "<- es\n...\n-> e"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pre-message token 'es'");
    assertThatThrownBy(() -> HandshakePattern.parse("bad", "<- s\n..."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no messages");
  }

  @Test
  void unknownName_listsTheKnownOnes() {
    assertThatThrownBy(() -> HandshakePatterns.named("XXfallback"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'XXfallback'")
        .hasMessageContaining("N, K, X, NN");
  }
}
