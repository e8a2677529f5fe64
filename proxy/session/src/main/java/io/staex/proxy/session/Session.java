package io.staex.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Handshake;
import io.staex.crypto.RecordException;
import io.staex.crypto.RecordLayer;
import io.staex.crypto.RecordOpener;
import io.staex.crypto.RecordSealer;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.SessionFrame;
import io.staex.proxy.frame.SessionFrameCodec;
import io.staex.proxy.frame.SessionFrameType;
import java.time.Instant;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One end-to-end session with a peer: a Noise IK handshake, then records whose plaintexts carry
 * the layer above's messages, several to a record (the stream layer's messages are stream
 * frames; the session never looks inside them). Created and driven by {@link Sessions}.
 *
 * <pre>
 *   HANDSHAKING ──(WELCOME read / HELLO answered)──▶ ESTABLISHED ──▶ CLOSED
 *        └──────────────(timeout, refusal, unreachable, limit)──────────▲
 * </pre>
 *
 * Records are delivered in order and complete, across path changes: the session keeps every
 * record it sent until the peer acknowledges it (an {@code ACK} control record carrying the
 * next counter it expects) and sends again, from the first unacknowledged one, what a path
 * change lost (go-back-N: the receiver takes only the next counter and asks with a {@code NACK}
 * when a later one comes; a timer on the oldest unacknowledged record covers a lost tail). A
 * session with records unacknowledged for {@link SessionSettings#pathGrace} ends {@link
 * SessionEnd#UNREACHABLE}. The same sealed bytes go again, so the keys never change for it.
 *
 * <p><b>Not safe for concurrent use</b>: every method runs on the sessions' event loop.
 */
public final class Session {
  /** Where a session is in its life. */
  public enum State { HANDSHAKING, ESTABLISHED, CLOSED }

  private final Sessions owner;
  private final NodeKey peerKey;
  private final Address peer;
  private final long id;
  private final boolean initiator;
  private final byte[] aad;
  private final long startedNanos;

  private State state = State.HANDSHAKING;
  /** Initiator: the handshake in progress; null once it ended. */
  Handshake handshake;
  /** Initiator: HELLO's Noise message, resent until the WELCOME comes. */
  byte[] hello;
  /**
   * Initiator: the MAC of {@link #hello} keyed by the cookie the responder sent (it is under
   * load), sent with every retransmission; null while none came.
   */
  byte[] cookieMac;
  /** Initiator: cookies taken for this handshake; bounded, so forged ones cost little. */
  int cookies;
  /** Responder: the HELLO it answered and its WELCOME, to answer a retransmitted HELLO. */
  byte[] answeredHello;
  byte[] welcome;
  long nextRetryNanos;
  long retryIntervalNanos;

  private Certificate peerCertificate;
  private RecordLayer records;
  private RecordSealer sealer;
  private RecordOpener opener;
  private long nextReceiveCounter;
  private long establishedNanos;
  /** Initiator: when the last HELLO left. */
  private long helloSentNanos;
  /** The round trip the handshake measured; -1 until known ({@link #rttNanos()}). */
  private long rttNanos = -1;
  /** When a record last came from the peer / last left for it (keepalives, idle timeout). */
  long lastReceivedNanos;
  long lastSentNanos;
  /**
   * When its first stream opened after it had none: the peer's silence counts from here at the
   * earliest. A session idle for minutes hears nothing by design; its next stream must not find
   * it "silent" since then (issue 14: the users' sessions under a far relay ended that way).
   */
  long busySinceNanos;
  private boolean retiring;
  private int openStreams;
  private SessionEnd end;

  /** Records whose quotes are kept for checking UNREACHABLE notices (see {@link #sentQuotes}). */
  static final int QUOTE_RING = 32;
  /**
   * A record plaintext that starts with this byte is a session control message, not the layer
   * above's (whose messages never start with 0): {@code 0x00 | kind u8 | body}.
   */
  static final int CONTROL = 0x00;
  /** {@code 0x00 0x01 | nonce u64}: answer with {@link #PROBE_ANSWER} and the same nonce. */
  static final int PROBE = 0x01;
  /** {@code 0x00 0x02 | nonce u64}: the answer to a {@link #PROBE}. */
  static final int PROBE_ANSWER = 0x02;
  /** {@code 0x00 0x03 | close reason u8}: the session ends; authenticated, unlike a CLOSE frame. */
  static final int SEALED_CLOSE = 0x03;
  /** Bytes of a probe or its answer. */
  static final int PROBE_SIZE = 2 + Long.BYTES;
  /** Bytes of a sealed close. */
  static final int SEALED_CLOSE_SIZE = 3;
  /** {@code 0x00 0x04 | next u64}: the peer has every record of ours below {@code next}. */
  static final int ACK = 0x04;
  /** {@code 0x00 0x05 | next u64}: as ACK, and a later record came first: send again from next. */
  static final int NACK = 0x05;
  /**
   * {@code 0x00 0x06 | next u64 | messages}: an ACK riding in front of the layer above's
   * messages, in a record that was going anyway.
   */
  static final int ACK_THEN = 0x06;
  /** Bytes of an ACK or NACK (and of the front of an {@link #ACK_THEN}). */
  static final int ACK_SIZE = 2 + Long.BYTES;
  /**
   * How long the ACK for a lone record waits for a record of ours to ride in: a request's
   * answer usually comes well within it (a reply on loopback takes ~0.1 ms), which saves a
   * packet each way through every relay. A second record asking for an ACK sends it at once.
   */
  static final long ACK_DELAY_NANOS = 2_000_000L;
  /** The shortest retransmission timeout (one {@link Sessions#TICK} also bounds it below). */
  static final long RTO_MIN_NANOS = 200_000_000L;
  /** The longest: a path that came back carries records again within this. */
  static final long RTO_MAX_NANOS = 1_000_000_000L;
  /** The timeout before a round trip was measured. */
  static final long RTO_INITIAL_NANOS = 500_000_000L;
  /** Records received that asked for no ACK (ACKs, keepalives) after which one is sent anyway. */
  static final int ACK_EVERY_UNASKED = 16;

  /** A record sent and not acknowledged yet: its packet, kept to be sent again. */
  private static final class Sent {
    final long counter;
    final FrameBytes packet;
    /** Whether the peer must acknowledge it (false for ACKs and keepalives: no timer waits). */
    final boolean wantsAck;
    final long sentNanos;
    boolean resent;

    Sent(long counter, FrameBytes packet, boolean wantsAck, long sentNanos) {
      this.counter = counter;
      this.packet = packet;
      this.wantsAck = wantsAck;
      this.sentNanos = sentNanos;
    }
  }

  /** Records sent and not acknowledged, oldest first; their packet bytes in {@link #keptBytes}. */
  private final java.util.ArrayDeque<Sent> unacked = new java.util.ArrayDeque<>();
  private long keptBytes;
  /** Records of {@link #unacked} that want an ACK. */
  private int waitingAcks;
  /** The peer has every record of ours below this counter. */
  private long ackedTo;
  /** Since when the oldest record that wants an ACK waits (or the last ACK progress after it). */
  long waitingSinceNanos;
  /** When the retransmission timer fires (valid while {@link #waitingAcks} > 0). */
  long rtoDeadlineNanos;
  private long rtoNanos = RTO_INITIAL_NANOS;
  private long srttNanos = -1;
  private long rttvarNanos;
  /** The timer fired: the first record went again; the rest goes once an ACK shows the path. */
  private boolean recovering;
  private long lastResendNanos = Long.MIN_VALUE / 2;
  // receiving
  /** Records came that our next ACK must cover. */
  private boolean ackPending;
  /** An ACK goes when the loop next runs its tasks. */
  private boolean ackScheduled;
  /** The {@link #ACK_DELAY_NANOS} timer runs. */
  private boolean ackTimerSet;
  /** When the pending ACK stops waiting for a record to ride in. */
  private long ackDueNanos;
  private int askedSinceAck;
  private int unaskedSinceAck;
  private long lastNackNanos = Long.MIN_VALUE / 2;
  private long lastNackCounter = -1;
  private long recordsResent;

  /** Where a record's plaintext starts: after {@code type | session id | counter}. */
  private static final int PLAIN_OFF = SessionFrameCodec.HEADER_SIZE + RecordLayer.COUNTER_SIZE;
  /**
   * Where the layer above's messages start in the record being filled: after room for an
   * {@link #ACK_THEN} front. Without one the packet starts {@link #ACK_SIZE} bytes into its
   * array and is sealed there, so neither way copies.
   */
  private static final int MSG_OFF = PLAIN_OFF + ACK_SIZE;
  private static final int TAG_SIZE = RecordLayer.OVERHEAD - RecordLayer.COUNTER_SIZE;
  /** A full record's packet: header, counter, the largest plaintext, tag. */
  private static final int RECORD_CAPACITY =
      MSG_OFF + FrameLimits.MAX_SESSION_PLAINTEXT + TAG_SIZE;
  /**
   * A record with less room than this left is sent at once: what still fits (64 bytes of
   * stream data with its frame header) is not worth the wait.
   */
  private static final int FULL_BELOW = 72;
  /**
   * A sealed record this much smaller than its array is copied out, not kept in it, and the
   * array is taken again for a later record ({@link Sessions#recordArray}): a 64-byte request
   * costs a copy of its own size, not a 64 KiB array kept until its ACK or made per record.
   */
  private static final int TRIM_ABOVE = 4096;

  /** Messages given while the handshake runs, one buffer each, put into records once it is done. */
  private final List<ByteBuf> early = new ArrayList<>();
  private int earlyBytes;
  /**
   * The record being filled once established, over an array of {@link #RECORD_CAPACITY}: the
   * packet header, room for the counter, then messages written in place up to the writer index.
   * Sealed over itself by {@link #flush}; null while nothing waits.
   */
  private ByteBuf open;
  private boolean flushScheduled;

  /**
   * What an UNREACHABLE notice would quote of the last {@link #QUOTE_RING} records sent: slot
   * {@code counter % QUOTE_RING} holds that record's first {@link
   * FrameLimits#MAX_UNREACHABLE_QUOTE} packet bytes (its header and counter included), so a
   * notice is checked in one lookup. 32 × 48 bytes per session, allocated with the first record.
   */
  private byte[][] sentQuotes;
  /** The counter of the last record sent; -1 before the first. */
  private long lastSentCounter = -1;

  /** The nonce of the probe waiting for its answer ({@link #probing}). */
  private long probeNonce;
  /** Whether a probe waits for its answer; it must come before {@link #probeDeadlineNanos}. */
  boolean probing;
  long probeDeadlineNanos;
  /** How the session ends if the probe goes unanswered. */
  SessionEnd probeEnd;

  private long recordsSent;
  private long recordsReceived;
  private long bytesSent;
  private long bytesReceived;

  Session(Sessions owner, NodeKey peerKey, Address peer, long id, boolean initiator, long now) {
    this.owner = owner;
    this.peerKey = peerKey;
    this.peer = peer;
    this.id = id;
    this.initiator = initiator;
    this.startedNanos = now;
    this.lastReceivedNanos = now;
    this.lastSentNanos = now;
    this.aad = new byte[SessionFrameCodec.HEADER_SIZE];
    aad[0] = (byte) SessionFrameType.RECORD.code();
    for (int i = 0; i < Long.BYTES; i++) {
      aad[1 + i] = (byte) (id >>> (56 - 8 * i));
    }
  }

  /** The peer's address (proven once established). */
  public Address peer() {
    return peer;
  }

  /** The session id (drawn by the initiator). */
  public long id() {
    return id;
  }

  /** Whether this node started the handshake. */
  public boolean isInitiator() {
    return initiator;
  }

  public State state() {
    return state;
  }

  /** The peer's certificate, checked against this node's trust policy; empty until established. */
  public Optional<Certificate> peerCertificate() {
    return Optional.ofNullable(peerCertificate);
  }

  /** Why it ended; empty while it lives. */
  public Optional<SessionEnd> end() {
    return Optional.ofNullable(end);
  }

  /** True once it takes no new streams (old enough to rekey, or its keys are near their limit). */
  public boolean isRetiring() {
    return retiring;
  }

  /**
   * Room for one message of exactly {@code size} bytes for the peer (1 to {@link
   * FrameLimits#MAX_SESSION_PLAINTEXT}; its first byte must not be 0, the session's own control
   * messages): write them at the returned buffer's writer index, then call {@link #appended()}.
   * Messages leave in order, batched into records: when the event loop next runs its tasks, as
   * soon as a record is full, or once the handshake finished. A handshaking session that would
   * hold more than {@link SessionSettings#maxQueuedBytes} ends with {@link SessionEnd#LIMIT}.
   * Returns null, and the message is dropped, once the session is closed.
   */
  public ByteBuf append(int size) {
    owner.assertInLoop();
    if (size < 1 || size > FrameLimits.MAX_SESSION_PLAINTEXT) {
      throw new IllegalArgumentException("message of " + size + " bytes (expected: 1 to "
          + FrameLimits.MAX_SESSION_PLAINTEXT + ")");
    }
    if (state == State.CLOSED) {
      return null;
    }
    if (state == State.HANDSHAKING) {
      earlyBytes += size;
      if (earlyBytes > owner.settings().maxQueuedBytes()) {
        owner.close(this, SessionEnd.LIMIT, null);
        return null;
      }
      ByteBuf message = Unpooled.buffer(size, size);
      early.add(message);
      return message;
    }
    if (!early.isEmpty() && !sendEarly()) {
      return null; // (the messages of the handshake go first, always)
    }
    return room(size);
  }

  /**
   * The message given room by {@link #append} is written: a record it filled goes to the relay
   * now, so that its send gate closes ({@link SessionListener#sendPaused}, inside the send)
   * before the layer above reads more; anything less when the event loop next runs its tasks.
   */
  public void appended() {
    if (state != State.ESTABLISHED || open == null) {
      return; // kept until the handshake is done, or the session ended on the way
    }
    if (FrameLimits.MAX_SESSION_PLAINTEXT - (open.writerIndex() - MSG_OFF) < FULL_BELOW) {
      sealOpenOrClose();
      return;
    }
    if (!flushScheduled) {
      flushScheduled = true;
      owner.loop().execute(this::flush);
    }
  }

  /**
   * The most bytes one message should have now to fill records: what is left of the record
   * being built, or a whole record's plaintext when none is.
   */
  public int recordRoom() {
    int left = open == null ? 0
        : FrameLimits.MAX_SESSION_PLAINTEXT - (open.writerIndex() - MSG_OFF);
    return left < FULL_BELOW ? FrameLimits.MAX_SESSION_PLAINTEXT : left;
  }

  /**
   * Bytes of messages this session still takes before its handshake is done without ending
   * ({@link SessionSettings#maxQueuedBytes}); once established, what its records kept until
   * acknowledged leave of {@link SessionSettings#retransmitBytes} ({@link
   * SessionListener#writable} says when a record fits again); 0 once closed. The layer above
   * keeps bulk data back while it is small.
   */
  public int queueRoom() {
    return switch (state) {
      case HANDSHAKING -> Math.max(0, owner.settings().maxQueuedBytes() - earlyBytes);
      case ESTABLISHED -> (int) Math.max(0, Math.min(owner.settings().retransmitBytes() - keptBytes,
          owner.retransmitRoom()));
      case CLOSED -> 0;
    };
  }

  /**
   * The layer above could not read what the peer sent (a malformed message in an authenticated
   * record): the session ends with {@link SessionEnd#PROTOCOL_ERROR}, as for any broken peer.
   */
  public void protocolError() {
    owner.assertInLoop();
    if (state != State.CLOSED) {
      owner.close(this, SessionEnd.PROTOCOL_ERROR,
          io.staex.proxy.frame.CloseReason.PROTOCOL_ERROR);
    }
  }

  /**
   * The record to append {@code size} more bytes of frames to: the open one if they fit, else
   * a new one after the open one is sent. Null if the session ended on the way.
   */
  private ByteBuf room(int size) {
    if (open != null && open.writerIndex() - MSG_OFF + size > FrameLimits.MAX_SESSION_PLAINTEXT) {
      sealOpenOrClose();
      if (state != State.ESTABLISHED) {
        return null;
      }
    }
    if (open == null) {
      open = Unpooled.wrappedBuffer(owner.recordArray(RECORD_CAPACITY));
      open.writerIndex(MSG_OFF);
    }
    return open;
  }

  /** The stream layer counts its open streams here: a session with streams is never idle. */
  public void streamOpened() {
    if (openStreams++ == 0) {
      busySinceNanos = owner.nanos();
    }
  }

  /**
   * When the last record came from the peer, on the loop's ticker: the frames in it are handled
   * at that instant, so the layer above need not read the clock per frame.
   */
  public long lastReceivedNanos() {
    return lastReceivedNanos;
  }

  /**
   * Since when the peer counts as silent for a session with open streams: its last record, or
   * the first of the streams open now if that is later.
   */
  long silentSinceNanos() {
    return Math.max(lastReceivedNanos, busySinceNanos);
  }

  /** See {@link #streamOpened()}; a retiring session closes after its last stream. */
  public void streamClosed() {
    if (openStreams > 0) {
      openStreams--;
    }
    if (openStreams == 0 && retiring && state == State.ESTABLISHED) {
      owner.close(this, SessionEnd.CLOSED, io.staex.proxy.frame.CloseReason.CLOSED);
    }
  }

  public int openStreams() {
    return openStreams;
  }

  /** A snapshot for status displays. */
  public SessionInfo info(long nowNanos) {
    return new SessionInfo(peer, Long.toUnsignedString(id, 16), initiator, state, retiring,
        openStreams, recordsSent, recordsReceived, bytesSent, bytesReceived,
        (nowNanos - startedNanos) / 1_000_000, Optional.ofNullable(end), keptBytes);
  }

  // ---- driven by Sessions ----

  NodeKey peerKey() {
    return peerKey;
  }

  /** True once it ended. */
  public boolean isClosed() {
    return state == State.CLOSED;
  }

  long startedNanos() {
    return startedNanos;
  }

  long establishedNanos() {
    return establishedNanos;
  }

  /**
   * The round trip to the peer as the handshake measured it, on the loop's ticker: the
   * initiator from its last HELLO to the WELCOME, the responder from its WELCOME to the first
   * record; -1 until then. What streams tune their windows by ({@code docs/sessions.md}).
   */
  public long rttNanos() {
    return srttNanos >= 0 ? srttNanos : rttNanos;
  }

  void establish(Handshake.Established done, long now) {
    this.peerCertificate = done.peerCertificate();
    this.records = done.records();
    this.sealer = records.sealer();
    this.opener = records.opener();
    this.state = State.ESTABLISHED;
    this.establishedNanos = now;
    this.lastReceivedNanos = now;
    this.lastSentNanos = now;
    if (initiator) {
      rttNanos = now - helloSentNanos;
    }
    this.handshake = null;
    this.hello = null;
    this.cookieMac = null;
    if (!early.isEmpty() && !flushScheduled) {
      flushScheduled = true;
      owner.loop().execute(this::flush);
    }
  }

  /**
   * Initiator: the HELLO to send (again), with the cookie MAC if the responder gave a cookie.
   * {@code now} is when it leaves: the handshake's round trip is measured from the last one.
   */
  SessionFrame.SessionHello helloSent(long now) {
    helloSentNanos = now;
    return new SessionFrame.SessionHello(id, FrameBytes.copyOf(hello),
        cookieMac == null ? FrameBytes.empty() : FrameBytes.copyOf(cookieMac));
  }

  void retire() {
    retiring = true;
  }

  void markClosed(SessionEnd why) {
    state = State.CLOSED;
    end = why;
    early.clear();
    earlyBytes = 0;
    open = null;
    sentQuotes = null;
    probing = false;
    unacked.clear();
    owner.kept(-keptBytes);
    keptBytes = 0;
    waitingAcks = 0;
    ahead.clear();
    aheadBytes = 0;
    if (handshake != null) {
      handshake.destroy();
      handshake = null;
    }
    if (records != null) {
      records.destroy();
      records = null;
    }
  }

  /** Where a record's counter puts it. */
  enum Arrival {
    /** The next one: delivered now. */
    NEXT,
    /** Later than the next (records before it were lost): opened and kept until they come. */
    AHEAD,
    /** Had already: dropped, ACKed again. */
    DUPLICATE,
    /** Too far ahead to keep (the replay window, or {@link SessionSettings#retransmitBytes}). */
    TOO_FAR
  }

  /**
   * Records opened ahead of the next counter, by counter: their plaintexts (empty for an ACK or
   * keepalive, acted on when it came). Bounded by {@link #MAX_AHEAD} records and {@link
   * SessionSettings#retransmitBytes} bytes.
   */
  private final java.util.TreeMap<Long, byte[]> ahead = new java.util.TreeMap<>();
  private long aheadBytes;
  /**
   * Records kept ahead at most: half the replay window, so the first missing one, sent again,
   * is still inside it and opens.
   */
  static final int MAX_AHEAD = io.staex.crypto.internal.record.ReplayWindow.SIZE / 2;

  /** The counter of a RECORD body. */
  static long counterOf(FrameBytes record) {
    return record.read((a, off, len) -> readCounter(a, off));
  }

  Arrival arrival(long counter, int size) {
    if (counter == nextReceiveCounter) {
      return Arrival.NEXT;
    }
    if (Long.compareUnsigned(counter, nextReceiveCounter) < 0 || ahead.containsKey(counter)) {
      return Arrival.DUPLICATE;
    }
    return counter - nextReceiveCounter >= MAX_AHEAD
        || aheadBytes + size > owner.settings().retransmitBytes() ? Arrival.TOO_FAR
        : Arrival.AHEAD;
  }

  /**
   * Opens a RECORD body whose counter {@link #arrival} found NEXT or AHEAD and returns its
   * plaintext; a NEXT one moves the next counter on.
   *
   * @throws RecordException if it does not authenticate (nothing changes)
   */
  byte[] open(FrameBytes record, long counter, long now) throws RecordException {
    byte[] plain = record.read((a, off, len) -> opener.open(a, off, len, aad));
    if (counter == nextReceiveCounter) {
      nextReceiveCounter++;
    }
    if (!initiator && recordsReceived == 0) {
      rttNanos = now - establishedNanos;
    }
    recordsReceived++;
    bytesReceived += record.size();
    lastReceivedNanos = now;
    return plain;
  }

  /** Keeps an AHEAD record's plaintext (what is left to deliver of it) until its turn. */
  void keepAhead(long counter, byte[] plain) {
    ahead.put(counter, plain);
    aheadBytes += plain.length;
  }

  /** The kept plaintext of the next counter, which moves on; null if it did not come yet. */
  byte[] takeAhead() {
    byte[] plain = ahead.remove(nextReceiveCounter);
    if (plain != null) {
      nextReceiveCounter++;
      aheadBytes -= plain.length;
    }
    return plain;
  }

  private static long readCounter(byte[] record, int off) {
    long c = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      c = (c << 8) | (record[off + i] & 0xFF);
    }
    return c;
  }

  /** Sends what waits: the frames given during the handshake, then the open record. */
  void flush() {
    flushScheduled = false;
    if (state != State.ESTABLISHED) {
      return;
    }
    if (!early.isEmpty() && !sendEarly()) {
      return;
    }
    if (open != null) {
      sealOpenOrClose();
    }
  }

  /**
   * Puts the messages given during the handshake into records, in order, ahead of anything
   * given since. False if the session ended on the way.
   */
  private boolean sendEarly() {
    List<ByteBuf> messages = new ArrayList<>(early);
    early.clear();
    earlyBytes = 0;
    for (ByteBuf m : messages) {
      ByteBuf out = room(m.readableBytes());
      if (out == null) {
        return false;
      }
      out.writeBytes(m);
      appended();
      if (state != State.ESTABLISHED) {
        return false;
      }
    }
    return true;
  }

  private void sealOpenOrClose() {
    ByteBuf record = open;
    open = null;
    byte[] packet = record.array();
    int size = record.writerIndex() - MSG_OFF;
    try {
      if (ackPending && size + ACK_SIZE <= FrameLimits.MAX_SESSION_PLAINTEXT) {
        writeAck(packet, PLAIN_OFF, ACK_THEN, nextReceiveCounter);
        System.arraycopy(aad, 0, packet, 0, aad.length);
        ackSent();
        owner.counters().acksRiding.increment();
        sendRecord(packet, 0, ACK_SIZE + size, true);
      } else {
        System.arraycopy(aad, 0, packet, ACK_SIZE, aad.length);
        sendRecord(packet, ACK_SIZE, size, true);
      }
    } catch (RecordException e) {
      owner.close(this, SessionEnd.LIMIT, null);
      return;
    }
    if (sealer.needsRehandshake()) {
      owner.retire(this);
    }
  }

  /**
   * One packet: {@code type | session id | counter | ciphertext | tag}, sealed over itself, the
   * 9 header bytes as AAD. {@code packet} holds the header at {@code start} and {@code size}
   * plaintext bytes at {@code start + }{@link #PLAIN_OFF}; it is handed to the relay without a
   * copy unless mostly empty. {@code wantsAck} is false for records the peer need not
   * acknowledge (ACKs, keepalives): they are kept and sent again like any, but no timer waits
   * for them.
   */
  private void sendRecord(byte[] packet, int start, int size, boolean wantsAck)
      throws RecordException {
    int header = SessionFrameCodec.HEADER_SIZE;
    int length = sealer.seal(packet, start + PLAIN_OFF, size, aad, packet, start + header);
    int total = header + length;
    keepQuote(packet, start, total);
    recordsSent++;
    bytesSent += length;
    long now = owner.nanos();
    lastSentNanos = now;
    FrameBytes out;
    if (packet.length - total > TRIM_ABOVE) {
      out = FrameBytes.copyOf(packet, start, total);
      if (packet.length == RECORD_CAPACITY) {
        owner.recordArrayFree(packet); // sealed in place: ciphertext only; the copy is kept
      }
    } else {
      out = FrameBytes.adopt(packet, start, total);
    }
    // kept until acknowledged: FrameBytes never change, so the relay may hold the same bytes
    unacked.add(new Sent(lastSentCounter, out, wantsAck, now));
    keptBytes += total;
    owner.kept(total);
    if (wantsAck && waitingAcks++ == 0) {
      waitingSinceNanos = now;
      rtoDeadlineNanos = now + rtoNanos;
    }
    owner.sendPacket(this, out);
  }

  // ---- acknowledgements and retransmission ----

  /**
   * A record came in. One that asks for an ACK alone waits up to {@link #ACK_DELAY_NANOS} for a
   * record of ours to carry it ({@link #ACK_THEN}); with a second one the ACK goes when the loop
   * has run what arrived with them (so a burst is acknowledged once). Records that ask for none
   * (ACKs, keepalives) are acknowledged every {@link #ACK_EVERY_UNASKED}, so the peer's copies
   * of them stay few.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // the timer checks ackPending when it fires
  void received(boolean asksAck) {
    if (!asksAck) {
      if (++unaskedSinceAck >= ACK_EVERY_UNASKED) {
        ackSoon();
      }
      return;
    }
    if (!ackPending) {
      ackPending = true;
      ackDueNanos = owner.nanos() + ACK_DELAY_NANOS;
    }
    if (++askedSinceAck >= 2) {
      ackSoon();
    } else if (!ackTimerSet) {
      ackTimerSet = true;
      owner.loop().schedule(this::ackTimer, ACK_DELAY_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  /** A duplicate came (our ACK was lost, or the peer's timer fired early): acknowledge again. */
  void duplicate() {
    ackSoon();
  }

  private void ackSoon() {
    ackPending = true;
    if (!ackScheduled) {
      ackScheduled = true;
      owner.loop().execute(this::sendAck);
    }
  }

  /**
   * The delay timer: a timer set for an ACK that has since ridden in a record must not cut
   * short the wait of the next one, so it waits on until that one's own due time.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // the timer checks ackPending when it fires
  private void ackTimer() {
    ackTimerSet = false;
    if (!ackPending) {
      return;
    }
    long left = ackDueNanos - owner.nanos();
    if (left > 0) {
      ackTimerSet = true;
      owner.loop().schedule(this::ackTimer, left, TimeUnit.NANOSECONDS);
    } else {
      sendAck();
    }
  }

  /** An ACK of everything received so far is on its way. */
  private void ackSent() {
    ackPending = false;
    askedSinceAck = 0;
    unaskedSinceAck = 0;
  }

  /**
   * A record after a gap came (dropped): ask for the rest from the next one, once per counter
   * per retransmission timeout. Returns whether a NACK was sent.
   */
  boolean gap(long now) {
    if (nextReceiveCounter == lastNackCounter && now - lastNackNanos < rtoNanos) {
      return false;
    }
    lastNackCounter = nextReceiveCounter;
    lastNackNanos = now;
    sendAckRecord(NACK, nextReceiveCounter);
    return true;
  }

  private void sendAck() {
    ackScheduled = false;
    if (ackPending && state == State.ESTABLISHED) {
      sendAckRecord(ACK, nextReceiveCounter);
    }
  }

  /** Sends {@code kind} (ACK or NACK) saying {@code next}; package-private for hostile tests. */
  void sendAckRecord(int kind, long next) {
    if (open != null) {
      sealOpenOrClose(); // an ACK rides in it if it has room
      if (state != State.ESTABLISHED || (kind == ACK && !ackPending)) {
        return;
      }
    }
    ackSent();
    if (kind == ACK) {
      owner.counters().acksAlone.increment();
    }
    byte[] packet = new byte[PLAIN_OFF + ACK_SIZE + TAG_SIZE];
    System.arraycopy(aad, 0, packet, 0, aad.length);
    writeAck(packet, PLAIN_OFF, kind, next);
    try {
      sendRecord(packet, 0, ACK_SIZE, false);
    } catch (RecordException e) {
      owner.close(this, SessionEnd.LIMIT, null);
    }
  }

  /** {@code CONTROL | kind | next u64} at {@code off}. */
  private static void writeAck(byte[] to, int off, int kind, long next) {
    to[off] = (byte) CONTROL;
    to[off + 1] = (byte) kind;
    for (int i = 0; i < Long.BYTES; i++) {
      to[off + 2 + i] = (byte) (next >>> (56 - 8 * i));
    }
  }

  /** What an ACK or NACK from the peer did. */
  enum AckResult {
    /** Records were freed, or nothing to free. */
    OK,
    /** It acknowledged less than an earlier one: dropped. */
    STALE,
    /** A NACK within a retransmission timeout of the last one: not acted on. */
    IGNORED,
    /** It acknowledged a record never sent: the peer breaks the protocol. */
    BEYOND
  }

  /**
   * The peer has every record of ours below {@code next}; {@code nack}: and asks for the rest
   * again now. Frees what it acknowledged, measures the round trip (records sent once only),
   * and after a retransmission timeout sends the rest once the path answered.
   */
  AckResult acknowledged(long next, boolean nack, long now) {
    if (Long.compareUnsigned(next, lastSentCounter + 1) > 0) {
      return AckResult.BEYOND;
    }
    if (Long.compareUnsigned(next, ackedTo) < 0) {
      return AckResult.STALE;
    }
    boolean progress = next != ackedTo;
    boolean hadRoom = hasRecordRoom();
    ackedTo = next;
    Sent newest = null;
    while (!unacked.isEmpty() && Long.compareUnsigned(unacked.peek().counter, next) < 0) {
      Sent done = unacked.poll();
      keptBytes -= done.packet.size();
      owner.kept(-done.packet.size());
      if (done.wantsAck) {
        waitingAcks--;
      }
      newest = done;
    }
    if (newest != null && !newest.resent) {
      measured(now - newest.sentNanos);
    }
    if (progress) {
      waitingSinceNanos = now;
      rtoDeadlineNanos = now + rtoNanos;
    }
    AckResult result = AckResult.OK;
    if (nack) {
      if (now - lastResendNanos >= rtoNanos / 2) {
        resend(unacked.size(), now);
      } else {
        result = AckResult.IGNORED;
      }
    } else if (recovering && progress) {
      recovering = false;
      resend(unacked.size(), now);
    }
    if (!hadRoom && hasRecordRoom() && state == State.ESTABLISHED) {
      owner.writable(this); // a whole record fits again: the layer above may have held back
    }
    return result;
  }

  /** Whether what this session keeps until acknowledged leaves room for a whole record. */
  private boolean hasRecordRoom() {
    return owner.settings().retransmitBytes() - keptBytes >= FrameLimits.MAX_SESSION_PLAINTEXT;
  }

  /** RFC 6298's estimator, bounded to {@link #RTO_MIN_NANOS}~{@link #RTO_MAX_NANOS}. */
  private void measured(long rtt) {
    if (srttNanos < 0) {
      srttNanos = rtt;
      rttvarNanos = rtt / 2;
    } else {
      rttvarNanos = (3 * rttvarNanos + Math.abs(srttNanos - rtt)) / 4;
      srttNanos = (7 * srttNanos + rtt) / 8;
    }
    rtoNanos = Math.max(RTO_MIN_NANOS, Math.min(RTO_MAX_NANOS, srttNanos + 4 * rttvarNanos));
  }

  /**
   * The timer, on each tick: if the oldest record that wants an ACK waited a timeout, the first
   * unacknowledged record goes again (the rest follows the ACK it brings) and the timeout
   * doubles, up to {@link #RTO_MAX_NANOS}. Returns whether it fired.
   */
  boolean retransmitDue(long now) {
    if (waitingAcks == 0 || state != State.ESTABLISHED || now - rtoDeadlineNanos < 0) {
      return false;
    }
    recovering = true;
    resend(1, now);
    rtoNanos = Math.min(RTO_MAX_NANOS, rtoNanos * 2);
    rtoDeadlineNanos = now + rtoNanos;
    return true;
  }

  /** Whether records have waited for an ACK, without any progress, for {@code grace}. */
  boolean pathLost(long now, long grace) {
    return waitingAcks > 0 && now - waitingSinceNanos >= grace;
  }

  /** Sends the first {@code n} unacknowledged records again, the same sealed bytes. */
  private void resend(int n, long now) {
    if (unacked.isEmpty()) {
      return;
    }
    lastResendNanos = now;
    // A copy of the first n: sending may end the session, which clears the queue.
    List<Sent> batch = n == 1 ? List.of(unacked.getFirst())
        : new ArrayList<>(unacked).subList(0, Math.min(n, unacked.size()));
    for (Sent r : batch) {
      if (state != State.ESTABLISHED) {
        break;
      }
      r.resent = true;
      recordsResent++;
      owner.counters().recordsResent.increment();
      lastSentNanos = now;
      owner.sendPacket(this, r.packet);
    }
  }

  /** Records sent again so far. */
  long recordsResent() {
    return recordsResent;
  }

  /** Bytes of sent records kept until the peer acknowledges them. */
  long keptBytes() {
    return keptBytes;
  }

  /**
   * The node's records kept fell below {@link SessionSettings#retransmitBytesTotal} again: a
   * session with room of its own says it has room (its streams may have waited for the node's).
   */
  void nodeRoomBack() {
    if (state == State.ESTABLISHED && hasRecordRoom()) {
      owner.writable(this);
    }
  }

  /** Keeps what a notice about the record in {@code packet[0..total)} would quote. */
  private void keepQuote(byte[] packet, int start, int total) {
    if (sentQuotes == null) {
      sentQuotes = new byte[QUOTE_RING][];
    }
    long counter = readCounter(packet, start + SessionFrameCodec.HEADER_SIZE);
    sentQuotes[(int) Long.remainderUnsigned(counter, QUOTE_RING)] =
        Arrays.copyOfRange(packet, start, start + Math.min(total, FrameLimits.MAX_UNREACHABLE_QUOTE));
    lastSentCounter = counter;
  }

  /** What checking an UNREACHABLE notice's quote against this session found. */
  enum QuoteCheck {
    /** The quote is of a packet this session sent: the notice was made on the path. */
    MATCH,
    /** The quote contradicts what this session sent: forged. */
    FORGED,
    /** The quote may be of a packet this session sent, too long ago to check. */
    UNCHECKABLE
  }

  /**
   * Checks {@code quote} (an UNREACHABLE notice's quote, whose type and id name this session)
   * against what this session sent: its HELLO while handshaking, its WELCOME, its last {@link
   * #QUOTE_RING} records.
   */
  QuoteCheck check(FrameBytes quote) {
    byte[] q = quote.toByteArray();
    int type = q[0] & 0xFF;
    if (type == SessionFrameType.HELLO.code()) {
      if (hello == null) {
        return initiator ? QuoteCheck.UNCHECKABLE : QuoteCheck.FORGED; // sent, then established
      }
      return matches(q, SessionFrameType.HELLO, hello);
    }
    if (type == SessionFrameType.WELCOME.code()) {
      return welcome == null ? QuoteCheck.FORGED : matches(q, SessionFrameType.WELCOME, welcome);
    }
    if (type != SessionFrameType.RECORD.code()) {
      return QuoteCheck.FORGED;
    }
    int minimum = SessionFrameCodec.HEADER_SIZE + RecordLayer.OVERHEAD;
    if (q.length < Math.min(minimum, FrameLimits.MAX_UNREACHABLE_QUOTE)) {
      return QuoteCheck.FORGED; // a relay quotes at least this much of any record
    }
    long counter = readCounter(q, SessionFrameCodec.HEADER_SIZE);
    if (lastSentCounter < 0 || Long.compareUnsigned(counter, lastSentCounter) > 0) {
      return QuoteCheck.FORGED; // never sent
    }
    if (lastSentCounter - counter >= QUOTE_RING) {
      return QuoteCheck.UNCHECKABLE;
    }
    byte[] kept = sentQuotes[(int) Long.remainderUnsigned(counter, QUOTE_RING)];
    return kept != null && q.length == kept.length && MessageDigest.isEqual(q, kept)
        ? QuoteCheck.MATCH : QuoteCheck.FORGED;
  }

  /** Whether {@code q} is the quote of the frame {@code type | id | body}. */
  private QuoteCheck matches(byte[] q, SessionFrameType type, byte[] body) {
    int header = SessionFrameCodec.HEADER_SIZE;
    int size = Math.min(header + body.length, FrameLimits.MAX_UNREACHABLE_QUOTE);
    byte[] expected = new byte[size];
    expected[0] = (byte) type.code();
    System.arraycopy(aad, 1, expected, 1, Long.BYTES);
    System.arraycopy(body, 0, expected, header, size - header);
    return MessageDigest.isEqual(q, expected) ? QuoteCheck.MATCH : QuoteCheck.FORGED;
  }

  /**
   * Sends a probe (an authenticated record the peer must answer) unless one waits already;
   * the session ends {@code end} unless the answer comes by {@code deadline}.
   *
   * @return whether a probe was sent
   */
  boolean probe(long nonce, long deadline, SessionEnd end) {
    if (probing || state != State.ESTABLISHED) {
      return false;
    }
    probing = true;
    probeNonce = nonce;
    probeDeadlineNanos = deadline;
    probeEnd = end;
    sendControl(PROBE, nonce);
    return state == State.ESTABLISHED;
  }

  /**
   * Sends a ping: a probe the peer answers like any other, which changes nothing here if it
   * goes unanswered (the caller times it). Established sessions only.
   */
  void ping(long nonce) {
    sendControl(PROBE, nonce);
  }

  /** Answers the peer's probe {@code nonce}. */
  void answerProbe(long nonce) {
    sendControl(PROBE_ANSWER, nonce);
  }

  /** The peer answered a probe: true if it is the one waiting (which then ends). */
  boolean probeAnswered(long nonce) {
    if (!probing || nonce != probeNonce) {
      return false;
    }
    probing = false;
    return true;
  }

  /** Tells the peer, authenticated, that the session ends for {@code reason}. */
  void sendSealedClose(io.staex.proxy.frame.CloseReason reason) {
    if (state != State.ESTABLISHED || sealer == null) {
      return;
    }
    byte[] plain = {(byte) CONTROL, (byte) SEALED_CLOSE, (byte) reason.code()};
    sendControlRecord(plain);
  }

  private void sendControl(int kind, long nonce) {
    byte[] plain = new byte[PROBE_SIZE];
    plain[0] = (byte) CONTROL;
    plain[1] = (byte) kind;
    for (int i = 0; i < Long.BYTES; i++) {
      plain[2 + i] = (byte) (nonce >>> (56 - 8 * i));
    }
    sendControlRecord(plain);
  }

  /** One record whose plaintext is {@code plain}, after whatever frames wait (their order kept). */
  private void sendControlRecord(byte[] plain) {
    if (open != null) {
      sealOpenOrClose();
      if (state != State.ESTABLISHED) {
        return;
      }
    }
    byte[] packet = new byte[PLAIN_OFF + plain.length + TAG_SIZE];
    System.arraycopy(aad, 0, packet, 0, aad.length);
    System.arraycopy(plain, 0, packet, PLAIN_OFF, plain.length);
    try {
      sendRecord(packet, 0, plain.length, true);
    } catch (RecordException e) {
      owner.close(this, SessionEnd.LIMIT, null);
    }
  }

  /** The nonce of a probe or probe answer's plaintext. */
  static long controlNonce(byte[] plain) {
    return readCounter(plain, 2);
  }

  /** Sends an empty record: "still here", for a peer that hears nothing else from us. */
  void sendKeepalive() {
    if (open != null) {
      sealOpenOrClose(); // frames are waiting anyway: they say it
      return;
    }
    byte[] packet = new byte[SessionFrameCodec.HEADER_SIZE + RecordLayer.OVERHEAD];
    System.arraycopy(aad, 0, packet, 0, aad.length);
    try {
      sendRecord(packet, 0, 0, false);
    } catch (RecordException e) {
      owner.close(this, SessionEnd.LIMIT, null);
    }
  }

  @Override
  public String toString() {
    return "Session[" + peer.shortText() + " #" + Long.toUnsignedString(id, 16) + " " + state
        + (initiator ? " out" : " in") + "]";
  }

}
