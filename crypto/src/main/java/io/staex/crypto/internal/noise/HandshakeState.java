package io.staex.crypto.internal.noise;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Noise {@code HandshakeState} of section 5.3: one side of one handshake, as a pure state
 * machine. Bytes in, bytes out; the caller moves the bytes.
 *
 * <pre>
 *   build() ──► WRITE_MESSAGE ◄──► READ_MESSAGE ──(last message)──► COMPLETE ──split()──► SPLIT
 *                    │                  │
 *                    └──► FAILED ◄──────┘   (NoiseException)
 *   destroy() in any state ──► DESTROYED
 * </pre>
 *
 * <h2>Error contract</h2>
 * <ul>
 *   <li>{@link #readMessage} throws {@link NoiseException} for every malformed, forged, replayed
 *       or truncated message (bad tag, wrong length, low-order key) and for nothing else that a
 *       peer can send. The state is then {@link Status#FAILED}: every key it held is zeroed, and
 *       every later call except {@link #status()} and {@link #destroy()} throws
 *       {@link IllegalStateException}. Abandon it; do not tell the peer why.
 *   <li>{@link #writeMessage} throws {@link NoiseException} only when a DH with a remote key gives
 *       all zeros, i.e. the key is of low order (a key received earlier but first used now, or a
 *       bad pre-shared remote static key); the state is then {@link Status#FAILED} as above.
 *   <li>Calling {@link #writeMessage} when it is the peer's turn, {@link #readMessage} when it is
 *       ours, or {@link #split()} before the last message is a programming error:
 *       {@link IllegalStateException}, and the state is unchanged.
 *   <li>Messages are at most 65535 bytes: {@link #writeMessage} refuses a payload that would make
 *       a longer one ({@link IllegalArgumentException}, state unchanged), and
 *       {@link #readMessage} refuses a longer message ({@link NoiseException}).
 * </ul>
 *
 * <p>Ephemeral key pairs come from the {@link EphemeralKeyGenerator}; they are owned here and
 * destroyed when the handshake splits, fails or is destroyed. The local static key pair belongs to
 * the caller and is never destroyed here.
 *
 * <p>Not safe for concurrent use.
 */
public final class HandshakeState {

  /** Where a handshake stands. */
  public enum Status {
    /** This side sends the next message: call {@link #writeMessage}. */
    WRITE_MESSAGE,
    /** The peer sends the next message: call {@link #readMessage}. */
    READ_MESSAGE,
    /** All messages are done: call {@link #split()}. */
    COMPLETE,
    /** {@link #split()} handed the keys over; this object holds no secrets any more. */
    SPLIT,
    /** A message was refused; this object holds no secrets any more. */
    FAILED,
    /** {@link #destroy()} was called; this object holds no secrets any more. */
    DESTROYED
  }

  private static final int DH_LENGTH = Curve25519.DH_LENGTH;
  private static final int TAG_LENGTH = NoiseCipher.TAG_LENGTH;

  private final NoiseProtocol protocol;
  private final Role role;
  private final SymmetricState symmetric;
  private final EphemeralKeyGenerator ephemeralKeys;
  /** The caller's static key pair, or null; never destroyed here. */
  private final NoiseKeyPair s;
  /** Our ephemeral key pair once generated; owned, destroyed by {@link #wipe()}. */
  private NoiseKeyPair e;
  private NoisePublicKey rs;
  private NoisePublicKey re;
  private int messageIndex;
  private Status status;

  private HandshakeState(Builder b) {
    this.protocol = b.protocol;
    this.role = b.role;
    this.ephemeralKeys = b.ephemeralKeys;
    this.s = b.localStaticKeyPair;
    this.rs = b.remoteStaticKey;
    this.re = b.remoteEphemeralKey;
    this.symmetric = new SymmetricState(protocol.cipher(), protocol.hash(), protocol.name());
    symmetric.mixHash(b.prologue);
    for (Role side : Role.values()) { // the initiator's pre-message first
      for (Token token : protocol.pattern().preMessage(side)) {
        symmetric.mixHash(preMessageKey(side, token).rawBytes());
      }
    }
    this.status = nextStatus();
  }

  /** Starts building one side of a handshake of {@code protocol}. */
  public static Builder builder(NoiseProtocol protocol, Role role) {
    return new Builder(protocol, role);
  }

  /** Returns the protocol. */
  public NoiseProtocol protocol() {
    return protocol;
  }

  /** Returns this side's role. */
  public Role role() {
    return role;
  }

  /** Returns where the handshake stands; callable in every state. */
  public Status status() {
    return status;
  }

  /**
   * WriteMessage(payload): processes this side's next message pattern and returns the message.
   *
   * @throws IllegalStateException if the status is not {@link Status#WRITE_MESSAGE}
   * @throws IllegalArgumentException if the message would exceed 65535 bytes
   * @throws NoiseException if a DH result is all zeros; the status is then {@link Status#FAILED}
   */
  public byte[] writeMessage(byte[] payload) throws NoiseException {
    expect(Status.WRITE_MESSAGE, "writeMessage");
    Objects.requireNonNull(payload, "payload");
    List<Token> tokens = protocol.pattern().messages().get(messageIndex);
    long length = messageLength(tokens, payload.length);
    if (length > CipherState.MAX_MESSAGE_LENGTH) {
      throw new IllegalArgumentException(
          protocol + " message " + messageIndex + ": " + length + " bytes with a payload of "
              + payload.length + " (expected: at most " + CipherState.MAX_MESSAGE_LENGTH + ")");
    }
    ByteBuffer out = ByteBuffer.allocate((int) length);
    try {
      for (Token token : tokens) {
        switch (token) {
          case E -> {
            if (e != null) {
              e.destroy();
            }
            e = ephemeralKeys.generate();
            out.put(e.publicKey().rawBytes());
            symmetric.mixHash(e.publicKey().rawBytes());
          }
          case S -> out.put(symmetric.encryptAndHash(s.publicKey().rawBytes()));
          default -> mixDh(token);
        }
      }
      out.put(symmetric.encryptAndHash(payload));
      if (out.hasRemaining()) {
        throw new IllegalStateException("message length miscomputed: " + out.remaining()
            + " bytes left of " + length);
      }
    } catch (NoiseException | RuntimeException ex) {
      fail();
      throw ex;
    }
    messageIndex++;
    status = nextStatus();
    return out.array();
  }

  /**
   * ReadMessage(message): processes the peer's next message pattern and returns its payload.
   *
   * @throws IllegalStateException if the status is not {@link Status#READ_MESSAGE}
   * @throws NoiseException if the message is refused; the status is then {@link Status#FAILED}
   */
  public byte[] readMessage(byte[] message) throws NoiseException {
    expect(Status.READ_MESSAGE, "readMessage");
    Objects.requireNonNull(message, "message");
    try {
      if (message.length > CipherState.MAX_MESSAGE_LENGTH) {
        throw new NoiseException(
            NoiseException.Reason.BAD_LENGTH,
            protocol + " message " + messageIndex + ": " + message.length
                + " bytes (expected: at most " + CipherState.MAX_MESSAGE_LENGTH + ")");
      }
      ByteBuffer in = ByteBuffer.wrap(message);
      for (Token token : protocol.pattern().messages().get(messageIndex)) {
        switch (token) {
          case E -> {
            re = NoisePublicKey.of(take(in, DH_LENGTH, token));
            symmetric.mixHash(re.rawBytes());
          }
          case S -> {
            byte[] temp = take(in, DH_LENGTH + (symmetric.hasKey() ? TAG_LENGTH : 0), token);
            rs = NoisePublicKey.of(symmetric.decryptAndHash(temp));
          }
          default -> mixDh(token);
        }
      }
      byte[] payload = symmetric.decryptAndHash(take(in, in.remaining(), null));
      messageIndex++;
      status = nextStatus();
      return payload;
    } catch (NoiseException | RuntimeException ex) {
      fail();
      throw ex;
    }
  }

  /**
   * The peer's static public key: known from the start if it was a pre-message (IK initiator),
   * else once the message carrying it was read (IK responder, after message 1).
   *
   * @throws IllegalStateException if the handshake failed or was destroyed
   */
  public Optional<NoisePublicKey> remoteStaticKey() {
    if (status == Status.FAILED || status == Status.DESTROYED) {
      throw new IllegalStateException("remoteStaticKey called in status " + status);
    }
    return Optional.ofNullable(rs);
  }

  /**
   * GetHandshakeHash(): a copy of {@code h} as it stands. Meant for after the last message; before
   * that it changes with every message.
   *
   * @throws IllegalStateException after {@link #split()}, failure or {@link #destroy()}; the
   *     {@link HandshakeResult} carries the final hash
   */
  public byte[] handshakeHash() {
    if (status == Status.SPLIT || status == Status.FAILED || status == Status.DESTROYED) {
      throw new IllegalStateException("handshakeHash called in status " + status);
    }
    return symmetric.handshakeHash();
  }

  /**
   * Split(): hands over the transport cipher states, oriented for this side, and wipes this
   * object's secrets.
   *
   * @throws IllegalStateException if the status is not {@link Status#COMPLETE}
   */
  public HandshakeResult split() {
    expect(Status.COMPLETE, "split");
    CipherStatePair pair = symmetric.split();
    if (protocol.pattern().isOneWay()) {
      pair.responderToInitiator().destroy(); // the responder never sends in a one-way pattern
    }
    byte[] h = symmetric.handshakeHash();
    HandshakeResult result =
        new HandshakeResult(pair.sending(role), pair.receiving(role), h, rs);
    Hkdf.zero(h);
    wipe();
    status = Status.SPLIT;
    return result;
  }

  /** Zeroes every secret this object owns. Callable in every state; idempotent. */
  public void destroy() {
    wipe();
    if (status != Status.FAILED && status != Status.SPLIT) {
      status = Status.DESTROYED;
    }
  }

  @Override
  public String toString() {
    return "HandshakeState[" + protocol + ", " + role + ", message " + messageIndex + ", " + status
        + "]";
  }

  private NoisePublicKey preMessageKey(Role side, Token token) {
    boolean local = side == role;
    if (token == Token.S) {
      return local ? s.publicKey() : rs;
    }
    if (local) {
      e = ephemeralKeys.generate();
      return e.publicKey();
    }
    return re;
  }

  /** MixKey(DH(...)) for a DH token, choosing keys by the token and this side's role. */
  private void mixDh(Token token) throws NoiseException {
    boolean initiator = role == Role.INITIATOR;
    byte[] shared = switch (token) {
      case EE -> dh(e, re);
      case ES -> initiator ? dh(e, rs) : dh(s, re);
      case SE -> initiator ? dh(s, re) : dh(e, rs);
      case SS -> StaticShared.dh(s, rs);
      default -> throw new AssertionError("not a DH token: " + token);
    };
    try {
      symmetric.mixKey(shared);
    } finally {
      Hkdf.zero(shared);
    }
  }

  private static byte[] dh(NoiseKeyPair local, NoisePublicKey remote) throws NoiseException {
    return Curve25519.dh(local.privateKey(), remote.rawBytes());
  }

  /** The length of the next message, computed before any state changes. */
  private long messageLength(List<Token> tokens, int payloadLength) {
    boolean keyed = symmetric.hasKey();
    long length = 0;
    for (Token token : tokens) {
      if (token == Token.E) {
        length += DH_LENGTH;
      } else if (token == Token.S) {
        length += DH_LENGTH + (keyed ? TAG_LENGTH : 0);
      } else {
        keyed = true;
      }
    }
    return length + payloadLength + (keyed ? TAG_LENGTH : 0);
  }

  private byte[] take(ByteBuffer in, int length, Token token) throws NoiseException {
    if (in.remaining() < length) {
      throw new NoiseException(
          NoiseException.Reason.BAD_LENGTH,
          protocol + " message " + messageIndex + ": " + in.limit() + " bytes, too short for "
              + (token == null ? "the payload tag" : "token " + token));
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  private Status nextStatus() {
    List<List<Token>> messages = protocol.pattern().messages();
    if (messageIndex == messages.size()) {
      return Status.COMPLETE;
    }
    return protocol.pattern().sender(messageIndex) == role
        ? Status.WRITE_MESSAGE
        : Status.READ_MESSAGE;
  }

  private void expect(Status wanted, String operation) {
    if (status != wanted) {
      throw new IllegalStateException(
          operation + " called in status " + status + " (expected: " + wanted + ") for " + this
              + (status == Status.FAILED ? "; abandon a failed handshake" : ""));
    }
  }

  private void fail() {
    wipe();
    status = Status.FAILED;
  }

  private void wipe() {
    symmetric.destroy();
    if (e != null) {
      e.destroy();
    }
  }

  /**
   * Collects the arguments of the specification's Initialize(): pattern (through the protocol),
   * initiator flag (the role), prologue, s, rs and, for patterns with an ephemeral pre-message, re.
   * The local ephemeral key always comes from the {@link EphemeralKeyGenerator}.
   */
  public static final class Builder {

    private final NoiseProtocol protocol;
    private final Role role;
    private byte[] prologue = new byte[0];
    private NoiseKeyPair localStaticKeyPair;
    private NoisePublicKey remoteStaticKey;
    private NoisePublicKey remoteEphemeralKey;
    private EphemeralKeyGenerator ephemeralKeys;

    private Builder(NoiseProtocol protocol, Role role) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      this.role = Objects.requireNonNull(role, "role");
    }

    /** The prologue both sides must agree on; empty by default. */
    public Builder prologue(byte[] prologue) {
      this.prologue = Objects.requireNonNull(prologue, "prologue").clone();
      return this;
    }

    /** This side's static key pair ({@code s}), if the pattern uses one; the caller keeps it. */
    public Builder localStaticKeyPair(NoiseKeyPair keyPair) {
      this.localStaticKeyPair = Objects.requireNonNull(keyPair, "keyPair");
      return this;
    }

    /** The peer's static key known in advance ({@code rs}), for patterns with {@code <- s}. */
    public Builder remoteStaticKey(NoisePublicKey key) {
      this.remoteStaticKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** The peer's ephemeral key known in advance ({@code re}), for patterns with an e pre-message. */
    public Builder remoteEphemeralKey(NoisePublicKey key) {
      this.remoteEphemeralKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** Where ephemeral key pairs come from; required. */
    public Builder ephemeralKeyGenerator(EphemeralKeyGenerator generator) {
      this.ephemeralKeys = Objects.requireNonNull(generator, "generator");
      return this;
    }

    /**
     * Runs Initialize() and returns the handshake, whose status is {@link Status#WRITE_MESSAGE}
     * for the initiator and {@link Status#READ_MESSAGE} for the responder.
     *
     * @throws IllegalArgumentException if a key the pattern needs is missing, a key it does not
     *     use is given, or no ephemeral key generator is set
     */
    public HandshakeState build() {
      HandshakePattern pattern = protocol.pattern();
      Role peer = role.peer();
      require(localStaticKeyPair != null, pattern.needsStaticKey(role), "local static key pair");
      require(remoteStaticKey != null, pattern.preMessage(peer).contains(Token.S),
          "remote static key");
      require(remoteEphemeralKey != null, pattern.preMessage(peer).contains(Token.E),
          "remote ephemeral key");
      if (ephemeralKeys == null) {
        throw new IllegalArgumentException(
            protocol + " " + role + ": no ephemeral key generator (expected:"
                + " EphemeralKeyGenerator.random(secureRandom))");
      }
      if (localStaticKeyPair != null && localStaticKeyPair.isDestroyed()) {
        throw new IllegalArgumentException(protocol + " " + role + ": local static key pair "
            + "was destroyed");
      }
      return new HandshakeState(this);
    }

    private void require(boolean given, boolean needed, String what) {
      if (given != needed) {
        throw new IllegalArgumentException(
            protocol + " " + role + ": " + what + (given ? " given" : " missing") + " (expected: "
                + (needed ? "one, the pattern uses it" : "none, the pattern does not use it")
                + ")");
      }
    }
  }
}
