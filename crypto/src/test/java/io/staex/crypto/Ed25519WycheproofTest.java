package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Wycheproof.Group;
import io.staex.crypto.Wycheproof.Result;
import io.staex.crypto.Wycheproof.Vector;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's Ed25519 verification vectors through the project's own path: a public key
 * becomes an {@link Address} ({@link Address#of}, which refuses a key that is not a valid
 * point of the prime-order subgroup), and a signature is checked with {@link Address#verify},
 * the call {@link Certificate#verify} makes for a certificate's network signature, and so the
 * handshake for a peer's certificate.
 *
 * <p>A vector counts as accepted only if both steps accept it. The file has no
 * {@code acceptable} vectors: every valid one must verify, every invalid one (malleable
 * {@code S}, non-canonical encodings, truncated or padded signatures, ...) must be refused.
 */
class Ed25519WycheproofTest {
  private static final String FILE = "ed25519_test.json";

  @Test
  void everyValidSignatureVerifies_andEveryInvalidOneIsRefused() {
    List<String> wrong = new ArrayList<>();
    Map<Result, Integer> counts = new EnumMap<>(Result.class);
    for (Group group : Wycheproof.groups(FILE)) {
      byte[] publicKey = group.hex("publicKey.pk");
      Address address;
      try {
        address = Address.of(publicKey);
      } catch (AddressFormatException e) {
        address = null;
      }
      for (Vector t : group.tests()) {
        counts.merge(t.result(), 1, Integer::sum);
        boolean accepted = address != null && address.verify(t.hex("msg"), t.hex("sig"));
        if (accepted != (t.result() == Result.VALID)) {
          wrong.add(t + (accepted ? " was accepted" : " was refused")
              + (address == null ? " (public key refused by Address.of)" : ""));
        }
      }
    }

    assertThat(wrong).as("vectors handled wrongly").isEmpty();
    assertThat(counts).isEqualTo(Map.of(Result.VALID, 88, Result.INVALID, 63));
    assertThat(88 + 63).isEqualTo(Wycheproof.numberOfTests(FILE));
  }
}
