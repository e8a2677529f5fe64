package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Wycheproof;
import io.staex.crypto.Wycheproof.Group;
import io.staex.crypto.Wycheproof.Result;
import io.staex.crypto.Wycheproof.Vector;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's HMAC-SHA256 vectors through {@link Hkdf#hmac} over {@link NoiseHash#SHA256}, the
 * HMAC that Noise's HKDF (and so every handshake key) is built from. Keys of 16, 32 and 65 bytes
 * cover both of its key paths (zero-padded to the 64-byte block, or hashed first). A vector
 * with a 128-bit tag is compared with the first 16 bytes of the MAC. Valid vectors must match;
 * invalid ones (modified tags) must not. There are no acceptable ones.
 */
class HmacWycheproofTest {
  private static final String FILE = "hmac_sha256_test.json";

  @Test
  void validTagsMatch_modifiedTagsDoNot() {
    List<String> wrong = new ArrayList<>();
    Map<Result, Integer> counts = new EnumMap<>(Result.class);
    for (Group group : Wycheproof.groups(FILE)) {
      int tagBytes = group.integer("tagSize") / Byte.SIZE;
      for (Vector t : group.tests()) {
        counts.merge(t.result(), 1, Integer::sum);
        byte[] mac = Hkdf.hmac(NoiseHash.SHA256, t.hex("key"), t.hex("msg"));
        boolean matches = MessageDigest.isEqual(Arrays.copyOf(mac, tagBytes), t.hex("tag"));
        if (matches != (t.result() == Result.VALID)) {
          wrong.add(t + (matches ? " matched" : " did not match"));
        }
      }
    }

    assertThat(wrong).as("vectors handled wrongly").isEmpty();
    assertThat(counts).isEqualTo(Map.of(Result.VALID, 66, Result.INVALID, 108));
    assertThat(66 + 108).isEqualTo(Wycheproof.numberOfTests(FILE));
  }
}
