package io.staex.crypto;

import io.staex.testing.ExternalTool;
import static io.staex.crypto.Fixtures.T0;
import static io.staex.crypto.Fixtures.YEAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v1CertificateBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateTest {
  private static final Identity NETWORK = Fixtures.identity(10);
  private static final Identity NODE = Fixtures.identity(11);
  private static final Identity OTHER_NETWORK = Fixtures.identity(12);
  private static final Certificate CERT = Fixtures.certificate(NETWORK, NODE, "camera1", "relay");
  private static final byte[] DER = CERT.encoded().toByteArray();
  private static final Instant INSIDE = T0.plus(Duration.ofDays(1));

  @TempDir Path dir;

  // ---- issue and decode

  @Test
  void decodeOfEncoded_equalsTheIssuedCertificate() throws Exception {
    Certificate decoded = Certificate.decode(DER);

    assertThat(decoded).isEqualTo(CERT).hasSameHashCodeAs(CERT);
    assertThat(decoded.encoded().toByteArray()).isEqualTo(DER);
  }

  @Test
  void fields_surviveEncoding() throws Exception {
    Instant from = Instant.parse("2030-01-01T10:20:30.999999Z");
    Certificate issued =
        Certificate.issue(
            NETWORK, NODE.address(), Optional.of("Camera1"), Set.of("Relay", "admin", "gw-2"),
            from, from.plus(YEAR), Fixtures.random(1));

    Certificate c = Certificate.decode(issued.encoded().toByteArray());

    assertThat(c.node()).isEqualTo(NODE.address());
    assertThat(c.network()).isEqualTo(NETWORK.address());
    assertThat(c.name()).contains("camera1");
    assertThat(c.roles()).containsExactly("admin", "gw-2", "relay");
    assertThat(c.notBefore()).isEqualTo("2030-01-01T10:20:30Z");
    assertThat(c.notAfter()).isEqualTo("2031-01-01T10:20:30Z");
    assertThat(c.serial()).isPositive().isEqualTo(issued.serial());
  }

  @Test
  void noNameNoRoles_decodeEmpty() throws Exception {
    Certificate c =
        Certificate.decode(Fixtures.certificate(NETWORK, NODE, null).encoded().toByteArray());

    assertThat(c.name()).isEmpty();
    assertThat(c.roles()).isEmpty();
  }

  @Test
  void roles_areUnmodifiable() {
    assertThatThrownBy(() -> CERT.roles().add("admin"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void sameInputsAndRandom_sameEncoding_otherRandom_otherSerial() {
    Certificate again = Fixtures.certificate(NETWORK, NODE, "camera1", "relay");
    Certificate other =
        Certificate.issue(
            NETWORK, NODE.address(), Optional.of("camera1"), Set.of("relay"), T0, T0.plus(YEAR),
            Fixtures.random(8));

    assertThat(again).isEqualTo(CERT);
    assertThat(other).isNotEqualTo(CERT);
    assertThat(other.serial()).isNotEqualTo(CERT.serial());
  }

  /** UTCTime up to 2049, GeneralizedTime before 1950 and from 2050 (RFC 5280 4.1.2.5). */
  @ParameterizedTest(name = "{0} .. {1}")
  @CsvSource({
    "1970-01-01T00:00:00Z, 1970-01-01T00:00:01Z",
    "1949-12-31T23:59:59Z, 1950-01-01T00:00:00Z",
    "2049-12-31T23:59:59Z, 2050-01-01T00:00:00Z",
    "2050-01-01T00:00:00Z, 2096-02-29T00:00:00Z",
    "2030-01-01T00:00:00Z, 9999-12-31T23:59:59Z"
  })
  void validityAtTheEdgesOfTimeEncodings_survivesEncoding(Instant from, Instant until)
      throws Exception {
    Certificate c =
        Certificate.issue(NETWORK, NODE.address(), Optional.empty(), Set.of(), from, until,
            Fixtures.random(1));

    Certificate decoded = Certificate.decode(c.encoded().toByteArray());

    assertThat(decoded.notBefore()).isEqualTo(from);
    assertThat(decoded.notAfter()).isEqualTo(until);
    assertThat(decoded.verify(NETWORK.address(), from).isAccepted()).isTrue();
  }

  @Property(tries = 100)
  void issuedFields_surviveDecode(
      @ForAll("names") Optional<String> name,
      @ForAll("roleSets") Set<String> roles,
      @ForAll @IntRange(min = 0, max = 2_000_000_000) int fromSeconds,
      @ForAll @IntRange(min = 1, max = 2_000_000_000) int lengthSeconds)
      throws Exception {
    Instant from = Instant.ofEpochSecond(fromSeconds);
    Instant until = from.plusSeconds(lengthSeconds);

    Certificate c =
        Certificate.decode(
            Certificate.issue(NETWORK, NODE.address(), name, roles, from, until, Fixtures.random(1))
                .encoded().toByteArray());

    assertThat(c.name()).isEqualTo(name);
    assertThat(c.roles()).containsExactlyElementsOf(new TreeSet<>(roles));
    assertThat(c.notBefore()).isEqualTo(from);
    assertThat(c.notAfter()).isEqualTo(until);
    assertThat(c.verify(NETWORK.address(), from).isAccepted()).isTrue();
  }

  @Provide
  Arbitrary<Optional<String>> names() {
    return labels(63).optional();
  }

  @Provide
  Arbitrary<Set<String>> roleSets() {
    return labels(20).set().ofMaxSize(Certificate.MAX_ROLES);
  }

  private static Arbitrary<String> labels(int maxLength) {
    Arbitrary<String> inner = Arbitraries.strings().withChars("abcxyz0189-").ofMaxLength(maxLength - 2);
    Arbitrary<Character> end = Arbitraries.of('a', 'q', 'z', '0', '9');
    return Combinators.combine(end, inner, end).as((a, s, b) -> a + s + b)
        .filter(s -> s.length() <= maxLength)
        .injectDuplicates(0.1);
  }

  // ---- what issue() refuses

  @ParameterizedTest(name = "\"{0}\": {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''            | empty",
        "Bad_Name      | character '_' at position 4",
        "-x            | starts or ends with '-'",
        "x-            | starts or ends with '-'",
        "camera1.staex | character '.' at position 8",
        "'camera 1'    | character ' ' at position 7",
      })
  void badName_issueRefusesNamingTheProblem(String name, String problem) {
    assertThatThrownBy(() -> issueNamed(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name '")
        .hasMessageContaining(problem);
  }

  @Test
  void nameOf64Characters_refused_of63_accepted() {
    assertThatThrownBy(() -> issueNamed("n".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 characters (expected: at most 63)");
    assertThat(issueNamed("n".repeat(63)).name()).contains("n".repeat(63));
    assertThat(issueNamed("n").name()).contains("n");
  }

  @Test
  void nameThatIsAnAddress_refusedInEitherCase() {
    String address = OTHER_NETWORK.address().toString();

    for (String name : List.of(address, address.toUpperCase(java.util.Locale.ROOT))) {
      assertThatThrownBy(() -> issueNamed(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is an address");
    }
  }

  @Test
  void labelOfAddressLengthThatIsNoAddress_isAName() {
    String name = "a".repeat(Address.TEXT_LENGTH);

    assertThat(issueNamed(name).name()).contains(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bad_Role", "-r", "r.s", "r/s"})
  void badRole_issueRefuses(String role) {
    assertThatThrownBy(() -> issueWithRoles(Set.of(role)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("role '" + role + "'");
  }

  @Test
  void sixteenRoles_accepted_seventeen_refused() {
    Set<String> roles = new TreeSet<>();
    for (int i = 0; i < 16; i++) {
      roles.add("r" + i);
    }
    assertThat(issueWithRoles(roles).roles()).hasSize(16);

    roles.add("r16");
    assertThatThrownBy(() -> issueWithRoles(roles))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("17 roles (expected: at most 16)");
  }

  @ParameterizedTest(name = "not-after = not-before + {0} ms")
  @ValueSource(longs = {0, -1000, -1, 999})
  void notAfterNotAfterNotBefore_issueRefuses(long millis) {
    Instant from = T0;
    Instant until = T0.plusMillis(millis);

    assertThatThrownBy(
            () -> Certificate.issue(NETWORK, NODE.address(), Optional.empty(), Set.of(), from,
                until, Fixtures.random(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not after not-before");
  }

  // ---- verify()

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2030-01-01T00:00:00Z,           ",
    "2030-07-01T12:00:00Z,           ",
    "2031-01-01T00:00:00Z,           ",
    "2029-12-31T23:59:59Z,           NOT_YET_VALID",
    "2029-12-31T23:59:59.999999999Z, NOT_YET_VALID",
    "1970-01-01T00:00:00Z,           NOT_YET_VALID",
    "2031-01-01T00:00:00.000000001Z, EXPIRED",
    "2031-01-01T00:00:01Z,           EXPIRED",
    "2100-01-01T00:00:00Z,           EXPIRED"
  })
  void verifyAt_acceptsExactlyInsideTheValidityPeriod(Instant now, Rejection expected) {
    Verdict verdict = CERT.verify(NETWORK.address(), now);

    assertThat(verdict.rejection()).as("%s", verdict).isEqualTo(expected);
  }

  @Test
  void expired_detailSaysWhen() {
    assertThat(CERT.verify(NETWORK.address(), T0.plus(YEAR).plusSeconds(1)).detail())
        .contains("expired at 2031-01-01T00:00:00Z");
  }

  @Test
  void certificateOfAnotherNetwork_wrongNetwork() {
    Certificate theirs = Fixtures.certificate(OTHER_NETWORK, NODE, "camera1");

    Verdict verdict = theirs.verify(NETWORK.address(), INSIDE);

    assertThat(verdict.rejection()).isEqualTo(Rejection.WRONG_NETWORK);
    assertThat(verdict.detail())
        .contains(OTHER_NETWORK.address().toString())
        .contains(NETWORK.address().toString());
    assertThat(theirs.verify(NETWORK.address(), T0.minusSeconds(1)).rejection())
        .as("network is checked before time")
        .isEqualTo(Rejection.WRONG_NETWORK);
  }

  @Test
  void changedName_stillDecodes_badSignature() throws Exception {
    byte[] tampered = replaceFirst(DER, "camera1.staex", "damera1.staex");

    Certificate c = Certificate.decode(tampered);

    assertThat(c.name()).contains("damera1");
    assertThat(c.verify(NETWORK.address(), INSIDE).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
  }

  @Test
  void changedValidityDate_stillDecodes_badSignature() throws Exception {
    // not-after 2031-01-01 is the UTCTime "310101000000Z"; make it 2039.
    byte[] tampered = replaceFirst(DER, "310101000000Z", "390101000000Z");

    Certificate c = Certificate.decode(tampered);

    assertThat(c.notAfter()).isEqualTo("2039-01-01T00:00:00Z");
    assertThat(c.verify(NETWORK.address(), INSIDE).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
  }

  @Test
  void addedRole_stillDecodes_badSignature() throws Exception {
    byte[] tampered = replaceFirst(DER, "relay", "admin");

    Certificate c = Certificate.decode(tampered);

    assertThat(c.roles()).containsExactly("admin");
    assertThat(c.verify(NETWORK.address(), INSIDE).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
  }

  @Test
  void issuerRewrittenToMyNetwork_badSignature() throws Exception {
    Certificate theirs = Fixtures.certificate(OTHER_NETWORK, NODE, "camera1");
    byte[] tampered =
        replaceFirst(
            theirs.encoded().toByteArray(),
            OTHER_NETWORK.address().toString(),
            NETWORK.address().toString());

    Certificate c = Certificate.decode(tampered);

    assertThat(c.network()).isEqualTo(NETWORK.address());
    assertThat(c.verify(NETWORK.address(), INSIDE).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
  }

  /** Every position, three kinds of change: each fails to decode or fails to verify. */
  @Test
  void everyByteChanged_neverVerifies() {
    for (int i = 0; i < DER.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xff}) {
        byte[] changed = DER.clone();
        changed[i] ^= (byte) mask;
        assertNeverAccepted(changed, "byte " + i + " ^ " + mask);
      }
    }
  }

  @Property(tries = 1000)
  void anySingleByteChange_neverVerifies(
      @ForAll @IntRange(max = 10_000) int position, @ForAll byte value) {
    int i = position % DER.length;
    if (DER[i] == value) {
      return;
    }
    byte[] changed = DER.clone();
    changed[i] = value;

    assertNeverAccepted(changed, "byte " + i + " = " + value);
  }

  // ---- decode() refuses anything but a strict staex certificate

  @Property(tries = 500)
  void arbitraryBytes_onlyMalformed(@ForAll @Size(max = 700) byte[] bytes) {
    decodeOrMalformed(bytes);
  }

  @Property(tries = 500, shrinking = ShrinkingMode.OFF)
  void mangledCertificate_onlyMalformedOrRefusedByVerify(@ForAll("mangled") byte[] bytes) {
    Assume.that(!Arrays.equals(bytes, DER)); // the edits may put back what was there
    Certificate c = decodeOrMalformed(bytes);
    Statistics.label("outcome").collect(c == null ? "malformed" : "decoded, refused");
    if (c != null) {
      assertThat(c.verify(NETWORK.address(), INSIDE).isAccepted()).isFalse();
    }
    // Both paths must be taken, or the property says nothing about verify.
    Statistics.label("outcome").coverage(checker -> {
      checker.check("malformed").count(n -> n > 0);
      checker.check("decoded, refused").count(n -> n > 0);
    });
  }

  @Provide
  Arbitrary<byte[]> mangled() {
    Arbitrary<Integer> position = Arbitraries.integers().between(0, DER.length - 1);
    Arbitrary<Consumer<List<Byte>>> edit =
        Arbitraries.oneOf(
            Combinators.combine(position, Arbitraries.bytes())
                .as((p, b) -> (Consumer<List<Byte>>) l -> l.set(p % l.size(), b)),
            Combinators.combine(position, Arbitraries.bytes())
                .as((p, b) -> (Consumer<List<Byte>>) l -> l.add(p % l.size(), b)),
            position.map(p -> (Consumer<List<Byte>>) l -> l.remove(p % l.size())),
            position.map(p -> (Consumer<List<Byte>>) l -> l.subList(p % l.size(), l.size()).clear()));
    return edit.list().ofMinSize(1).ofMaxSize(4).map(edits -> {
      List<Byte> bytes = new ArrayList<>();
      for (byte b : DER) {
        bytes.add(b);
      }
      for (Consumer<List<Byte>> e : edits) {
        if (!bytes.isEmpty()) {
          e.accept(bytes);
        }
      }
      byte[] out = new byte[bytes.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = bytes.get(i);
      }
      return out;
    });
  }

  @Test
  void everyTruncation_malformed() {
    for (int length = 0; length < DER.length; length++) {
      assertThat(malformed(Arrays.copyOf(DER, length))).as("length %d", length).isNotNull();
    }
    byte[] longer = Arrays.copyOf(DER, DER.length + 1);
    assertThat(malformed(longer)).hasMessageContaining("not an X.509 certificate");
  }

  @Test
  void overMaximumSize_malformedBeforeParsing() {
    assertThat(malformed(new byte[Certificate.MAX_ENCODED_SIZE + 1]))
        .hasMessageContaining("4097 bytes (expected: at most 4096)");
  }

  @Test
  void nonMinimalLength_malformedAsNotCanonical() {
    // outer SEQUENCE length in 2 bytes (0x82 hh ll) rewritten as 3 bytes (0x83 00 hh ll)
    assertThat(DER[1]).isEqualTo((byte) 0x82);
    byte[] ber = new byte[DER.length + 1];
    ber[0] = 0x30;
    ber[1] = (byte) 0x83;
    ber[2] = 0;
    System.arraycopy(DER, 2, ber, 3, DER.length - 2);

    assertThat(malformed(ber)).hasMessageContaining("not canonical DER");
  }

  /** Certificates signed by the network key, but not in the shape a staex certificate has. */
  @Nested
  class StrictStructure {
    @Test
    void subjectCnNotTheSubjectKey_malformed() {
      byte[] der = build(b -> {}, dn("staex node", OTHER_NETWORK.address()), NODE.address());

      assertThat(malformed(der)).hasMessageContaining("is not the subject key");
    }

    @Test
    void subjectWithoutCn_malformed() {
      byte[] der = build(b -> {}, new X500Name("O=staex node"), NODE.address());

      assertThat(malformed(der)).hasMessageContaining("subject has 0 CNs");
    }

    @Test
    void issuerCnNotAnAddress_malformed() {
      X500Name issuer = new X500Name("O=staex network,CN=camera1");
      byte[] der = build(issuer, b -> {}, dn("staex node", NODE.address()), NODE.address());

      assertThat(malformed(der)).hasMessageContaining("issuer CN");
    }

    @Test
    void issuerCnInUpperCase_malformedAsNotCanonical() {
      X500Name issuer =
          new X500Name("O=staex network,CN=" + NETWORK.address().toString().toUpperCase(Locale.ROOT));
      byte[] der = build(issuer, b -> {}, dn("staex node", NODE.address()), NODE.address());

      assertThat(malformed(der)).hasMessageContaining("not in canonical form");
    }

    @Test
    void subjectCnWithStaexSuffix_malformedAsNotCanonical() {
      X500Name subject = new X500Name("O=staex node,CN=" + NODE.address().hostName());
      byte[] der = build(b -> {}, subject, NODE.address());

      assertThat(malformed(der)).hasMessageContaining("not in canonical form");
    }

    @Test
    void ipAddressAlternativeName_malformed() {
      byte[] der = build(b -> san(b, new GeneralName(GeneralName.iPAddress, "10.0.0.1")));

      assertThat(malformed(der)).hasMessageContaining("subject alternative name of type 7");
    }

    @Test
    void twoCertifiedNames_malformed() {
      byte[] der = build(b -> san(b, dns("a.staex"), dns("b.staex")));

      assertThat(malformed(der)).hasMessageContaining("unexpected DNS name 'b.staex'");
    }

    @Test
    void nameOutsideStaexDomain_malformed() {
      byte[] der = build(b -> san(b, dns("camera1.example.com")));

      assertThat(malformed(der)).hasMessageContaining("unexpected DNS name");
    }

    @Test
    void addressAsCertifiedName_malformed() {
      byte[] der = build(b -> san(b, dns(OTHER_NETWORK.address().hostName())));

      assertThat(malformed(der)).hasMessageContaining("is an address");
    }

    @Test
    void badRoleInExtension_malformed() {
      byte[] der = build(b -> roles(b, "Relay"));

      assertThat(malformed(der)).hasMessageContaining("role 'Relay'");
    }

    @Test
    void tooManyRolesInExtension_malformed() {
      String[] roles = new String[17];
      Arrays.setAll(roles, i -> "r" + i);

      assertThat(malformed(build(b -> roles(b, roles)))).hasMessageContaining("17 roles");
    }

    @Test
    void wellFormedHandMadeCertificate_decodes() throws Exception {
      byte[] der = build(b -> {
        san(b, dns(NODE.address().hostName()), dns("cam.staex"));
        roles(b, "relay", "admin");
      });

      Certificate c = Certificate.decode(der);

      assertThat(c.name()).contains("cam");
      assertThat(c.roles()).containsExactly("admin", "relay");
      assertThat(c.verify(NETWORK.address(), INSIDE).isAccepted()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void serialNotPositive_malformed(long serial) throws Exception {
      X509v3CertificateBuilder b =
          new X509v3CertificateBuilder(
              dn("staex network", NETWORK.address()), BigInteger.valueOf(serial),
              Date.from(T0), Date.from(T0.plus(YEAR)), dn("staex node", NODE.address()),
              spki(NODE.address()));

      assertThat(malformed(b.build(new Signer(NETWORK)).getEncoded()))
          .hasMessageContaining("serial number " + serial);
    }

    @Test
    void version1Certificate_malformed() throws Exception {
      X509v1CertificateBuilder b =
          new X509v1CertificateBuilder(
              dn("staex network", NETWORK.address()), BigInteger.ONE, Date.from(T0),
              Date.from(T0.plus(YEAR)), dn("staex node", NODE.address()), spki(NODE.address()));

      assertThat(malformed(b.build(new Signer(NETWORK)).getEncoded()))
          .hasMessageContaining("X.509 version 1 (expected: 3)");
    }

    private byte[] build(Consumer<X509v3CertificateBuilder> extensions) {
      return build(extensions, dn("staex node", NODE.address()), NODE.address());
    }

    private byte[] build(
        Consumer<X509v3CertificateBuilder> extensions, X500Name subject, Address key) {
      return build(dn("staex network", NETWORK.address()), extensions, subject, key);
    }

    private byte[] build(
        X500Name issuer, Consumer<X509v3CertificateBuilder> extensions, X500Name subject,
        Address key) {
      X509v3CertificateBuilder b =
          new X509v3CertificateBuilder(
              issuer, BigInteger.TEN, Date.from(T0), Date.from(T0.plus(YEAR)), subject, spki(key));
      try {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        extensions.accept(b);
        return b.build(new Signer(NETWORK)).getEncoded();
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }

    private void san(X509v3CertificateBuilder b, GeneralName... names) {
      try {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }

    private void roles(X509v3CertificateBuilder b, String... roles) {
      ASN1Encodable[] items = Arrays.stream(roles).map(DERUTF8String::new).toArray(ASN1Encodable[]::new);
      try {
        b.addExtension(new ASN1ObjectIdentifier(Certificate.ROLES_OID), false, new DERSequence(items));
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }

    private GeneralName dns(String host) {
      return new GeneralName(GeneralName.dNSName, host);
    }

    private X500Name dn(String organization, Address address) {
      return new X500Name("O=" + organization + ",CN=" + address);
    }

    private SubjectPublicKeyInfo spki(Address key) {
      return new SubjectPublicKeyInfo(
          new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), key.publicKey().toByteArray());
    }
  }

  // ---- PEM files

  @Test
  void pemWriteThenRead_sameCertificate() throws Exception {
    Path file = dir.resolve("node.crt");

    CERT.write(file, false);

    assertThat(Files.readString(file)).isEqualTo(CERT.toPem()).startsWith("-----BEGIN CERTIFICATE-----\n");
    assertThat(Certificate.read(file)).isEqualTo(CERT);
  }

  @Test
  void existingFile_notReplacedWithoutForce_replacedWithForce() throws Exception {
    Path file = dir.resolve("node.crt");
    CERT.write(file, false);
    Certificate other = Fixtures.certificate(NETWORK, NODE, "camera2");

    KeyFileException e = catchThrowableOfType(KeyFileException.class, () -> other.write(file, false));
    assertThat(e.reason()).isEqualTo(KeyFileException.Reason.EXISTS);
    assertThat(Certificate.read(file)).isEqualTo(CERT);

    other.write(file, true);
    assertThat(Certificate.read(file)).isEqualTo(other);
  }

  @Test
  void pemOfAnotherType_keyFileMalformed() throws Exception {
    Path file = dir.resolve("node.key");
    KeyFiles.writePrivateKey(file, NODE, false);

    KeyFileException e = catchThrowableOfType(KeyFileException.class, () -> Certificate.read(file));

    assertThat(e.reason()).isEqualTo(KeyFileException.Reason.MALFORMED);
    assertThat(e).hasMessageContaining("PEM type 'PRIVATE KEY' (expected: CERTIFICATE)");
  }

  @Test
  void pemWithBrokenCertificate_badCertificateNamingTheFile() throws Exception {
    Path file = dir.resolve("node.crt");
    Files.writeString(file, KeyFiles.pem("CERTIFICATE", Arrays.copyOf(DER, 100)));

    BadCertificateException e =
        catchThrowableOfType(BadCertificateException.class, () -> Certificate.read(file));

    assertThat(e.rejection()).isEqualTo(Rejection.MALFORMED);
    assertThat(e).hasMessageStartingWith(file.toString());
  }

  @Test
  void missingFile_notFound() {
    KeyFileException e =
        catchThrowableOfType(KeyFileException.class, () -> Certificate.read(dir.resolve("x.crt")));

    assertThat(e.reason()).isEqualTo(KeyFileException.Reason.NOT_FOUND);
  }

  @Test
  void toString_namesNodeNetworkNameRolesAndPeriod() {
    assertThat(CERT.toString())
        .contains("node=" + NODE.address())
        .contains("network=" + NETWORK.address())
        .contains("name=camera1")
        .contains("roles=[relay]")
        .contains("2030-01-01T00:00:00Z..2031-01-01T00:00:00Z");
  }

  // ---- interoperability with the openssl binary

  @Nested
  class Openssl {
    @Test
    void opensslShowsAddressNameAndAlgorithm() throws Exception {
      ExternalTool.require("openssl");
      CERT.write(dir.resolve("node.crt"), false);

      ExternalTool.Result r =
          ExternalTool.run(dir, "openssl", "x509", "-noout", "-text", "-in", "node.crt")
              .assertSuccess();

      assertThat(r.stdout())
          .contains("Subject: O = staex node, CN = " + NODE.address())
          .contains("Issuer: O = staex network, CN = " + NETWORK.address())
          .contains("DNS:" + NODE.address().hostName())
          .contains("DNS:camera1.staex")
          .contains("Signature Algorithm: ED25519")
          .contains("ED25519 Public-Key");
    }

    /**
     * openssl checks the signature: the network key (written by KeyFiles) self-signs a CA
     * certificate with the issuer's name, and {@code openssl verify} accepts the node's
     * certificate under it, and refuses a tampered one and one of another network.
     */
    @Test
    void opensslVerifiesTheNetworkSignature() throws Exception {
      ExternalTool.require("openssl");
      Instant now = Instant.now();
      Certificate cert =
          Certificate.issue(NETWORK, NODE.address(), Optional.of("camera1"), Set.of(),
              now.minusSeconds(3600), now.plusSeconds(3600), Fixtures.random(1));
      Certificate foreign =
          Certificate.issue(OTHER_NETWORK, NODE.address(), Optional.of("camera1"), Set.of(),
              now.minusSeconds(3600), now.plusSeconds(3600), Fixtures.random(1));
      cert.write(dir.resolve("node.crt"), false);
      foreign.write(dir.resolve("foreign.crt"), false);
      Files.writeString(
          dir.resolve("tampered.crt"),
          KeyFiles.pem("CERTIFICATE",
              replaceFirst(cert.encoded().toByteArray(), "camera1.staex", "camera2.staex")));
      KeyFiles.writePrivateKey(dir.resolve("network.key"), NETWORK, false);
      KeyFiles.writePublicKey(dir.resolve("network.pub"), NETWORK.address(), false);
      ExternalTool.run(dir, "openssl", "req", "-x509", "-new", "-key", "network.key",
          "-subj", "/O=staex network/CN=" + NETWORK.address(), "-days", "2", "-out", "ca.pem")
          .assertSuccess();
      assertThat(ExternalTool.run(dir, "openssl", "x509", "-in", "ca.pem", "-noout", "-pubkey")
              .assertSuccess().stdout())
          .isEqualTo(Files.readString(dir.resolve("network.pub")));

      ExternalTool.Result good = openssl("verify", "-CAfile", "ca.pem", "node.crt");
      ExternalTool.Result tampered = openssl("verify", "-CAfile", "ca.pem", "tampered.crt");
      ExternalTool.Result other = openssl("verify", "-CAfile", "ca.pem", "foreign.crt");

      good.assertSuccess();
      assertThat(good.stdout()).contains("node.crt: OK");
      assertThat(tampered.exitCode()).isNotZero();
      assertThat(tampered.stdout() + tampered.stderr()).contains("signature failure");
      assertThat(other.exitCode()).isNotZero();
    }

    private ExternalTool.Result openssl(String... args) throws Exception {
      String[] command = new String[args.length + 1];
      command[0] = "openssl";
      System.arraycopy(args, 0, command, 1, args.length);
      return ExternalTool.run(dir, command);
    }
  }

  // ---- helpers

  private static Certificate issueNamed(String name) {
    return Certificate.issue(NETWORK, NODE.address(), Optional.of(name), Set.of(), T0,
        T0.plus(YEAR), Fixtures.random(1));
  }

  private static Certificate issueWithRoles(Set<String> roles) {
    return Certificate.issue(NETWORK, NODE.address(), Optional.empty(), roles, T0,
        T0.plus(YEAR), Fixtures.random(1));
  }

  private static void assertNeverAccepted(byte[] der, String change) {
    Certificate c = decodeOrMalformed(der);
    if (c != null) {
      assertThat(c.verify(NETWORK.address(), INSIDE).isAccepted()).as(change).isFalse();
    }
  }

  /** The decoded certificate, or null after checking that decode refused it as MALFORMED. */
  private static Certificate decodeOrMalformed(byte[] der) {
    try {
      return Certificate.decode(der);
    } catch (BadCertificateException e) {
      assertThat(e.rejection()).isEqualTo(Rejection.MALFORMED);
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }

  private static BadCertificateException malformed(byte[] der) {
    BadCertificateException e =
        catchThrowableOfType(BadCertificateException.class, () -> Certificate.decode(der));
    assertThat(e).as("decode should refuse").isNotNull();
    assertThat(e.rejection()).isEqualTo(Rejection.MALFORMED);
    return e;
  }

  private static byte[] replaceFirst(byte[] der, String from, String to) {
    byte[] needle = from.getBytes(StandardCharsets.US_ASCII);
    byte[] replacement = to.getBytes(StandardCharsets.US_ASCII);
    assertThat(replacement).hasSameSizeAs(needle);
    for (int i = 0; i + needle.length <= der.length; i++) {
      if (Arrays.equals(der, i, i + needle.length, needle, 0, needle.length)) {
        byte[] out = der.clone();
        System.arraycopy(replacement, 0, out, i, replacement.length);
        return out;
      }
    }
    throw new AssertionError("'" + from + "' not found in the certificate");
  }

  /** Signs with an Identity, as Certificate's own signer does, for hand-made certificates. */
  private static final class Signer implements ContentSigner {
    private final Identity key;
    private final ByteArrayOutputStream tbs = new ByteArrayOutputStream();

    Signer(Identity key) {
      this.key = key;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
    }

    @Override
    public OutputStream getOutputStream() {
      return tbs;
    }

    @Override
    public byte[] getSignature() {
      return key.sign(tbs.toByteArray());
    }
  }

  // ---- decoded lately (issue 15: a first contact decoded and checked the same peer again) ----

  @Test
  void decodeTheSameBytesAgain_theSameCertificate() throws Exception {
    byte[] copy = DER.clone();

    assertThat(Certificate.decode(copy)).isSameAs(Certificate.decode(DER));
  }

  @Test
  void decodedLately_atMostItsSlots_aCertificateInTheSameSlotEvicts() throws Exception {
    // certificates of one node that differ in their serial, until two share a slot
    java.util.Map<Integer, byte[]> bySlot = new java.util.HashMap<>();
    byte[] first = null;
    byte[] second = null;
    for (int i = 0; second == null; i++) {
      byte[] der = Certificate.issue(NETWORK, NODE.address(), Optional.empty(), Set.of(), T0,
          T0.plus(YEAR), Fixtures.random(1000 + i)).encoded().toByteArray();
      byte[] before = bySlot.putIfAbsent(Certificate.DECODED.slot(der), der);
      if (before != null && !Arrays.equals(before, der)) {
        first = before;
        second = der;
      }
    }
    Certificate a = Certificate.decode(first);
    assertThat(Certificate.decode(first)).isSameAs(a);

    Certificate b = Certificate.decode(second);

    assertThat(b).isNotEqualTo(a);
    Certificate again = Certificate.decode(first);
    assertThat(again).as("evicted: decoded anew").isNotSameAs(a).isEqualTo(a);
    assertThat(again.verify(NETWORK.address(), INSIDE).isAccepted()).isTrue();
  }

  @Test
  void badSignature_refusedEachTime_onlyASuccessIsRemembered() throws Exception {
    byte[] tampered = replaceFirst(DER, "camera1.staex", "damera1.staex");
    Certificate c = Certificate.decode(tampered);

    assertThat(c.verify(NETWORK.address(), INSIDE).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(Certificate.decode(tampered).verify(NETWORK.address(), INSIDE).rejection())
        .isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(CERT.verify(NETWORK.address(), INSIDE).isAccepted()).isTrue();
    assertThat(CERT.verify(NETWORK.address(), INSIDE).isAccepted()).isTrue();
    assertThat(CERT.verify(NETWORK.address(), T0.plus(YEAR).plusSeconds(1)).rejection())
        .as("a remembered signature still expires").isEqualTo(Rejection.EXPIRED);
    assertThat(CERT.verify(OTHER_NETWORK.address(), INSIDE).rejection())
        .isEqualTo(Rejection.WRONG_NETWORK);
  }
}
