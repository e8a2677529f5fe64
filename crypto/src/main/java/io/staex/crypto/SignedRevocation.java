package io.staex.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A network key's signed statement "this node key, or the certificate with this serial, is no
 * longer a member of my network". It spreads through the tree (see {@code docs/identity.md}) and
 * every node that trusts the network applies it at once: {@link TrustPolicy#revoke}.
 *
 * <pre>
 *   version u8 (1) | kind u8 (1 node, 2 serial) | network (32) | issued-at i64 (epoch s)
 *   | target: node key (32), or length u8 (1~20) and the serial's big-endian magnitude
 *   | Ed25519 signature (64) by the network key over DOMAIN || everything before it
 * </pre>
 *
 * Decoding is strict (exact lengths, a valid network and node key, a serial without leading zero
 * bytes), so one revocation has one encoding. A revocation covers only certificates of its own
 * network: a network cannot revoke another network's members. Files are PEM, type {@value
 * #PEM_TYPE}. Immutable.
 */
public final class SignedRevocation {
  /** What a revocation names. */
  public enum Kind {
    /** Every certificate of the network for one node key. */
    NODE(1),
    /** One certificate, by its serial number. */
    SERIAL(2);

    private final int code;

    Kind(int code) {
      this.code = code;
    }
  }

  /** The PEM type of a revocation file. */
  public static final String PEM_TYPE = "STAEX REVOCATION";
  /** The encoding version this class writes and reads. */
  public static final int VERSION = 1;
  /** Largest serial, in bytes (RFC 5280 section 4.1.2.2). */
  public static final int MAX_SERIAL_BYTES = 20;
  /** Largest encoding: a node revocation (a serial one is at most 127 bytes). */
  public static final int MAX_ENCODED_SIZE = 1 + 1 + Address.KEY_SIZE + 8 + Address.KEY_SIZE + 64;
  /** Signed before the body, so that no other staex signature can pass for a revocation. */
  private static final byte[] DOMAIN =
      "staex revocation v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final int SIGNATURE_SIZE = 64;
  /** 9999-12-31T23:59:59Z: the latest issued-at, as for certificates. */
  private static final long MAX_ISSUED_AT = 253_402_300_799L;

  private final Kind kind;
  private final Address network;
  private final Address node;
  private final BigInteger serial;
  private final Instant issuedAt;
  private final Bytes encoded;

  private SignedRevocation(
      Kind kind, Address network, Address node, BigInteger serial, Instant issuedAt,
      byte[] encoded) {
    this.kind = kind;
    this.network = network;
    this.node = node;
    this.serial = serial;
    this.issuedAt = issuedAt;
    this.encoded = Bytes.copyOf(encoded);
  }

  /** Revokes every certificate of {@code networkKey}'s network for {@code node}. */
  public static SignedRevocation ofNode(Identity networkKey, Address node, Instant issuedAt) {
    return sign(networkKey, Kind.NODE, Objects.requireNonNull(node, "node"), null, issuedAt);
  }

  /**
   * Revokes the certificate of {@code networkKey}'s network with this serial.
   *
   * @throws IllegalArgumentException if the serial is not positive or over 20 bytes
   */
  public static SignedRevocation ofSerial(
      Identity networkKey, BigInteger serial, Instant issuedAt) {
    checkSerial(Objects.requireNonNull(serial, "serial"));
    return sign(networkKey, Kind.SERIAL, null, serial, issuedAt);
  }

  private static void checkSerial(BigInteger serial) {
    if (serial.signum() <= 0 || serial.bitLength() > 8 * MAX_SERIAL_BYTES) {
      throw new IllegalArgumentException("serial " + serial.toString(16)
          + " (expected: positive, at most " + MAX_SERIAL_BYTES + " bytes)");
    }
  }

  private static SignedRevocation sign(
      Identity networkKey, Kind kind, Address node, BigInteger serial, Instant issuedAt) {
    Instant at = issuedAt.truncatedTo(ChronoUnit.SECONDS);
    byte[] target = kind == Kind.NODE ? node.publicKey().toByteArray() : magnitude(serial);
    int bodySize = 1 + 1 + Address.KEY_SIZE + 8 + (kind == Kind.NODE ? 0 : 1) + target.length;
    ByteBuffer out = ByteBuffer.allocate(bodySize + SIGNATURE_SIZE);
    out.put((byte) VERSION).put((byte) kind.code);
    out.put(networkKey.address().publicKey().toByteArray());
    out.putLong(at.getEpochSecond());
    if (kind == Kind.SERIAL) {
      out.put((byte) target.length);
    }
    out.put(target);
    byte[] all = out.array();
    out.put(networkKey.sign(signed(all, bodySize)));
    return new SignedRevocation(kind, networkKey.address(), node, serial, at, all);
  }

  /** The serial's big-endian magnitude without a sign byte. */
  private static byte[] magnitude(BigInteger serial) {
    byte[] b = serial.toByteArray();
    return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  /** What the network key signs: the domain, then the body. */
  private static byte[] signed(byte[] encoded, int bodySize) {
    byte[] message = new byte[DOMAIN.length + bodySize];
    System.arraycopy(DOMAIN, 0, message, 0, DOMAIN.length);
    System.arraycopy(encoded, 0, message, DOMAIN.length, bodySize);
    return message;
  }

  /**
   * Decodes a revocation, checking structure only ({@link #verify} checks the signature).
   *
   * @throws BadRevocationException saying what is wrong where
   */
  public static SignedRevocation decode(byte[] bytes) throws BadRevocationException {
    if (bytes.length > MAX_ENCODED_SIZE) {
      throw bad(bytes.length + " bytes (expected: at most " + MAX_ENCODED_SIZE + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    need(in, 2 + Address.KEY_SIZE + 8, "header");
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw bad("version " + version + " (expected: " + VERSION + ")");
    }
    int code = in.get() & 0xff;
    Kind kind = code == 1 ? Kind.NODE : code == 2 ? Kind.SERIAL : null;
    if (kind == null) {
      throw bad("kind " + code + " (expected: 1 node, 2 serial)");
    }
    Address network = key(in, "network key");
    long seconds = in.getLong();
    if (seconds < 0 || seconds > MAX_ISSUED_AT) {
      throw bad("issued-at " + seconds + " (expected: seconds since 1970, before year 10000)");
    }
    Instant issuedAt = Instant.ofEpochSecond(seconds);
    Address node = null;
    BigInteger serial = null;
    if (kind == Kind.NODE) {
      need(in, Address.KEY_SIZE, "node key");
      node = key(in, "node key");
    } else {
      need(in, 1, "serial length");
      int length = in.get() & 0xff;
      if (length < 1 || length > MAX_SERIAL_BYTES) {
        throw bad("serial of " + length + " bytes (expected: 1~" + MAX_SERIAL_BYTES + ")");
      }
      need(in, length, "serial");
      byte[] magnitude = new byte[length];
      in.get(magnitude);
      if (magnitude[0] == 0) {
        throw bad("serial with a leading zero byte (expected: minimal encoding)");
      }
      serial = new BigInteger(1, magnitude);
    }
    int bodySize = in.position();
    if (in.remaining() != SIGNATURE_SIZE) {
      throw bad(in.remaining() + " bytes after the body (expected: a " + SIGNATURE_SIZE
          + "-byte signature)");
    }
    assert bodySize + SIGNATURE_SIZE == bytes.length;
    return new SignedRevocation(kind, network, node, serial, issuedAt, bytes.clone());
  }

  private static void need(ByteBuffer in, int n, String field) throws BadRevocationException {
    if (in.remaining() < n) {
      throw bad("truncated at offset " + in.position() + " (" + field + "): " + in.remaining()
          + " bytes left (expected: " + n + ")");
    }
  }

  private static Address key(ByteBuffer in, String field) throws BadRevocationException {
    byte[] key = new byte[Address.KEY_SIZE];
    in.get(key);
    try {
      return Address.of(key);
    } catch (AddressFormatException e) {
      throw bad(field + ": " + e.getMessage());
    }
  }

  private static BadRevocationException bad(String detail) {
    return new BadRevocationException("not a staex revocation: " + detail);
  }

  /** Reads a PEM {@value #PEM_TYPE} file. */
  public static SignedRevocation read(Path file) throws KeyFileException, BadRevocationException {
    PemObject pem = KeyFiles.readPem(file);
    if (!PEM_TYPE.equals(pem.getType())) {
      throw new KeyFileException(KeyFileException.Reason.MALFORMED,
          file + ": PEM type '" + pem.getType() + "' (expected: " + PEM_TYPE + ")");
    }
    try {
      return decode(pem.getContent());
    } catch (BadRevocationException e) {
      throw new BadRevocationException(file + ": " + e.getMessage());
    }
  }

  /** Writes this revocation to {@code file} as PEM, refusing to replace a file unless forced. */
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

  /** Whether the network key's signature verifies. */
  public boolean verify() {
    byte[] all = encoded.toByteArray();
    int bodySize = all.length - SIGNATURE_SIZE;
    return network.verify(signed(all, bodySize), Arrays.copyOfRange(all, bodySize, all.length));
  }

  /**
   * Whether this revocation covers {@code certificate}: the same network, and its node key or
   * serial. Does not check the signature.
   */
  public boolean covers(Certificate certificate) {
    if (!certificate.network().equals(network)) {
      return false;
    }
    return kind == Kind.NODE ? certificate.node().equals(node)
        : certificate.serial().equals(serial);
  }

  public Kind kind() {
    return kind;
  }

  /** The network key that signed it; it revokes only this network's certificates. */
  public Address network() {
    return network;
  }

  /** The revoked node key, for {@link Kind#NODE}. */
  public Optional<Address> node() {
    return Optional.ofNullable(node);
  }

  /** The revoked certificate serial, for {@link Kind#SERIAL}. */
  public Optional<BigInteger> serial() {
    return Optional.ofNullable(serial);
  }

  public Instant issuedAt() {
    return issuedAt;
  }

  public Bytes encoded() {
    return encoded;
  }

  /** {@code node <address>} or {@code serial <hex>}: what is revoked, for messages. */
  public String target() {
    return kind == Kind.NODE ? "node " + node : "serial " + serial.toString(16);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedRevocation && ((SignedRevocation) o).encoded.equals(encoded);
  }

  @Override
  public int hashCode() {
    return encoded.hashCode();
  }

  @Override
  public String toString() {
    return "Revocation[" + target() + " of network " + network + ", issued " + issuedAt + "]";
  }
}
