package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticSharedTest {
  private final SecureRandom random = new SecureRandom();

  @Test
  void samePairAgain_sameSecretFromTheEntry_eachCallerItsOwnCopy() throws Exception {
    NoiseKeyPair a = NoiseKeyPair.generate(random);
    NoiseKeyPair b = NoiseKeyPair.generate(random);

    byte[] first = StaticShared.dh(a, b.publicKey());

    assertThat(StaticShared.holds(a, b.publicKey())).isTrue();
    byte[] again = StaticShared.dh(a, b.publicKey());
    assertThat(again).isEqualTo(first).isNotSameAs(first)
        .isEqualTo(Curve25519.dh(b.privateKey(), a.publicKey().rawBytes()));
    again[0] ^= 1; // a caller zeroing or changing its copy changes nothing kept
    assertThat(StaticShared.dh(a, b.publicKey())).isEqualTo(first);
  }

  @Test
  void anotherLocalKey_neverAnotherPairsSecret() throws Exception {
    NoiseKeyPair a = NoiseKeyPair.generate(random);
    NoiseKeyPair c = NoiseKeyPair.generate(random);
    NoiseKeyPair b = NoiseKeyPair.generate(random);
    byte[] ab = StaticShared.dh(a, b.publicKey());

    byte[] cb = StaticShared.dh(c, b.publicKey());

    assertThat(cb).isNotEqualTo(ab)
        .isEqualTo(Curve25519.dh(b.privateKey(), c.publicKey().rawBytes()));
    assertThat(StaticShared.holds(a, b.publicKey())).as("same slot: replaced").isFalse();
  }

  @Test
  void atMostItsSlots_aPeerInTheSameSlotEvicts_theSecretStaysRight() throws Exception {
    NoiseKeyPair a = NoiseKeyPair.generate(random);
    Map<Integer, NoiseKeyPair> bySlot = new HashMap<>();
    NoiseKeyPair first = null;
    NoiseKeyPair second = null;
    while (second == null) {
      NoiseKeyPair k = NoiseKeyPair.generate(random);
      NoiseKeyPair before = bySlot.putIfAbsent(StaticShared.ENTRIES.slot(k.publicKey().rawBytes()), k);
      if (before != null) {
        first = before;
        second = k;
      }
    }
    byte[] s1 = StaticShared.dh(a, first.publicKey());

    StaticShared.dh(a, second.publicKey());

    assertThat(StaticShared.holds(a, first.publicKey())).isFalse();
    assertThat(StaticShared.dh(a, first.publicKey())).isEqualTo(s1);
  }

  @Test
  void lowOrderRemoteKey_refused_notKept() {
    NoiseKeyPair a = NoiseKeyPair.generate(random);
    NoisePublicKey zero = NoisePublicKey.of(new byte[32]); // u = 0: order 4

    assertThatThrownBy(() -> StaticShared.dh(a, zero)).isInstanceOf(NoiseException.class);
    assertThat(StaticShared.holds(a, zero)).isFalse();
  }

  @Test
  void destroyedLocalKey_refusedEvenWhenKept() throws Exception {
    NoiseKeyPair a = NoiseKeyPair.generate(random);
    NoiseKeyPair b = NoiseKeyPair.generate(random);
    StaticShared.dh(a, b.publicKey());

    a.destroy();

    assertThatThrownBy(() -> StaticShared.dh(a, b.publicKey()))
        .isInstanceOf(IllegalStateException.class);
  }
}
