package io.staex.routing;

import io.staex.crypto.Address;
import io.staex.crypto.BadCertificateException;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.Purpose;
import io.staex.crypto.TrustPolicy;
import io.staex.crypto.Verdict;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a node tells the network about itself, signed by the node: its certificate, its parents
 * in priority order with link costs and which one is active, the ports it serves, a sequence
 * number and an expiry. A relay can pass it on but not forge or alter it.
 *
 * <pre>
 *   +---------+-------+-------------+-----------------+
 *   | version | flags | certLen u16 | certificate DER |
 *   +---------+-------+-------------+-----------------+
 *   | sequence u64 | expires i64 (ms since epoch)     |
 *   +--------------+----------------------------------+
 *   | parents u8 | { key (32) | cost u16 } * parents  |
 *   +------------+------------------------------------+
 *   | active u8 (index into parents, 0xff = none)     |
 *   +-------------------------------------------------+
 *   | services u16 | { port u16 } * services          |
 *   +--------------+----------------------------------+
 *   | signature (64): Ed25519 by the node over         |
 *   |   "staex node state v1" || all bytes above       |
 *   +-------------------------------------------------+
 * </pre>
 *
 * All integers big-endian. Encoding is canonical (ports strictly increasing, no duplicate
 * parents, nothing after the signature), so a state has exactly one encoding. Immutable.
 */
public final class NodeState {
  public static final int VERSION = 1;
  public static final int MAX_PARENTS = 16;
  public static final int SIGNATURE_SIZE = 64;
  /** Largest encoded state: a certificate, 16 parents and 65535 services, and headroom. */
  public static final int MAX_ENCODED_SIZE =
      4 + Certificate.MAX_ENCODED_SIZE + 16 + 1 + MAX_PARENTS * 34 + 1 + 2 + 65535 * 2 + SIGNATURE_SIZE;

  private static final byte[] DOMAIN = "staex node state v1".getBytes(StandardCharsets.US_ASCII);
  private static final int NO_ACTIVE = 0xff;

  private final Certificate certificate;
  private final List<ParentLink> parents;
  private final Optional<Address> activeParent;
  private final List<Integer> services;
  private final long sequence;
  private final Instant expires;
  private final byte[] encoded;

  private NodeState(
      Certificate certificate, List<ParentLink> parents, Optional<Address> activeParent,
      List<Integer> services, long sequence, Instant expires, byte[] encoded) {
    this.certificate = certificate;
    this.parents = parents;
    this.activeParent = activeParent;
    this.services = services;
    this.sequence = sequence;
    this.expires = expires;
    this.encoded = encoded;
  }

