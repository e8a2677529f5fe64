package io.staex.crypto;

import io.staex.testing.ExternalTool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.staex.crypto.KeyFileException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Random;
import java.util.Set;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyFilesTest {
  private static final Set<PosixFilePermission> OWNER_RW =
      PosixFilePermissions.fromString("rw-------");
  private static final AlgorithmIdentifier ED25519 =
      new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);

  @TempDir Path dir;
  private final Identity identity = Fixtures.identity(1);

  // ---- round trips

  @Test
  void writeThenRead_sameIdentity() throws Exception {
    Path file = dir.resolve("node.key");

    KeyFiles.writePrivateKey(file, identity, false);
    Identity read = KeyFiles.readPrivateKey(file);

    assertThat(read.address()).isEqualTo(identity.address());
    assertThat(read.sign(new byte[] {1})).isEqualTo(identity.sign(new byte[] {1}));
    assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n");
  }

  @Test
  void writtenPrivateKey_hasMode0600() throws Exception {
    Path file = dir.resolve("node.key");

    KeyFiles.writePrivateKey(file, identity, false);

    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(OWNER_RW);
  }

  @Test
  void readAddress_ofPublicKeyFile_isTheAddress() throws Exception {
    Path file = dir.resolve("node.pub");

    KeyFiles.writePublicKey(file, identity.address(), false);

    assertThat(KeyFiles.readAddress(file)).isEqualTo(identity.address());
    assertThat(Files.readString(file)).startsWith("-----BEGIN PUBLIC KEY-----\n");
  }

  @Test
  void readAddress_ofPrivateKeyFile_isTheAddress() throws Exception {
    Path file = dir.resolve("node.key");
    KeyFiles.writePrivateKey(file, identity, false);

    assertThat(KeyFiles.readAddress(file)).isEqualTo(identity.address());
  }

  @Test
  void noTemporaryFilesAreLeftBehind() throws Exception {
    KeyFiles.writePrivateKey(dir.resolve("node.key"), identity, false);
    KeyFiles.writePrivateKey(dir.resolve("node.key"), identity, true);
    failure(() -> KeyFiles.writePrivateKey(dir.resolve("node.key"), identity, false));
    KeyFiles.writePublicKey(dir.resolve("node.pub"), identity.address(), false);

    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("node.key", "node.pub");
    }
  }

  // ---- permissions

  @ParameterizedTest
  @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rw------x", "rwx--x---", "r--r--r--"})
  void privateKeyOthersMayAccess_refusedWithChmodHint(String mode) throws Exception {
    Path file = dir.resolve("node.key");
    KeyFiles.writePrivateKey(file, identity, false);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

    KeyFileException e = failure(() -> KeyFiles.readPrivateKey(file));

    assertThat(e.reason()).isEqualTo(Reason.INSECURE_PERMISSIONS);
    assertThat(e).hasMessageContaining("chmod 600 " + file).hasMessageContaining(file.toString());
    assertThat(failure(() -> KeyFiles.readAddress(file)).reason())
        .isEqualTo(Reason.INSECURE_PERMISSIONS);
  }

  @Test
  void mode0644_isNamedInTheMessage() throws Exception {
    Path file = dir.resolve("node.key");
    KeyFiles.writePrivateKey(file, identity, false);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(failure(() -> KeyFiles.readPrivateKey(file))).hasMessageContaining("0644");
  }

  @ParameterizedTest
  @ValueSource(strings = {"r--------", "rw-------", "rwx------"})
  void privateKeyOnlyOwnerMayAccess_isRead(String mode) throws Exception {
    Path file = dir.resolve("node.key");
    KeyFiles.writePrivateKey(file, identity, false);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

    assertThat(KeyFiles.readPrivateKey(file).address()).isEqualTo(identity.address());
  }

  // ---- symbolic links and ownership

  @Test
  void privateKeyBehindSymbolicLink_refusedNamingTheTarget() throws Exception {
    Path real = writtenKey();
    Path link = Files.createSymbolicLink(dir.resolve("link.key"), real);

    KeyFileException e = failure(() -> KeyFiles.readPrivateKey(link));

    assertThat(e.reason()).isEqualTo(Reason.SYMBOLIC_LINK);
    assertThat(e)
        .hasMessageStartingWith(link + ": is a symbolic link to " + real)
        .hasMessageContaining("replace the link with the file it points to (mv " + real + " " + link + ")");
    assertThat(failure(() -> KeyFiles.readAddress(link)).reason()).isEqualTo(Reason.SYMBOLIC_LINK);
    assertThat(KeyFiles.readPrivateKey(real).address()).isEqualTo(identity.address());
  }

  @Test
  void danglingSymbolicLink_refusedAsALink() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link.key"), dir.resolve("missing.key"));

    assertThat(failure(() -> KeyFiles.readPrivateKey(link)).reason())
        .isEqualTo(Reason.SYMBOLIC_LINK);
  }

  @Test
  void publicKeyBehindSymbolicLink_isRead() throws Exception {
    Path real = dir.resolve("node.pub");
    KeyFiles.writePublicKey(real, identity.address(), false);
    Path link = Files.createSymbolicLink(dir.resolve("link.pub"), real);

    assertThat(KeyFiles.readAddress(link)).isEqualTo(identity.address());
  }

  @Test
  void directory_refused() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("node.key"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));

    assertThat(failure(() -> KeyFiles.readPrivateKey(folder)))
        .hasMessageContaining("not a regular file");
  }

  /**
   * Needs root to give a file away; CI runs as root, so there the test must run, never skip.
   * Root is not excepted from the rule: a key owned by nobody is refused for root too.
   */
  @Test
  void privateKeyOwnedByAnotherUser_refusedWithChownHint() throws Exception {
    requireRoot();
    Path file = writtenKey();
    UserPrincipal nobody =
        file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(file, nobody);

    KeyFileException e = failure(() -> KeyFiles.readPrivateKey(file));

    assertThat(e.reason()).isEqualTo(Reason.WRONG_OWNER);
    assertThat(e)
        .hasMessageStartingWith(file + ": owned by nobody (uid ")
        .hasMessageContaining("not by root (uid 0)")
        .hasMessageContaining("chown root " + file);
    assertThat(failure(() -> KeyFiles.readAddress(file)).reason()).isEqualTo(Reason.WRONG_OWNER);

    Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("root"));
    assertThat(KeyFiles.readPrivateKey(file).address()).isEqualTo(identity.address());
  }

  @Test
  void symbolicLinkIsReportedBeforeOwnerAndPermissions() throws Exception {
    Path real = writtenKey();
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("link.key"), real);

    assertThat(failure(() -> KeyFiles.readPrivateKey(link)).reason())
        .isEqualTo(Reason.SYMBOLIC_LINK);
  }

  private static void requireRoot() {
    ExternalTool.requireRoot("changing a file's owner");
  }

  // ---- never clobber without force

  @Test
  void existingPrivateKey_notReplacedWithoutForce() throws Exception {
    Path file = dir.resolve("node.key");
    KeyFiles.writePrivateKey(file, identity, false);
    byte[] before = Files.readAllBytes(file);

    KeyFileException e =
        failure(() -> KeyFiles.writePrivateKey(file, Fixtures.identity(2), false));

    assertThat(e.reason()).isEqualTo(Reason.EXISTS);
    assertThat(e).hasMessageContaining(file.toString()).hasMessageContaining("--force");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void existingFileOfAnyKind_notReplacedWithoutForce() throws Exception {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "precious");

    assertThat(failure(() -> KeyFiles.writePublicKey(file, identity.address(), false)).reason())
        .isEqualTo(Reason.EXISTS);
    assertThat(failure(() -> KeyFiles.writePrivateKey(file, identity, false)).reason())
        .isEqualTo(Reason.EXISTS);
    assertThat(Files.readString(file)).isEqualTo("precious");
  }

  @Test
  void existingPrivateKey_replacedWithForce_andMode0600() throws Exception {
    Path file = dir.resolve("node.key");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Identity other = Fixtures.identity(2);

    KeyFiles.writePrivateKey(file, other, true);

    assertThat(KeyFiles.readPrivateKey(file).address()).isEqualTo(other.address());
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(OWNER_RW);
  }

  @Test
  void existingPublicKey_replacedWithForce() throws Exception {
    Path file = dir.resolve("node.pub");
    KeyFiles.writePublicKey(file, identity.address(), false);
    Address other = Fixtures.identity(2).address();

    KeyFiles.writePublicKey(file, other, true);

    assertThat(KeyFiles.readAddress(file)).isEqualTo(other);
  }

  // ---- what is not a key file

  @Test
  void missingFile_notFound() {
    Path file = dir.resolve("missing.key");

    assertThat(failure(() -> KeyFiles.readPrivateKey(file)).reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(failure(() -> KeyFiles.readAddress(file)).reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(failure(() -> KeyFiles.readAddress(file))).hasMessageContaining(file.toString());
  }

  @Test
  void randomBytes_malformed() throws Exception {
    byte[] junk = new byte[300];
    new Random(1).nextBytes(junk);
    Path file = secretFile("junk.key", junk);

    assertMalformed(file);
  }

  @Test
  void emptyFile_malformed() throws Exception {
    assertMalformed(secretFile("empty.key", new byte[0]));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hello world\n",
        "-----BEGIN PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n",
        "-----BEGIN PRIVATE KEY-----\n!!!! not base64 !!!!\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PUBLIC KEY-----\n",
      })
  void brokenPem_malformed(String text) throws Exception {
    assertMalformed(secretFile("broken.key", text.getBytes(StandardCharsets.US_ASCII)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"CERTIFICATE", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"})
  void pemOfAnotherType_malformedNamingTheType(String type) throws Exception {
    Path file = secretFile("other.pem", KeyFiles.pem(type, new byte[] {0x30, 0x00}).getBytes(StandardCharsets.US_ASCII));

    KeyFileException e = failure(() -> KeyFiles.readPrivateKey(file));

    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(e).hasMessageContaining("PEM type '" + type + "'");
    assertThat(failure(() -> KeyFiles.readAddress(file)).reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void publicKeyReadAsPrivateKey_malformed() throws Exception {
    Path file = dir.resolve("node.pub");
    KeyFiles.writePublicKey(file, identity.address(), false);
    Files.setPosixFilePermissions(file, OWNER_RW);

    assertThat(failure(() -> KeyFiles.readPrivateKey(file)))
        .hasMessageContaining("PEM type 'PUBLIC KEY'");
  }

  @Test
  void fileOver64KiB_malformed() throws Exception {
    String pem = Files.readString(writtenKey());
    Path file = secretFile("big.key", (pem + " ".repeat(64 * 1024)).getBytes(StandardCharsets.US_ASCII));

    assertThat(failure(() -> KeyFiles.readPrivateKey(file))).hasMessageContaining("at most 65536");
    assertMalformed(file);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 31, 33, 64})
  void ed25519SeedOfWrongSize_malformed(int size) throws Exception {
    byte[] der = new PrivateKeyInfo(ED25519, new DEROctetString(new byte[size])).getEncoded();

    assertMalformed(secretFile("short.key", KeyFiles.pem("PRIVATE KEY", der).getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void embeddedPublicKeyOfAnotherKey_malformed() throws Exception {
    byte[] other = Fixtures.identity(2).address().publicKey().toByteArray();
    byte[] der =
        new PrivateKeyInfo(ED25519, new DEROctetString(identity.exportSeed()), null, other)
            .getEncoded();
    Path file = secretFile("mixed.key", KeyFiles.pem("PRIVATE KEY", der).getBytes(StandardCharsets.US_ASCII));

    assertThat(failure(() -> KeyFiles.readPrivateKey(file)))
        .hasMessageContaining("does not belong to the private key");
  }

  @Test
  void embeddedMatchingPublicKey_isRead() throws Exception {
    byte[] own = identity.address().publicKey().toByteArray();
    byte[] der =
        new PrivateKeyInfo(ED25519, new DEROctetString(identity.exportSeed()), null, own)
            .getEncoded();
    Path file = secretFile("v2.key", KeyFiles.pem("PRIVATE KEY", der).getBytes(StandardCharsets.US_ASCII));

    assertThat(KeyFiles.readPrivateKey(file).address()).isEqualTo(identity.address());
  }

  @Test
  void publicKeyThatIsNotACurvePoint_malformed() throws Exception {
    byte[] der =
        new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(ED25519, new byte[32]).getEncoded();
    Path file = secretFile("zero.pub", KeyFiles.pem("PUBLIC KEY", der).getBytes(StandardCharsets.US_ASCII));

    assertMalformed(file);
  }

  /** Keys of other algorithms, as the JDK writes them (PKCS#8 and SubjectPublicKeyInfo). */
  @ParameterizedTest
  @ValueSource(strings = {"RSA", "EC", "X25519", "Ed448"})
  void keyOfAnotherAlgorithm_wrongAlgorithm(String algorithm) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("RSA")) {
      generator.initialize(1024); // size is irrelevant here; keep the test fast
    }
    KeyPair pair = generator.generateKeyPair();
    Path key = secretFile(algorithm + ".key", KeyFiles.pem("PRIVATE KEY", pair.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII));
    Path pub = secretFile(algorithm + ".pub", KeyFiles.pem("PUBLIC KEY", pair.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII));

    KeyFileException e = failure(() -> KeyFiles.readPrivateKey(key));

    assertThat(e.reason()).isEqualTo(Reason.WRONG_ALGORITHM);
    assertThat(e).hasMessageContaining("expected: Ed25519");
    assertThat(failure(() -> KeyFiles.readAddress(key)).reason()).isEqualTo(Reason.WRONG_ALGORITHM);
    assertThat(failure(() -> KeyFiles.readAddress(pub)).reason()).isEqualTo(Reason.WRONG_ALGORITHM);
  }

  // ---- interoperability with the JDK's own Ed25519

  @Test
  void jdkEd25519Key_isReadAndSignsAlike() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path key = secretFile("jdk.key", KeyFiles.pem("PRIVATE KEY", pair.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII));
    Path pub = secretFile("jdk.pub", KeyFiles.pem("PUBLIC KEY", pair.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII));

    Identity read = KeyFiles.readPrivateKey(key);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(pair.getPrivate());
    jdk.update(new byte[] {1, 2, 3});

    assertThat(KeyFiles.readAddress(pub)).isEqualTo(read.address());
    assertThat(read.sign(new byte[] {1, 2, 3})).isEqualTo(jdk.sign());
  }

  @Test
  void writtenKey_isReadByTheJdk() throws Exception {
    String pem = Files.readString(writtenKey());
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    var privateKey =
        KeyFactory.getInstance("Ed25519")
            .generatePrivate(new PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(base64)));
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(privateKey);
    jdk.update(new byte[] {4, 5});

    assertThat(identity.address().verify(new byte[] {4, 5}, jdk.sign())).isTrue();
  }

  // ---- interoperability with the openssl binary

  @Nested
  class Openssl {
    @Test
    void opensslReadsOurPrivateKey() throws Exception {
      ExternalTool.require("openssl");
      writtenKey();

      ExternalTool.Result r =
          ExternalTool.run(dir, "openssl", "pkey", "-in", "node.key", "-noout", "-text").assertSuccess();

      assertThat(r.stdout()).contains("ED25519 Private-Key");
      String pub = r.stdout().substring(r.stdout().indexOf("pub:") + 4).replaceAll("[\\s:]", "");
      assertThat(pub).isEqualTo(identity.address().publicKey().toString());
    }

    @Test
    void opensslDerivesTheSamePublicKeyFileAsWritePublicKey() throws Exception {
      ExternalTool.require("openssl");
      writtenKey();
      KeyFiles.writePublicKey(dir.resolve("node.pub"), identity.address(), false);

      ExternalTool.Result r =
          ExternalTool.run(dir, "openssl", "pkey", "-in", "node.key", "-pubout").assertSuccess();

      assertThat(r.stdout()).isEqualTo(Files.readString(dir.resolve("node.pub")));
    }

    @Test
    void keyMadeByOpenssl_isRead() throws Exception {
      ExternalTool.require("openssl");
      ExternalTool.run(dir, "openssl", "genpkey", "-algorithm", "ed25519", "-out", "k.pem")
          .assertSuccess();
      ExternalTool.run(dir, "openssl", "pkey", "-in", "k.pem", "-pubout", "-out", "k.pub")
          .assertSuccess();
      Files.setPosixFilePermissions(dir.resolve("k.pem"), OWNER_RW);

      Identity read = KeyFiles.readPrivateKey(dir.resolve("k.pem"));

      assertThat(read.address()).isEqualTo(KeyFiles.readAddress(dir.resolve("k.pub")));
    }

    @Test
    void opensslVerifiesOurSignature_andNotATamperedMessage() throws Exception {
      ExternalTool.require("openssl");
      KeyFiles.writePublicKey(dir.resolve("node.pub"), identity.address(), false);
      byte[] message = "signed by staex".getBytes(StandardCharsets.US_ASCII);
      Files.write(dir.resolve("msg"), message);
      Files.write(dir.resolve("msg.sig"), identity.sign(message));
      message[0] ^= 1;
      Files.write(dir.resolve("tampered"), message);

      ExternalTool.Result good = verify("msg");
      ExternalTool.Result bad = verify("tampered");

      good.assertSuccess();
      assertThat(good.stdout()).contains("Signature Verified Successfully");
      assertThat(bad.exitCode()).isNotZero();
    }

    private ExternalTool.Result verify(String file) throws Exception {
      return ExternalTool.run(
          dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "node.pub", "-rawin",
          "-in", file, "-sigfile", "msg.sig");
    }
  }

  // ---- helpers

  private Path writtenKey() throws KeyFileException {
    Path file = dir.resolve("node.key");
    KeyFiles.writePrivateKey(file, identity, false);
    return file;
  }

  private Path secretFile(String name, byte[] content) throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, content);
    Files.setPosixFilePermissions(file, OWNER_RW);
    return file;
  }

  private static void assertMalformed(Path file) {
    KeyFileException e = failure(() -> KeyFiles.readPrivateKey(file));
    assertThat(e.reason()).as("readPrivateKey: %s", e.getMessage()).isEqualTo(Reason.MALFORMED);
    assertThat(e).hasMessageStartingWith(file.toString());
    KeyFileException a = failure(() -> KeyFiles.readAddress(file));
    assertThat(a.reason()).as("readAddress: %s", a.getMessage()).isEqualTo(Reason.MALFORMED);
  }

  private static KeyFileException failure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    KeyFileException e = catchThrowableOfType(KeyFileException.class, call);
    assertThat(e).as("expected a KeyFileException").isNotNull();
    return e;
  }
}
