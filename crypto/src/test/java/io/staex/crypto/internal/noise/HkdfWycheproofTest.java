package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Wycheproof;
import io.staex.crypto.Wycheproof.Group;
import io.staex.crypto.Wycheproof.Result;
import io.staex.crypto.Wycheproof.Vector;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's HKDF-SHA256 vectors against the project's HKDF.
 *
 * <p>Noise's {@code HKDF(chaining_key, ikm, n)} ({@link Hkdf#hkdf}) is RFC 5869 with the
 * chaining key as salt, an empty info and 2 or 3 outputs of 32 bytes: vectors with an empty
 * info and at most 96 bytes of output run through it directly (its output, cut to the
 * vector's size, must be the OKM; an empty salt is the RFC's default of 32 zero bytes, which
 * HMAC pads to the same block). Vectors with an info, or longer outputs, which Noise never
 * asks for, run RFC 5869 extract-and-expand written here over the project's
 * {@link Hkdf#hmac}. The invalid vectors ask for more than 255 × 32 bytes ({@code
 * SizeTooLarge}); Noise's HKDF cannot be asked for more than 3 blocks, which is checked, and
 * the expand here refuses them. There are no acceptable vectors.
 */
class HkdfWycheproofTest {
  private static final String FILE = "hkdf_sha256_test.json";
  private static final int HASH_LENGTH = NoiseHash.SHA256.hashLength();

  @Test
  void validOutputsMatch_oversizedRequestsAreRefused() {
    List<String> wrong = new ArrayList<>();
    int throughNoise = 0;
    int throughHmac = 0;
    int invalid = 0;
    for (Group group : Wycheproof.groups(FILE)) {
      for (Vector t : group.tests()) {
        byte[] ikm = t.hex("ikm");
        byte[] salt = t.hex("salt");
        byte[] info = t.hex("info");
        int size = t.integer("size");
        if (t.result() == Result.INVALID) {
          invalid++;
          if (expand(extract(salt, ikm), info, size) != null) {
            wrong.add(t + " was expanded");
          }
          continue;
        }
        byte[] okm;
        if (info.length == 0 && size <= 3 * HASH_LENGTH) {
          throughNoise++;
          okm = concat(Hkdf.hkdf(NoiseHash.SHA256, salt, ikm, size <= 2 * HASH_LENGTH ? 2 : 3));
        } else {
          throughHmac++;
          okm = expand(extract(salt, ikm), info, size);
        }
        if (t.result() != Result.VALID
            || okm == null
            || !Arrays.equals(Arrays.copyOf(okm, size), t.hex("okm"))) {
          wrong.add(t + " gave another output");
        }
      }
    }

    assertThat(wrong).as("vectors handled wrongly").isEmpty();
    assertThat(throughNoise).as("valid, through Noise's HKDF").isEqualTo(31);
    assertThat(throughHmac).as("valid, through RFC 5869 over Hkdf.hmac").isEqualTo(52);
    assertThat(invalid).as("invalid").isEqualTo(3);
    assertThat(throughNoise + throughHmac + invalid).isEqualTo(Wycheproof.numberOfTests(FILE));
  }

  @Test
  void noiseHkdf_refusesMoreThanThreeOutputs() {
    assertThatThrownBy(() -> Hkdf.hkdf(NoiseHash.SHA256, new byte[32], new byte[32], 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] extract(byte[] salt, byte[] ikm) {
    return Hkdf.hmac(NoiseHash.SHA256, salt.length == 0 ? new byte[HASH_LENGTH] : salt, ikm);
  }

  /** RFC 5869 section 2.3; null when {@code size} exceeds 255 × HashLen. */
  private static byte[] expand(byte[] prk, byte[] info, int size) {
    if (size > 255 * HASH_LENGTH) {
      return null;
    }
    ByteArrayOutputStream okm = new ByteArrayOutputStream();
    byte[] previous = new byte[0];
    for (int i = 1; okm.size() < size; i++) {
      previous = Hkdf.hmac(NoiseHash.SHA256, prk, previous, info, new byte[] {(byte) i});
      okm.writeBytes(previous);
    }
    return Arrays.copyOf(okm.toByteArray(), size);
  }

  private static byte[] concat(byte[][] blocks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] block : blocks) {
      out.writeBytes(block);
    }
    return out.toByteArray();
  }
}
