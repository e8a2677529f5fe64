package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of PEM reading: {@link KeyFiles#readPrivateKey}, {@link
 * KeyFiles#readAddress} and {@link Certificate#read} on a file of arbitrary bytes (key and
 * certificate files are copied between machines, by hand and by provisioning tools). Replays
 * the seeds below and {@code KeyFilesFuzzTestInputs/} under {@code mvn test}; {@code
 * bench/fuzz.sh} fuzzes it.
 */
class KeyFilesFuzzTest {
  /** One private file, rewritten for each input: mode 0600, so that only the content matters. */
  private static final Path FILE = privateFile();

  /** A private key, a public key and a certificate as the node writes them. */
  static Stream<byte[]> pemFiles() throws KeyFileException, IOException {
    Identity node = Fixtures.identity(2);
    Path dir = FILE.getParent();
    Path key = dir.resolve("seed.key");
    Path pub = dir.resolve("seed.pub");
    Files.deleteIfExists(key);
    Files.deleteIfExists(pub);
    KeyFiles.writePrivateKey(key, node, true);
    KeyFiles.writePublicKey(pub, node.address(), true);
    key.toFile().deleteOnExit();
    pub.toFile().deleteOnExit();
    Certificate cert = Fixtures.certificate(Fixtures.identity(1), node, "node-2", "relay");
    return Stream.of(Files.readAllBytes(key), Files.readAllBytes(pub),
        cert.toPem().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Any file content: each reader gives its value or a {@link KeyFileException} (or, for a
   * certificate, {@link BadCertificateException}) with a message, nothing else.
   */
  @MethodSource("pemFiles")
  @FuzzTest
  void read(byte[] content) throws IOException {
    Files.write(FILE, content);
    try {
      assertThat(KeyFiles.readPrivateKey(FILE).address()).isNotNull();
    } catch (KeyFileException e) {
      assertRefusal(e, e.reason());
    }
    try {
      assertThat(KeyFiles.readAddress(FILE)).isNotNull();
    } catch (KeyFileException e) {
      assertRefusal(e, e.reason());
    }
    try {
      Certificate cert = Certificate.read(FILE);
      assertThat(cert.toPem()).isNotBlank();
    } catch (KeyFileException e) {
      assertRefusal(e, e.reason());
    } catch (BadCertificateException e) {
      assertRefusal(e, e.rejection());
    }
  }

  private static void assertRefusal(Exception e, Object reason) {
    assertThat(reason).isNotNull();
    assertThat(e.getMessage()).startsWith(FILE.toString());
  }

  private static Path privateFile() {
    try {
      Path dir = Files.createTempDirectory("staex-keyfiles-fuzz");
      dir.toFile().deleteOnExit();
      Path file = Files.createFile(dir.resolve("fuzz.pem"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
