package io.staex.crypto;

import io.staex.crypto.internal.KeyConversion;
import io.staex.crypto.internal.noise.EphemeralKeyGenerator;
import io.staex.crypto.internal.noise.HandshakeResult;
import io.staex.crypto.internal.noise.HandshakeState;
import io.staex.crypto.internal.noise.NoiseException;
import io.staex.crypto.internal.noise.NoiseKeyPair;
import io.staex.crypto.internal.noise.NoiseProtocol;
import io.staex.crypto.internal.noise.NoisePublicKey;
import io.staex.crypto.internal.noise.Role;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The authenticated key exchange between two nodes, for a link or an end-to-end session:
 * {@value #PROTOCOL} with each side's certificate in its handshake payload, checked against the
 * receiver's {@link TrustPolicy}.
 *
 * <pre>
 *   initiator (knows the responder's address)          responder
 *   writeMessage(data) ── msg 1: e, es, s, ss, {payload} ──▶ readMessage(msg 1) → data
 *                                                          (certificate checked here)
 *   readMessage(msg 2) → data ◀── msg 2: e, ee, se, {payload} ── writeMessage(data)
 *   (certificate checked here)
 *   established()                                         established()
 * </pre>
 *
 * The Noise static keys are the X25519 forms of the nodes' Ed25519 identities, so the
 * responder's address is all the initiator needs. The prologue binds the {@link Purpose}: a link
 * handshake cannot be replayed as a session one. It never changes (its "staex/1" is a fixed
 * label, not the version): a prologue that differs only makes the other side's decryption
 * fail, with nothing to say why.
 *
 * <p>The protocol version ({@link #PROTOCOL_VERSION}) is the payload's first byte, which Noise
 * authenticates: a node refuses a peer of another version with {@link
 * HandshakeException.Reason#VERSION} ("peer speaks staex/1, this node staex/2: upgrade the
 * peer"). A responder that refuses so still answers with a message 2 that carries only its
 * version (no certificate, no data), so the initiator learns it too and refuses in the same
 * words; neither side establishes anything. Every version keeps the layout's first two bytes
 * (version, then flags = 0), so that any two versions can tell. Nodes of version 1 knew no such rule and refuse a
 * version-2 payload as MALFORMED ("payload version 2 flags 0 (expected: 1, 0)"). When a wire
 * format changes incompatibly, this version goes up ({@code docs/links.md}). Payload layout
 * (encrypted by Noise):
 *
 * <pre>
 *   0         1         2               10          12                12+n
 *   +---------+---------+---------------+-----------+-----------------+------------------+
 *   | version | flags=0 | time (ms, BE) | n (BE)    | certificate DER | application data |
 *   +---------+---------+---------------+-----------+-----------------+------------------+
 * </pre>
 *
 * The time lets the layer above refuse a replayed first message ({@link
 * Established#peerTime()}, as WireGuard's TAI64N timestamp): IK's first message can be replayed
 * by anyone who saw it, though only the real initiator can complete the handshake.
 *
 * <p>A pure state machine: bytes in, bytes out, time and randomness injected, no I/O. Error
 * contract: once a method throws {@link HandshakeException}, the handshake is failed; abandon it
 * (further calls throw {@link IllegalStateException}). Not safe for concurrent use.
 */
public final class Handshake {
  /** The one Noise protocol. */
  public static final String PROTOCOL = "Noise_IK_25519_AESGCM_SHA256";
  /**
   * The version of the staex wire protocol this node speaks: the handshake payload's first byte.
   * 1: up to session 5's change of the UNREACHABLE frame; 2: since (docs/frames.md); 3: sessions
   * acknowledge records (ACK / NACK control messages) and send lost ones again; 4: routing
   * messages EXPLAIN_REQUEST / EXPLAIN_ANSWER ({@code staex trace} asks the nodes up the tree)
   * and PRESENT_CERTIFICATE, which a version-3 node would refuse by closing the link, and an
   * ACK riding in front of a record's messages (ACK_THEN), on which it would end the session.
   */
  public static final int PROTOCOL_VERSION = 5;

  static final int HEADER_SIZE = 1 + 1 + Long.BYTES + Short.BYTES;
  private static final NoiseProtocol NOISE = NoiseProtocol.parse(PROTOCOL);

  private enum State { WRITE, READ, ESTABLISHED, FAILED }

  private final boolean initiator;
  private final Certificate ownCertificate;
  private final TrustPolicy policy;
  private final Purpose purpose;
  private final Clock clock;
  private final Address expectedPeer;
  private final HandshakeState noise;
  /** The version this side speaks ({@link #PROTOCOL_VERSION}; another only in tests). */
  private final int version;
  /** Our X25519 static key; Noise borrows it, we zero it when the handshake ends. */
  private final NoiseKeyPair staticKey;
  private State state;
  private Certificate peerCertificate;
  private Instant peerTime;
  private Established established;

  private Handshake(
      boolean initiator, Identity me, Certificate ownCertificate, Address expectedPeer,
      TrustPolicy policy, Purpose purpose, Clock clock, SecureRandom random, int version) {
    if (version < 1 || version > 255) {
      throw new IllegalArgumentException("version: " + version + " (expected: 1~255)");
    }
    this.version = version;
    if (!ownCertificate.node().equals(me.address())) {
      throw new IllegalArgumentException(
          "own certificate is for " + ownCertificate.node() + ", not for this node " + me.address());
    }
    this.initiator = initiator;
    this.ownCertificate = ownCertificate;
    this.expectedPeer = expectedPeer;
    this.policy = Objects.requireNonNull(policy, "policy");
    this.purpose = Objects.requireNonNull(purpose, "purpose");
    this.clock = Objects.requireNonNull(clock, "clock");
    byte[] seed = me.exportSeed();
    byte[] x25519 = KeyConversion.convertPrivate(seed);
    Arrays.fill(seed, (byte) 0);
    // the public half is the map of our address: no scalar multiplication to make it again
    this.staticKey = NoiseKeyPair.of(x25519, x25519Of(me.address()));
    Arrays.fill(x25519, (byte) 0);
    HandshakeState.Builder b =
        HandshakeState.builder(NOISE, initiator ? Role.INITIATOR : Role.RESPONDER)
            .prologue(prologue(purpose))
            .localStaticKeyPair(staticKey)
            .ephemeralKeyGenerator(EphemeralKeyGenerator.random(random));
    if (initiator) {
      b.remoteStaticKey(x25519Of(expectedPeer));
    }
    this.noise = b.build();
    this.state = initiator ? State.WRITE : State.READ;
  }

  /** The side that knows whom it talks to: a child dialling a parent, a session's opener. */
  public static Handshake initiator(
      Identity me, Certificate ownCertificate, Address responder, TrustPolicy policy,
      Purpose purpose, Clock clock, SecureRandom random) {
    return new Handshake(
        true, me, ownCertificate, Objects.requireNonNull(responder, "responder"), policy, purpose,
        clock, random, PROTOCOL_VERSION);
  }

  /** As {@link #initiator}, speaking protocol {@code version}: for tests of mixed versions. */
  static Handshake initiator(
      Identity me, Certificate ownCertificate, Address responder, TrustPolicy policy,
      Purpose purpose, Clock clock, SecureRandom random, int version) {
    return new Handshake(
        true, me, ownCertificate, Objects.requireNonNull(responder, "responder"), policy, purpose,
        clock, random, version);
  }

  /** As {@link #responder}, speaking protocol {@code version}: for tests of mixed versions. */
  static Handshake responder(
      Identity me, Certificate ownCertificate, TrustPolicy policy, Purpose purpose, Clock clock,
      SecureRandom random, int version) {
    return new Handshake(false, me, ownCertificate, null, policy, purpose, clock, random, version);
  }

  /** The side that learns the peer from the first message. */
  public static Handshake responder(
      Identity me, Certificate ownCertificate, TrustPolicy policy, Purpose purpose, Clock clock,
      SecureRandom random) {
    return new Handshake(false, me, ownCertificate, null, policy, purpose, clock, random,
        PROTOCOL_VERSION);
  }

  /**
   * The next message, carrying {@code applicationData} (encrypted; may be empty): message 1 for
   * the initiator, message 2 for the responder after it read message 1.
   */
  public byte[] writeMessage(byte[] applicationData) {
    require(State.WRITE);
    byte[] cert = ownCertificate.encoded().toByteArray();
    ByteBuffer payload = ByteBuffer.allocate(HEADER_SIZE + cert.length + applicationData.length);
    payload.put((byte) version).put((byte) 0).putLong(clock.millis());
    payload.putShort((short) cert.length).put(cert).put(applicationData);
    try {
      byte[] message = noise.writeMessage(payload.array());
      if (initiator) {
        state = State.READ;
      } else {
        establish();
      }
      return message;
    } catch (NoiseException e) {
      // Only a low-order remote key can fail a write; an address is never one.
      state = State.FAILED;
      throw new IllegalStateException("Noise refused our own message: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the peer's message and checks its certificate; returns the peer's application data.
   *
   * @throws HandshakeException if the message or the certificate is refused; the handshake is
   *     then failed
   */
  public byte[] readMessage(byte[] message) throws HandshakeException {
    require(State.READ);
    byte[] payload;
    try {
      payload = noise.readMessage(message);
    } catch (NoiseException e) {
      throw fail(HandshakeException.Reason.NOISE, null, "Noise: " + e.getMessage());
    }
    byte[] data = checkPayload(payload);
    if (initiator) {
      establish();
    } else {
      state = State.WRITE;
    }
    return data;
  }

  /** Whether both messages went through and {@link #established()} is available. */
  public boolean isEstablished() {
    return state == State.ESTABLISHED;
  }

  /** Whether a message was refused; the handshake is then useless. */
  public boolean isFailed() {
    return state == State.FAILED;
  }

  /** The peer's certificate, once its message was read and accepted. */
  public Certificate peerCertificate() {
    if (peerCertificate == null) {
      throw new IllegalStateException("no peer certificate yet (state " + state + ")");
    }
    return peerCertificate;
  }

  /** The outcome; only after {@link #isEstablished()}. */
  public Established established() {
    require(State.ESTABLISHED);
    return established;
  }

  /** Zeroes all key material; call it to abandon a handshake that did not complete. */
  public void destroy() {
    noise.destroy();
    staticKey.destroy();
    if (state != State.ESTABLISHED) {
      state = State.FAILED;
    }
  }

  private byte[] checkPayload(byte[] payload) throws HandshakeException {
    if (payload.length < HEADER_SIZE) {
      throw fail(HandshakeException.Reason.MALFORMED, null,
          "payload of " + payload.length + " bytes (expected: at least " + HEADER_SIZE + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(payload);
    int peerVersion = in.get() & 0xff;
    int flags = in.get() & 0xff;
    if (flags != 0) { // every version keeps this byte 0: else it is not a staex payload
      throw fail(HandshakeException.Reason.MALFORMED, null,
          "payload version " + peerVersion + " flags " + flags + " (expected: flags 0)");
    }
    if (peerVersion != version) {
      String detail = "peer speaks staex/" + peerVersion + ", this node staex/" + version
          + ": upgrade " + (peerVersion < version ? "the peer" : "this node");
      byte[] answer = initiator ? null : versionAnswer();
      state = State.FAILED;
      noise.destroy();
      staticKey.destroy();
      throw new HandshakeException(HandshakeException.Reason.VERSION, null, detail, answer,
          peerVersion);
    }
    long time = in.getLong();
    int certLength = in.getShort() & 0xffff;
    if (certLength > in.remaining()) {
      throw fail(HandshakeException.Reason.MALFORMED, null,
          "certificate of " + certLength + " bytes, " + in.remaining() + " left");
    }
    byte[] der = new byte[certLength];
    in.get(der);
    Certificate cert;
    try {
      cert = Certificate.decode(der);
    } catch (BadCertificateException e) {
      throw fail(HandshakeException.Reason.MALFORMED, Rejection.MALFORMED, "certificate: " + e.getMessage());
    }
    checkKey(cert);
    Verdict verdict = policy.check(cert, purpose, clock.instant());
    if (!verdict.isAccepted()) {
      throw fail(HandshakeException.Reason.REJECTED, verdict.rejection(), verdict.detail());
    }
    peerCertificate = cert;
    peerTime = Instant.ofEpochMilli(time);
    return Arrays.copyOfRange(payload, in.position(), payload.length);
  }

  /**
   * Message 2 carrying only this side's version: the header with no certificate and no data.
   * Null if Noise cannot write it (then the initiator only sees the connection close).
   */
  private byte[] versionAnswer() {
    ByteBuffer payload = ByteBuffer.allocate(HEADER_SIZE);
    payload.put((byte) version).put((byte) 0).putLong(clock.millis()).putShort((short) 0);
    try {
      return noise.writeMessage(payload.array());
    } catch (NoiseException | RuntimeException e) {
      return null;
    }
  }

  /** The certificate must be for the key that proved itself in the Noise messages. */
  private void checkKey(Certificate cert) throws HandshakeException {
    if (initiator) {
      if (!cert.node().equals(expectedPeer)) {
        throw fail(HandshakeException.Reason.REJECTED, Rejection.KEY_MISMATCH,
            "certificate for " + cert.node() + ", but we dialled " + expectedPeer);
      }
      return;
    }
    NoisePublicKey proven = noise.remoteStaticKey().orElseThrow();
    if (!Arrays.equals(proven.toBytes(), x25519Of(cert.node()).toBytes())) {
      throw fail(HandshakeException.Reason.REJECTED, Rejection.KEY_MISMATCH,
          "certificate for " + cert.node() + " is not for the key that made the handshake");
    }
  }

  private void establish() {
    HandshakeResult result = noise.split();
    byte[] send = result.sender().insecureExportKey();
    byte[] receive = result.receiver().insecureExportKey();
    try {
      established = new Established(
          peerCertificate, peerTime, Bytes.copyOf(result.handshakeHash()), RecordLayer.of(send, receive));
    } finally {
      Arrays.fill(send, (byte) 0);
      Arrays.fill(receive, (byte) 0);
      result.destroy();
      staticKey.destroy();
    }
    state = State.ESTABLISHED;
  }

  private HandshakeException fail(HandshakeException.Reason reason, Rejection rejection, String detail) {
    state = State.FAILED;
    noise.destroy();
    staticKey.destroy();
    return new HandshakeException(reason, rejection, detail);
  }

  private void require(State expected) {
    if (state != expected) {
      throw new IllegalStateException(
          "handshake is " + state + " (expected: " + expected + ") as "
              + (initiator ? "initiator" : "responder"));
    }
  }

  private static NoisePublicKey x25519Of(Address address) {
    return NoisePublicKey.of(address.x25519PublicKey()); // of() copies it
  }

  private static byte[] prologue(Purpose purpose) {
    return ("staex/1 " + purpose.name().toLowerCase(java.util.Locale.ROOT))
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A completed handshake: who the peer is, proven and trusted, and the record layer for
   * talking to it. The handshake hash identifies the session on both sides (channel binding).
   */
  public record Established(
      Certificate peerCertificate, Instant peerTime, Bytes handshakeHash, RecordLayer records) {
    public Established {
      Objects.requireNonNull(peerCertificate, "peerCertificate");
      Objects.requireNonNull(peerTime, "peerTime");
      Objects.requireNonNull(handshakeHash, "handshakeHash");
      Objects.requireNonNull(records, "records");
    }

    /** The peer's address. */
    public Address peer() {
      return peerCertificate.node();
    }
  }
}
