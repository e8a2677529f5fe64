package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link Certificate#decode}: peers present certificates in every
 * handshake and inside every node state. Replays the seeds below and {@code
 * CertificateFuzzTestInputs/} under {@code mvn test}; {@code bench/fuzz.sh} fuzzes it.
 */
class CertificateFuzzTest {

  /** Certificates with and without a name and roles. */
  static Stream<byte[]> certificates() {
    Identity network = Fixtures.identity(1);
    return Stream.of(
        Fixtures.certificate(network, Fixtures.identity(2), null),
        Fixtures.certificate(network, Fixtures.identity(3), "camera-1", "relay", "gateway"))
        .map(c -> c.encoded().toByteArray());
  }

  /**
   * Any bytes: a {@link BadCertificateException} with a rejection and a message, or a
   * certificate whose encoding is the same bytes (only canonical DER is accepted), and whose
   * verification gives a verdict rather than an exception.
   */
  @MethodSource("certificates")
  @FuzzTest
  void decode(byte[] der) {
    Certificate cert;
    try {
      cert = Certificate.decode(der);
    } catch (BadCertificateException e) {
      assertThat(e.rejection()).isNotNull();
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(cert.encoded().toByteArray()).as("re-encoded").isEqualTo(der);
    assertThat(cert.verify(cert.network(), Fixtures.T0)).isNotNull();
    assertThat(cert.verify(cert.node(), Fixtures.T0)).isNotNull();
  }
}
