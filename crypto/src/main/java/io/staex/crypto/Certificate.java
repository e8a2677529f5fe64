package io.staex.crypto;

import io.staex.crypto.internal.DnsLabel;
import io.staex.crypto.internal.SlotCache;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A node's membership in a network: the network key's signature over {node key, network key,
 * optional name, roles, not-before, not-after}.
 *
 * <p>Encoded as an X.509 v3 certificate signed with Ed25519 (RFC 8410), so {@code openssl x509
 * -noout -text} shows it: the subject CN and a DNS subject-alternative name hold the node's
 * address ({@code <address>.staex}), a second DNS name the certified name ({@code
 * <name>.staex}), the issuer CN the network's address, and a non-critical extension ({@link
 * #ROLES_OID}, a SEQUENCE OF UTF8String) the roles. Decoding is strict (canonical DER, Ed25519
 * only, subject CN equal to the subject key), so one certificate has one encoding.
 *
 * <p>Decoding checks structure only; {@link #verify(Address, Instant)} checks the signature,
 * the network and the validity period, and {@link TrustPolicy} decides whether to trust.
 */
public final class Certificate {
  /** The staex arc: a UUID OID (ITU-T X.667), so no registration is needed. */
  public static final String STAEX_OID = "2.25.110159707436578486272320969187004562453";
  /** The roles extension. */
  public static final String ROLES_OID = STAEX_OID + ".1";
  /** Largest encoded certificate we accept, far above a real one (about 500 bytes). */
  public static final int MAX_ENCODED_SIZE = 4096;
  /** Most roles one certificate may carry. */
  public static final int MAX_ROLES = 16;

  static final String PEM_TYPE = "CERTIFICATE";
  private static final ASN1ObjectIdentifier ROLES = new ASN1ObjectIdentifier(ROLES_OID);
  private static final AlgorithmIdentifier ED25519 =
      new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);

  /**
   * Certificates decoded lately, in slots by their DER. A session handshake decodes the peer's
   * certificate, and a node meets the same few peers again and again (a user's first contact
   * with a gateway after its session went idle): parsing the ASN.1 again and checking its
   * signature again cost a third of a handshake's CPU while that code is not yet compiled
   * (issue 15, first contact). Decoding is a function of the DER alone, so a hit (the same
   * bytes, compared in full) returns the same immutable certificate, whose signature check is
   * then remembered too ({@link #verify}). Direct-mapped, as {@link Address}'s: it holds at
   * most 256, and a flood of new certificates only evicts.
   */
  static final SlotCache<Certificate> DECODED = new SlotCache<>(256);

  private final Bytes encoded;
  private final byte[] tbs;
  private final byte[] signature;
  private final BigInteger serial;
  private final Address node;
  private final Address network;
  private final Optional<String> name;
  private final Set<String> roles;
  private final Instant notBefore;
  private final Instant notAfter;
  /**
   * Whether {@link #network}'s signature over {@link #tbs} verified once: a fact of these
   * immutable bytes, so later checks skip the Ed25519 verification. Only a success is kept.
   */
  private volatile boolean signatureVerified;

  private Certificate(
      byte[] der, byte[] tbs, byte[] signature, BigInteger serial, Address node, Address network,
      Optional<String> name, Set<String> roles, Instant notBefore, Instant notAfter) {
    this.encoded = Bytes.copyOf(der);
    this.tbs = tbs;
    this.signature = signature;
    this.serial = serial;
    this.node = node;
    this.network = network;
    this.name = name;
    this.roles = roles;
    this.notBefore = notBefore;
    this.notAfter = notAfter;
  }

  /**
   * Issues a certificate for {@code node}, signed by {@code networkKey}.
   *
   * @param name certified name (a DNS label, stored in lower case), or empty
   * @param roles role names (DNS labels), at most {@link #MAX_ROLES}
   * @throws IllegalArgumentException for a bad name, role or validity period, with the reason
   */
  public static Certificate issue(
      Identity networkKey, Address node, Optional<String> name, Set<String> roles,
      Instant notBefore, Instant notAfter, SecureRandom random) {
    Optional<String> certName = name.map(n -> n.toLowerCase(java.util.Locale.ROOT));
    certName.ifPresent(n -> checkName(n));
    Set<String> certRoles = checkRoles(roles);
    Instant from = notBefore.truncatedTo(ChronoUnit.SECONDS);
    Instant until = notAfter.truncatedTo(ChronoUnit.SECONDS);
    if (!until.isAfter(from)) {
      throw new IllegalArgumentException(
          "validity: not-after " + until + " is not after not-before " + from);
    }
    BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            dn(networkKey.address(), "staex network"),
            serial,
            Date.from(from),
            Date.from(until),
            dn(node, "staex node"),
            new SubjectPublicKeyInfo(ED25519, node.publicKey().toByteArray()));
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      List<GeneralName> dns = new ArrayList<>();
      dns.add(new GeneralName(GeneralName.dNSName, node.hostName()));
      certName.ifPresent(n -> dns.add(new GeneralName(GeneralName.dNSName, n + "." + Address.DOMAIN)));
      builder.addExtension(
          Extension.subjectAlternativeName, false,
          new GeneralNames(dns.toArray(GeneralName[]::new)));
      if (!certRoles.isEmpty()) {
        ASN1Encodable[] items =
            certRoles.stream().map(DERUTF8String::new).toArray(ASN1Encodable[]::new);
        builder.addExtension(ROLES, false, new DERSequence(items));
      }
      byte[] der = builder.build(new Ed25519Signer(networkKey)).getEncoded();
      return decode(der);
    } catch (CertIOException e) {
      throw new IllegalStateException("building a certificate in memory", e);
    } catch (IOException | BadCertificateException e) {
      throw new IllegalStateException("a certificate we just issued does not decode", e);
    }
  }

  /**
   * Decodes DER, checking structure only (see {@link #verify}). The same bytes decoded lately
   * give the same certificate again, without parsing ({@link #DECODED}).
   */
  public static Certificate decode(byte[] der) throws BadCertificateException {
    if (der.length > MAX_ENCODED_SIZE) {
      throw malformed(der.length + " bytes (expected: at most " + MAX_ENCODED_SIZE + ")");
    }
    Certificate seen = DECODED.get(der);
    if (seen != null && seen.encoded.sameAs(der)) {
      return seen;
    }
    org.bouncycastle.asn1.x509.Certificate cert;
    try {
      cert = org.bouncycastle.asn1.x509.Certificate.getInstance(ASN1Primitive.fromByteArray(der));
      if (cert == null || !Arrays.equals(cert.getEncoded(ASN1Encoding.DER), der)) {
        throw malformed("not canonical DER");
      }
      Certificate decoded = fromAsn1(der, cert);
      DECODED.put(der, decoded);
      return decoded;
    } catch (BadCertificateException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw malformed("not an X.509 certificate (" + e.getMessage() + ")");
    }
  }

  /** Reads a PEM {@code CERTIFICATE} file. */
  public static Certificate read(Path file) throws KeyFileException, BadCertificateException {
    PemObject pem = KeyFiles.readPem(file);
    if (!PEM_TYPE.equals(pem.getType())) {
      throw new KeyFileException(
          KeyFileException.Reason.MALFORMED,
          file + ": PEM type '" + pem.getType() + "' (expected: " + PEM_TYPE + ")");
    }
    try {
      return decode(pem.getContent());
    } catch (BadCertificateException e) {
      throw new BadCertificateException(e.rejection(), file + ": " + e.getMessage(), e);
    }
  }

  /** Writes this certificate to {@code file} as PEM, refusing to replace a file unless forced. */
  public void write(Path file, boolean force) throws KeyFileException {
    try {
      KeyFiles.write(file, toPem(), force, false);
    } catch (IOException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": " + e.getMessage(), e);
    }
  }

  public String toPem() {
    return KeyFiles.pem(PEM_TYPE, encoded.toByteArray());
  }

  /**
   * Checks, cheapest first, that this certificate belongs to {@code network}, carries that
   * network's valid signature, and is valid at {@code now}. Trust decisions (which networks,
   * revocation, pinning) belong to {@link TrustPolicy}.
   */
  public Verdict verify(Address network, Instant now) {
    if (!this.network.equals(network)) {
      return Verdict.rejected(
          Rejection.WRONG_NETWORK,
          "signed by network " + this.network + " (expected: " + network + ")");
    }
    if (!signatureVerified) {
      if (!network.verify(tbs, signature)) {
        return Verdict.rejected(
            Rejection.BAD_SIGNATURE, "the signature of network " + network + " does not verify");
      }
      signatureVerified = true;
    }
    if (now.isBefore(notBefore)) {
      return Verdict.rejected(Rejection.NOT_YET_VALID, "valid from " + notBefore + ", now " + now);
    }
    if (now.isAfter(notAfter)) {
      return Verdict.rejected(Rejection.EXPIRED, "expired at " + notAfter + ", now " + now);
    }
    return Verdict.accepted();
  }

  public Bytes encoded() {
    return encoded;
  }

  public BigInteger serial() {
    return serial;
  }

  /** The certified node key. */
  public Address node() {
    return node;
  }

  /** The network key that signed it. */
  public Address network() {
    return network;
  }

  public Optional<String> name() {
    return name;
  }

  /** Roles, sorted. */
  public Set<String> roles() {
    return roles;
  }

  public Instant notBefore() {
    return notBefore;
  }

  public Instant notAfter() {
    return notAfter;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Certificate && ((Certificate) o).encoded.equals(encoded);
  }

  @Override
  public int hashCode() {
    return encoded.hashCode();
  }

  @Override
  public String toString() {
    return "Certificate[node=" + node + ", network=" + network + name.map(n -> ", name=" + n).orElse("")
        + (roles.isEmpty() ? "" : ", roles=" + roles) + ", " + notBefore + ".." + notAfter + "]";
  }

  private static Certificate fromAsn1(byte[] der, org.bouncycastle.asn1.x509.Certificate cert)
      throws BadCertificateException, IOException {
    TBSCertificate tbs = cert.getTBSCertificate();
    if (tbs.getVersionNumber() != 3) {
      throw malformed("X.509 version " + tbs.getVersionNumber() + " (expected: 3)");
    }
    requireEd25519("signature algorithm", cert.getSignatureAlgorithm());
    requireEd25519("TBS signature algorithm", tbs.getSignature());
    if (cert.getSignature().getPadBits() != 0 || cert.getSignature().getOctets().length != 64) {
      throw malformed("signature is not 64 bytes");
    }
    SubjectPublicKeyInfo spki = tbs.getSubjectPublicKeyInfo();
    requireEd25519("subject key algorithm", spki.getAlgorithm());
    Address node = addressOf(spki.getPublicKeyData().getOctets());
    Address subject = cnAddress("subject", tbs.getSubject());
    if (!subject.equals(node)) {
      throw malformed("subject CN " + subject + " is not the subject key " + node);
    }
    Address network = cnAddress("issuer", tbs.getIssuer());
    Extensions ext = tbs.getExtensions();
    Optional<String> name = Optional.empty();
    Set<String> roles = Collections.emptySet();
    if (ext != null) {
      name = certifiedName(node, ext);
      roles = roles(ext);
    }
    if (tbs.getStartDate() == null || tbs.getEndDate() == null) {
      throw malformed("missing validity");
    }
    Instant from = tbs.getStartDate().getDate().toInstant();
    Instant until = tbs.getEndDate().getDate().toInstant();
    BigInteger serial = tbs.getSerialNumber().getValue();
    if (serial.signum() <= 0) {
      throw malformed("serial number " + serial + " (expected: positive)");
    }
    return new Certificate(
        der, tbs.getEncoded(ASN1Encoding.DER), cert.getSignature().getOctets(), serial, node,
        network, name, roles, from, until);
  }

  private static Optional<String> certifiedName(Address node, Extensions ext)
      throws BadCertificateException {
    GeneralNames san = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
    if (san == null) {
      return Optional.empty();
    }
    String suffix = "." + Address.DOMAIN;
    Optional<String> name = Optional.empty();
    for (GeneralName gn : san.getNames()) {
      if (gn.getTagNo() != GeneralName.dNSName) {
        throw malformed("subject alternative name of type " + gn.getTagNo() + " (expected: DNS)");
      }
      String host = ((ASN1String) gn.getName()).getString();
      if (host.equals(node.hostName())) {
        continue;
      }
      if (!host.endsWith(suffix) || name.isPresent()) {
        throw malformed("unexpected DNS name '" + host + "'");
      }
      String label = host.substring(0, host.length() - suffix.length());
      String problem = nameProblem(label);
      if (problem != null) {
        throw malformed("name '" + label + "': " + problem);
      }
      name = Optional.of(label);
    }
    return name;
  }

  private static Set<String> roles(Extensions ext) throws BadCertificateException {
    Extension e = ext.getExtension(ROLES);
    if (e == null) {
      return Collections.emptySet();
    }
    ASN1Sequence seq = ASN1Sequence.getInstance(e.getParsedValue());
    if (seq.size() > MAX_ROLES) {
      throw malformed(seq.size() + " roles (expected: at most " + MAX_ROLES + ")");
    }
    Set<String> roles = new TreeSet<>();
    for (ASN1Encodable item : seq) {
      String role = DERUTF8String.getInstance(item).getString();
      String problem = DnsLabel.problem(role);
      if (problem != null) {
        throw malformed("role '" + role + "': " + problem);
      }
      roles.add(role);
    }
    return Collections.unmodifiableSet(roles);
  }

  private static Address cnAddress(String which, X500Name dn) throws BadCertificateException {
    RDN[] cns = dn.getRDNs(BCStyle.CN);
    if (cns.length != 1 || cns[0].isMultiValued()) {
      throw malformed(which + " has " + cns.length + " CNs (expected: 1, the address)");
    }
    String text = ((ASN1String) cns[0].getFirst().getValue()).getString();
    try {
      Address address = Address.parse(text);
      if (!address.toString().equals(text)) {
        throw malformed(which + " CN '" + text + "' is not in canonical form (" + address + ")");
      }
      return address;
    } catch (AddressFormatException e) {
      throw malformed(which + " CN: " + e.getMessage());
    }
  }

  private static Address addressOf(byte[] key) throws BadCertificateException {
    try {
      return Address.of(key);
    } catch (AddressFormatException e) {
      throw malformed("subject key: " + e.getMessage());
    }
  }

  private static void requireEd25519(String what, AlgorithmIdentifier alg)
      throws BadCertificateException {
    if (!ED25519.equals(alg)) {
      throw malformed(what + " " + alg.getAlgorithm() + " (expected: Ed25519 without parameters)");
    }
  }

  static void checkName(String name) {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("name '" + name + "': " + problem);
    }
  }

  /**
   * Why {@code name} can't be a certified name, or null if it can: the one rule every layer
   * checks names by (a lower-case DNS label, 1~63 of {@code a-z 0-9 -}, no {@code -} at either
   * end, and not an address).
   */
  public static String nameProblem(String name) {
    String problem = DnsLabel.problem(name);
    if (problem == null && name.length() == Address.TEXT_LENGTH) {
      try {
        Address.parse(name);
        return "is an address (names must not shadow addresses)";
      } catch (AddressFormatException e) {
        return null;
      }
    }
    return problem;
  }

  private static Set<String> checkRoles(Set<String> roles) {
    if (roles.size() > MAX_ROLES) {
      throw new IllegalArgumentException(
          roles.size() + " roles (expected: at most " + MAX_ROLES + ")");
    }
    Set<String> out = new TreeSet<>();
    for (String role : roles) {
      String lower = role.toLowerCase(java.util.Locale.ROOT);
      String problem = DnsLabel.problem(lower);
      if (problem != null) {
        throw new IllegalArgumentException("role '" + role + "': " + problem);
      }
      out.add(lower);
    }
    return Collections.unmodifiableSet(out);
  }

  private static X500Name dn(Address address, String organization) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, organization)
        .addRDN(BCStyle.CN, address.toString())
        .build();
  }

  private static BadCertificateException malformed(String detail) {
    return new BadCertificateException(Rejection.MALFORMED, detail);
  }

  /** Signs a TBS certificate with an {@link Identity}; the private key stays inside it. */
  private static final class Ed25519Signer implements ContentSigner {
    private final Identity key;
    private final ByteArrayOutputStream tbs = new ByteArrayOutputStream();

    Ed25519Signer(Identity key) {
      this.key = Objects.requireNonNull(key);
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return ED25519;
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
}
