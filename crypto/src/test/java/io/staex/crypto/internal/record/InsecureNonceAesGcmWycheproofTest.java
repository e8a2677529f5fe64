package io.staex.crypto.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Wycheproof;
import io.staex.crypto.Wycheproof.Group;
import io.staex.crypto.Wycheproof.Result;
import io.staex.crypto.Wycheproof.Vector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's AES-GCM vectors through {@link InsecureNonceAesGcm}, the record layer's cipher
 * ({@code RecordSealer} and {@code RecordOpener} call nothing else): one cached JDK
 * {@code AES/GCM/NoPadding} cipher, initialised per message with a 128-bit
 * {@code GCMParameterSpec}, the AAD, then {@code doFinal} into the caller's array.
 *
 * <p>The record layer fixes AES-256, a 96-bit nonce and a 128-bit tag, so the vectors of that
 * group (39 valid, 27 invalid with modified tags) run through it: through the counter API when
 * the nonce is {@code 0^32 || counter} as records have it, otherwise through
 * {@code encryptWithNonce}/{@code decryptWithNonce}, the same code under a whole 12-byte
 * nonce. Valid vectors must encrypt to the expected ciphertext and tag and decrypt back;
 * invalid ones must fail authentication and leave no plaintext in the output. Of the other
 * groups, 128- and 192-bit keys are refused when the cipher is made, and every other nonce
 * length when it is used (which refuses the 6 invalid zero-length-IV vectors). There are no
 * acceptable vectors.
 */
class InsecureNonceAesGcmWycheproofTest {
  private static final String FILE = "aes_gcm_test.json";

  @Test
  void recordLayerSizes_validVectorsRoundTrip_modifiedTagsAreRefused() throws Exception {
    List<String> wrong = new ArrayList<>();
    int valid = 0;
    int invalid = 0;
    int throughCounter = 0;
    for (Group group : recordLayerGroups()) {
      for (Vector t : group.tests()) {
        byte[] sealed = concat(t.hex("ct"), t.hex("tag"));
        boolean counterForm = isCounterNonce(t.hex("iv"));
        throughCounter += counterForm ? 1 : 0;
        byte[] opened = open(t, sealed, counterForm);
        if (t.result() == Result.VALID) {
          valid++;
          if (opened == null || !Arrays.equals(opened, t.hex("msg"))) {
            wrong.add(t + " did not open to the message");
          }
          if (!Arrays.equals(seal(t, counterForm), sealed)) {
            wrong.add(t + " sealed to other bytes");
          }
        } else {
          invalid++;
          if (opened != null) {
            wrong.add(t + " was opened");
          }
        }
      }
    }

    assertThat(wrong).as("vectors handled wrongly").isEmpty();
    assertThat(valid).as("valid").isEqualTo(39);
    assertThat(invalid).as("invalid").isEqualTo(27);
    assertThat(throughCounter).as("with a 0^32 || counter nonce").isEqualTo(1);
  }

  @Test
  void otherKeySizes_refusedWhenTheCipherIsMade() {
    int refused = 0;
    for (Group group : Wycheproof.groups(FILE)) {
      if (group.integer("keySize") == 256) {
        continue;
      }
      for (Vector t : group.tests()) {
        assertThatThrownBy(() -> new InsecureNonceAesGcm(t.hex("key")))
            .as("%s", t)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected: 32");
        refused++;
      }
    }
    assertThat(refused).as("128- and 192-bit keys").isEqualTo(108 + 103);
  }

  @Test
  void otherNonceSizes_refusedWhenUsed() {
    int refused = 0;
    for (Group group : Wycheproof.groups(FILE)) {
      if (group.integer("keySize") != 256 || group.integer("ivSize") == 96) {
        continue;
      }
      for (Vector t : group.tests()) {
        InsecureNonceAesGcm aead = new InsecureNonceAesGcm(t.hex("key"));
        byte[] sealed = concat(t.hex("ct"), t.hex("tag"));
        assertThatThrownBy(() -> aead.decryptWithNonce(
                t.hex("iv"), sealed, 0, sealed.length, t.hex("aad"), new byte[sealed.length], 0))
            .as("%s", t)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected: 12");
        refused++;
      }
    }
    assertThat(refused).as("256-bit keys, nonces other than 96 bits").isEqualTo(39);
    assertThat(66 + 39 + 108 + 103).as("every vector of the file is run")
        .isEqualTo(Wycheproof.numberOfTests(FILE));
  }

  private static List<Group> recordLayerGroups() {
    return Wycheproof.groups(FILE).stream()
        .filter(g -> g.integer("keySize") == RecordFormat.KEY_SIZE * Byte.SIZE
            && g.integer("ivSize") == RecordFormat.NONCE_SIZE * Byte.SIZE
            && g.integer("tagSize") == RecordFormat.TAG_SIZE * Byte.SIZE)
        .toList();
  }

  /** The plaintext, or null if authentication failed (then the output must be all zeros). */
  private static byte[] open(Vector t, byte[] sealed, boolean counterForm) {
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(t.hex("key"));
    byte[] out = new byte[sealed.length];
    Arrays.fill(out, (byte) 0x55);
    try {
      int n = counterForm
          ? aead.decrypt(counter(t.hex("iv")), sealed, 0, sealed.length, t.hex("aad"), out, 0)
          : aead.decryptWithNonce(t.hex("iv"), sealed, 0, sealed.length, t.hex("aad"), out, 0);
      return Arrays.copyOf(out, n);
    } catch (AEADBadTagException e) {
      byte[] plaintextRange = Arrays.copyOf(out, sealed.length - RecordFormat.TAG_SIZE);
      assertThat(plaintextRange).as("%s: output after a failed open", t)
          .isEqualTo(new byte[plaintextRange.length]);
      return null;
    } finally {
      aead.destroy();
    }
  }

  private static byte[] seal(Vector t, boolean counterForm) {
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(t.hex("key"));
    byte[] msg = t.hex("msg");
    byte[] out = new byte[msg.length + RecordFormat.TAG_SIZE];
    int n = counterForm
        ? aead.encrypt(counter(t.hex("iv")), msg, 0, msg.length, t.hex("aad"), out, 0)
        : aead.encryptWithNonce(t.hex("iv"), msg, 0, msg.length, t.hex("aad"), out, 0);
    aead.destroy();
    return Arrays.copyOf(out, n);
  }

  private static boolean isCounterNonce(byte[] iv) {
    return iv.length == RecordFormat.NONCE_SIZE
        && Arrays.equals(iv, 0, RecordFormat.NONCE_PREFIX_SIZE,
            new byte[RecordFormat.NONCE_PREFIX_SIZE], 0, RecordFormat.NONCE_PREFIX_SIZE);
  }

  private static long counter(byte[] iv) {
    return RecordFormat.readCounter(iv, RecordFormat.NONCE_PREFIX_SIZE);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
