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
import java.util.Collection;
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
 *   | only with flags bit 0 (GUESTS):                  |
 *   | guests u8 (1~16) | { network key (32) } * guests |
 *   +-------------------------------------------------+
 *   | signature (64): Ed25519 by the node over         |
 *   |   "staex node state v1" || all bytes above       |
 *   +-------------------------------------------------+
 * </pre>
 *
 * All integers big-endian. Encoding is canonical (ports strictly increasing, no duplicate
 * parents, guest networks in ascending order (by address) and never the node's own, the flag set
 * exactly when there are guests, nothing after the signature), so a state has exactly one
 * encoding. Immutable.
 *
 * <p><b>Guests</b> are the other networks whose members this node accepts (its trust policy's
 * extra networks). A node that answers name lookups tells a state only to an asker of the
 * state's own network or of one of its guests ({@link #admits}): whom a node would refuse learns
 * nothing of it by its name. A state without guests is encoded as before guests existed.
 */
public final class NodeState {
  public static final int VERSION = 1;
  public static final int MAX_PARENTS = 16;
  /** Most guest networks a state names ({@link TrustPolicy#MAX_TRUSTED_NETWORKS}). */
  public static final int MAX_GUESTS = TrustPolicy.MAX_TRUSTED_NETWORKS;
  public static final int SIGNATURE_SIZE = 64;
  /** Largest encoded state: a certificate, 16 parents, 65535 services, 16 guests. */
  public static final int MAX_ENCODED_SIZE =
      4 + Certificate.MAX_ENCODED_SIZE + 16 + 1 + MAX_PARENTS * 34 + 1 + 2 + 65535 * 2
          + 1 + MAX_GUESTS * Address.KEY_SIZE + SIGNATURE_SIZE;

  private static final byte[] DOMAIN = "staex node state v1".getBytes(StandardCharsets.US_ASCII);
  private static final int NO_ACTIVE = 0xff;
  private static final int FLAG_GUESTS = 0x01;

  private final Certificate certificate;
  private final List<ParentLink> parents;
  private final Optional<Address> activeParent;
  private final List<Integer> services;
  private final List<Address> guests;
  private final long sequence;
  private final Instant expires;
  private final byte[] encoded;

  private NodeState(
      Certificate certificate, List<ParentLink> parents, Optional<Address> activeParent,
      List<Integer> services, List<Address> guests, long sequence, Instant expires,
      byte[] encoded) {
    this.certificate = certificate;
    this.parents = parents;
    this.activeParent = activeParent;
    this.services = services;
    this.guests = guests;
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
    return sign(identity, certificate, parents, activeParent, services, List.of(), sequence,
        expires);
  }

  /**
   * Signs a state that also names its guest networks.
   *
   * @param guests networks other than the certificate's whose members this node accepts, at
   *     most {@link #MAX_GUESTS}; the own network among them is left out, the rest sorted
   */
  public static NodeState sign(
      Identity identity, Certificate certificate, List<ParentLink> parents,
      Optional<Address> activeParent, List<Integer> services, Collection<Address> guests,
      long sequence, Instant expires) {
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
    List<Address> gs = guests.stream().filter(g -> !g.equals(certificate.network()))
        .sorted().distinct().toList();
    if (gs.size() > MAX_GUESTS) {
      throw new IllegalArgumentException(gs.size() + " guest networks (expected: at most "
          + MAX_GUESTS + ")");
    }
    Instant exp = Instant.ofEpochMilli(expires.toEpochMilli());
    byte[] body = body(certificate, ps, active, ports, gs, sequence, exp);
    byte[] signature = identity.sign(signedBytes(body));
    byte[] encoded = Arrays.copyOf(body, body.length + SIGNATURE_SIZE);
    System.arraycopy(signature, 0, encoded, body.length, SIGNATURE_SIZE);
    return new NodeState(certificate, ps, Optional.ofNullable(activeParent.orElse(null)), ports,
        gs, sequence, exp, encoded);
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
      if (version != VERSION || (flags & ~FLAG_GUESTS) != 0) {
        throw new RoutingDecodeException("node state version " + version + ", flags " + flags
            + " (expected: " + VERSION + ", 0 or " + FLAG_GUESTS + ")");
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
      List<Address> guests = (flags & FLAG_GUESTS) == 0 ? List.of() : guests(in, cert.network());
      if (in.remaining() != SIGNATURE_SIZE) {
        throw new RoutingDecodeException(in.remaining() + " bytes after the "
            + (guests.isEmpty() ? "services" : "guests") + " (expected: the " + SIGNATURE_SIZE
            + "-byte signature)");
      }
      return new NodeState(
          cert, List.copyOf(parents),
          active == NO_ACTIVE ? Optional.empty() : Optional.of(parents.get(active).parent()),
          List.copyOf(services), guests, sequence, expires, bytes.clone());
    } catch (BufferUnderflowException e) {
      throw new RoutingDecodeException("node state truncated at " + bytes.length + " bytes");
    } catch (BadCertificateException e) {
      throw new RoutingDecodeException("certificate: " + e.getMessage());
    } catch (IllegalArgumentException e) { // bad key or cost
      throw new RoutingDecodeException(e.getMessage());
    }
  }

  /** The guest list: 1~{@link #MAX_GUESTS} keys, strictly ascending, never {@code own}. */
  private static List<Address> guests(ByteBuffer in, Address own) throws RoutingDecodeException {
    int count = in.get() & 0xff;
    if (count == 0 || count > MAX_GUESTS) {
      throw new RoutingDecodeException(count + " guest networks (expected: 1~" + MAX_GUESTS
          + " when the flag is set)");
    }
    List<Address> guests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] key = new byte[Address.KEY_SIZE];
      in.get(key);
      Address g = Address.of(key);
      if (g.equals(own)) {
        throw new RoutingDecodeException("the node's own network listed as a guest");
      }
      if (i > 0 && guests.get(i - 1).compareTo(g) >= 0) {
        throw new RoutingDecodeException("guest networks not strictly increasing at " + g);
      }
      guests.add(g);
    }
    return List.copyOf(guests);
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

  /** The other networks whose members this node accepts, ascending; often none. */
  public List<Address> guests() {
    return guests;
  }

  /**
   * Whether a member of {@code network} may learn this state by asking for its name: the
   * state's own network or one of its {@link #guests}.
   */
  public boolean admits(Address network) {
    return network().equals(network) || guests.contains(network);
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
        + (guests.isEmpty() ? "" : " guests=" + guests.size())
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
      Certificate cert, List<ParentLink> parents, int active, List<Integer> ports,
      List<Address> guests, long sequence, Instant expires) {
    byte[] der = cert.encoded().toByteArray();
    ByteBuffer out = ByteBuffer.allocate(
        4 + der.length + 16 + 1 + parents.size() * (Address.KEY_SIZE + 2) + 1 + 2 + ports.size() * 2
            + (guests.isEmpty() ? 0 : 1 + guests.size() * Address.KEY_SIZE));
    out.put((byte) VERSION).put((byte) (guests.isEmpty() ? 0 : FLAG_GUESTS))
        .putShort((short) der.length).put(der);
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
    if (!guests.isEmpty()) {
      out.put((byte) guests.size());
      for (Address g : guests) {
        g.publicKey().copyTo(out.array(), out.position());
        out.position(out.position() + Address.KEY_SIZE);
      }
    }
    return out.array();
  }

  private static byte[] signedBytes(byte[] body) {
    byte[] msg = Arrays.copyOf(DOMAIN, DOMAIN.length + body.length);
    System.arraycopy(body, 0, msg, DOMAIN.length, body.length);
    return msg;
  }
}