  /**
   * Signs a state for {@code identity}, whose certificate it carries.
   *
   * @param parents in priority order, at most {@link #MAX_PARENTS}, no duplicates, not itself
   * @param activeParent one of {@code parents}, or empty
   * @param services ports, 1~65535; sorted and deduplicated here
   * @param expires truncated to milliseconds
   */
  public static NodeState sign(
      Identity identity, Certificate certificate, List<ParentLink> parents,
      Optional<Address> activeParent, List<Integer> services, long sequence, Instant expires) {
    if (!certificate.node().equals(identity.address())) {
      throw new IllegalArgumentException(
          "certificate is for " + certificate.node() + ", not " + identity.address());
    }
    List<ParentLink> ps = List.copyOf(parents);
    checkParents(identity.address(), ps);
    int active = activeIndex(ps, activeParent);
    List<Integer> ports = services.stream().sorted().distinct().toList();
    for (int port : ports) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("service port: " + port + " (expected: 1~65535)");
      }
    }
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence: " + sequence + " (expected: >= 0)");
    }
    Instant exp = Instant.ofEpochMilli(expires.toEpochMilli());
    byte[] body = body(certificate, ps, active, ports, sequence, exp);
    byte[] signature = identity.sign(signedBytes(body));
    byte[] encoded = Arrays.copyOf(body, body.length + SIGNATURE_SIZE);
    System.arraycopy(signature, 0, encoded, body.length, SIGNATURE_SIZE);
    return new NodeState(certificate, ps, Optional.ofNullable(activeParent.orElse(null)), ports,
        sequence, exp, encoded);
  }

  /**
   * Decodes a state, checking structure only; {@link #verify} checks signature and trust.
   *
   * @throws RoutingDecodeException for anything but the canonical encoding of a state
   */
  public static NodeState decode(byte[] bytes) throws RoutingDecodeException {
    if (bytes.length > MAX_ENCODED_SIZE) {
      throw new RoutingDecodeException(
          "node state of " + bytes.length + " bytes (expected: at most " + MAX_ENCODED_SIZE + ")");
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int version = in.get() & 0xff;
      int flags = in.get() & 0xff;
      if (version != VERSION || flags != 0) {
        throw new RoutingDecodeException(
            "node state version " + version + ", flags " + flags + " (expected: " + VERSION + ", 0)");
      }
      byte[] der = new byte[available(in, in.getShort() & 0xffff, bytes)];
      in.get(der);
      Certificate cert = Certificate.decode(der);
      long sequence = in.getLong();
      if (sequence < 0) {
        throw new RoutingDecodeException("sequence " + Long.toUnsignedString(sequence) + " (expected: < 2^63)");
      }
      Instant expires = Instant.ofEpochMilli(in.getLong());
      int parentCount = in.get() & 0xff;
      if (parentCount > MAX_PARENTS) {
        throw new RoutingDecodeException(parentCount + " parents (expected: at most " + MAX_PARENTS + ")");
      }
      List<ParentLink> parents = new ArrayList<>(parentCount);
      for (int i = 0; i < parentCount; i++) {
        byte[] key = new byte[Address.KEY_SIZE];
        in.get(key);
        parents.add(new ParentLink(Address.of(key), in.getShort() & 0xffff));
      }
      checkParents(cert.node(), parents);
      int active = in.get() & 0xff;
      if (active != NO_ACTIVE && active >= parentCount) {
        throw new RoutingDecodeException("active parent index " + active + " of " + parentCount + " parents");
      }
      int serviceCount = in.getShort() & 0xffff;
      List<Integer> services = new ArrayList<>(available(in, 2 * serviceCount, bytes) / 2);
      int previous = 0;
      for (int i = 0; i < serviceCount; i++) {
        int port = in.getShort() & 0xffff;
        if (port <= previous) {
          throw new RoutingDecodeException("service ports not strictly increasing at " + port);
        }
        services.add(port);
        previous = port;
      }
      if (in.remaining() != SIGNATURE_SIZE) {
        throw new RoutingDecodeException(
            in.remaining() + " bytes after the services (expected: the " + SIGNATURE_SIZE + "-byte signature)");
      }
      return new NodeState(
          cert, List.copyOf(parents),
          active == NO_ACTIVE ? Optional.empty() : Optional.of(parents.get(active).parent()),
          List.copyOf(services), sequence, expires, bytes.clone());
    } catch (BufferUnderflowException e) {
      throw new RoutingDecodeException("node state truncated at " + bytes.length + " bytes");
    } catch (BadCertificateException e) {
      throw new RoutingDecodeException("certificate: " + e.getMessage());
    } catch (IllegalArgumentException e) { // bad key or cost
      throw new RoutingDecodeException(e.getMessage());
    }
  }

  /**
   * {@code n}, after checking that {@code in} has that many bytes left: a length or count field
   * must not make the decoder allocate more than the input holds.
   */
  private static int available(ByteBuffer in, int n, byte[] bytes) throws RoutingDecodeException {
    if (n > in.remaining()) {
      throw new RoutingDecodeException("node state truncated at " + bytes.length + " bytes");
    }
    return n;
  }

  /**
   * Whether this state may enter a view: the node's own signature, and its certificate
   * accepted by {@code policy} for {@link Purpose#STATE} at {@code now}. Expiry and sequence
   * order are the caller's (they depend on what it already holds).
   */
  public Verdict verify(TrustPolicy policy, Instant now) {
    int bodyLength = encoded.length - SIGNATURE_SIZE;
    byte[] body = Arrays.copyOf(encoded, bodyLength);
    byte[] signature = Arrays.copyOfRange(encoded, bodyLength, encoded.length);
    if (!address().verify(signedBytes(body), signature)) {
      return Verdict.rejected(
          io.staex.crypto.Rejection.BAD_SIGNATURE, "node state of " + address() + " is not signed by it");
    }
    return policy.check(certificate, Purpose.STATE, now);
  }

  /** The node's address (its certificate's node key). */
  public Address address() {
    return certificate.node();
  }

  public Certificate certificate() {
    return certificate;
  }

  /** The certified name, if any. */
  public Optional<String> name() {
    return certificate.name();
  }

  public Address network() {
    return certificate.network();
  }

  /** Parents in priority order. */
  public List<ParentLink> parents() {
    return parents;
  }

  public Optional<Address> activeParent() {
    return activeParent;
  }

  /** Advertised service ports, ascending. */
  public List<Integer> services() {
    return services;
  }

  public long sequence() {
    return sequence;
  }

  public Instant expires() {
    return expires;
  }

  public boolean isExpired(Instant now) {
    return !now.isBefore(expires);
  }

  /** The canonical encoding, signature included (a copy). */
  public byte[] encode() {
    return encoded.clone();
  }

  /** Length of {@link #encode()} without copying. */
  public int encodedSize() {
    return encoded.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeState && Arrays.equals(((NodeState) o).encoded, encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "NodeState[" + address().shortText() + " seq=" + sequence + " parents=" + parents.size()
        + activeParent.map(a -> " active=" + a.shortText()).orElse("") + " services=" + services
        + " expires=" + expires + "]";
  }

  private static void checkParents(Address self, List<ParentLink> parents) {
    if (parents.size() > MAX_PARENTS) {
      throw new IllegalArgumentException(parents.size() + " parents (expected: at most " + MAX_PARENTS + ")");
    }
    for (int i = 0; i < parents.size(); i++) {
      Address p = parents.get(i).parent();
      if (p.equals(self)) {
        throw new IllegalArgumentException("node " + self.shortText() + " lists itself as parent");
      }
      for (int j = 0; j < i; j++) {
        if (parents.get(j).parent().equals(p)) {
          throw new IllegalArgumentException("parent " + p.shortText() + " listed twice");
        }
      }
    }
  }

  private static int activeIndex(List<ParentLink> parents, Optional<Address> active) {
    if (active.isEmpty()) {
      return NO_ACTIVE;
    }
    for (int i = 0; i < parents.size(); i++) {
      if (parents.get(i).parent().equals(active.get())) {
        return i;
      }
    }
    throw new IllegalArgumentException("active parent " + active.get().shortText() + " is not a parent");
  }

  private static byte[] body(
      Certificate cert, List<ParentLink> parents, int active, List<Integer> ports, long sequence,
      Instant expires) {
    byte[] der = cert.encoded().toByteArray();
    ByteBuffer out = ByteBuffer.allocate(
        4 + der.length + 16 + 1 + parents.size() * (Address.KEY_SIZE + 2) + 1 + 2 + ports.size() * 2);
    out.put((byte) VERSION).put((byte) 0).putShort((short) der.length).put(der);
    out.putLong(sequence).putLong(expires.toEpochMilli());
    out.put((byte) parents.size());
    for (ParentLink p : parents) {
      p.parent().publicKey().copyTo(out.array(), out.position());
      out.position(out.position() + Address.KEY_SIZE);
      out.putShort((short) p.cost());
    }
    out.put((byte) active);
    out.putShort((short) ports.size());
    for (int port : ports) {
      out.putShort((short) port);
    }
    return out.array();
  }

  private static byte[] signedBytes(byte[] body) {
    byte[] msg = Arrays.copyOf(DOMAIN, DOMAIN.length + body.length);
    System.arraycopy(body, 0, msg, DOMAIN.length, body.length);
    return msg;
  }
}
