package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Wycheproof;
import io.staex.crypto.Wycheproof.Group;
import io.staex.crypto.Wycheproof.Result;
import io.staex.crypto.Wycheproof.Vector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's X25519 vectors through {@link Curve25519#dh}, the DH every handshake token
 * ({@code ee}, {@code es}, {@code se}, {@code ss}) computes: {@link HandshakeState} passes the
 * peer's 32 bytes (only their length checked by {@link NoisePublicKey#of}) and our private key
 * straight to it. Private keys in the file are not clamped; X25519 clamps them itself.
 *
 * <p>The file has no {@code invalid} vectors. Its {@code acceptable} ones, decided here and in
 * {@code docs/identity.md}:
 *
 * <ul>
 *   <li><b>{@code ZeroSharedSecret}</b> (low-order public keys, 31 vectors): <b>refused</b> with
 *       {@code LOW_ORDER_KEY}, as RFC 7748 section 6.1 allows and Noise section 12.1 permits,
 *       so that a peer cannot force a known DH output into the handshake.
 *   <li><b>every other acceptable flag</b> ({@code Twist}, {@code NonCanonicalPublic},
 *       {@code SpecialPublicKey} without a zero result; 223 vectors): <b>accepted</b>, and the
 *       shared secret must be exactly the expected one. RFC 7748 section 5 defines X25519 on
 *       the twist and says to mask the top bit of a u-coordinate and reduce non-canonical
 *       values, so these are well-defined outputs; refusing them would buy nothing, since a
 *       peer's ephemeral key is not authenticated by its form anyway.
 * </ul>
 */
class Curve25519WycheproofTest {
  private static final String FILE = "x25519_test.json";

  @Test
  void validAndAcceptable_giveTheSharedSecret_zeroResultsAreRefused() {
    List<String> wrong = new ArrayList<>();
    int valid = 0;
    int acceptedAcceptable = 0;
    int refusedAcceptable = 0;
    for (Group group : Wycheproof.groups(FILE)) {
      for (Vector t : group.tests()) {
        byte[] expected = t.hex("shared");
        boolean zero = Arrays.equals(expected, new byte[Curve25519.DH_LENGTH]);
        boolean mustRefuse = t.result() == Result.INVALID
            || (t.result() == Result.ACCEPTABLE && t.hasFlag("ZeroSharedSecret"));
        if (zero && !mustRefuse) {
          wrong.add(t + " has an all-zero shared secret without being refusable");
          continue;
        }
        byte[] shared;
        try {
          shared = Curve25519.dh(t.hex("private"), t.hex("public"));
        } catch (NoiseException e) {
          if (!mustRefuse || e.reason() != NoiseException.Reason.LOW_ORDER_KEY) {
            wrong.add(t + " was refused: " + e.getMessage());
          } else {
            refusedAcceptable++;
          }
          continue;
        }
        if (mustRefuse) {
          wrong.add(t + " was accepted");
        } else if (!Arrays.equals(shared, expected)) {
          wrong.add(t + " gave another shared secret");
        } else if (t.result() == Result.VALID) {
          valid++;
        } else {
          acceptedAcceptable++;
        }
      }
    }

    assertThat(wrong).as("vectors handled wrongly").isEmpty();
    assertThat(valid).as("valid").isEqualTo(264);
    assertThat(acceptedAcceptable).as("acceptable, accepted").isEqualTo(223);
    assertThat(refusedAcceptable).as("acceptable ZeroSharedSecret, refused").isEqualTo(31);
    assertThat(valid + acceptedAcceptable + refusedAcceptable)
        .isEqualTo(Wycheproof.numberOfTests(FILE));
  }
}
