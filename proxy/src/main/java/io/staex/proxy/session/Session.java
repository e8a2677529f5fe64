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
import io.staex.proxy.frame.SessionFrameCodec;
import io.staex.proxy.frame.SessionFrameType;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.frame.StreamFrameCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One end-to-end session with a peer: a Noise IK handshake, then records whose plaintexts are
 * batches of stream frames. Created and driven by {@link Sessions}.
 *
 * <pre>
 *   HANDSHAKING ──(WELCOME read / HELLO answered)──▶ ESTABLISHED ──▶ CLOSED
 *        └──────────────(timeout, refusal, unreachable, limit)──────────▲
 * </pre>
 *
 * Records must arrive in order and complete: the stream layer has no retransmission, so a gap
 * in the record counters (a packet lost across a failover, or reordered) ends the session with
 * {@link SessionEnd#LOST} instead of delivering a stream with a hole in it.
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
  /** When a record last came from the peer / last left for it (keepalives, idle timeout). */
  long lastReceivedNanos;
  long lastSentNanos;
  private boolean retiring;
  private int openStreams;
  private SessionEnd end;

  /** Frames waiting for the next flush (or for the handshake to finish). */
  private final List<StreamFrame> outbox = new ArrayList<>();
  private int outboxBytes;
  private boolean flushScheduled;

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
   * Queues {@code frame} for the peer. Frames leave in order, batched into records when the
   * event loop next runs its tasks, as soon as a record is full, or once the handshake finished. A handshaking session that
   * would hold more than {@link SessionSettings#maxQueuedBytes} ends with {@link
   * SessionEnd#LIMIT}. Frames given to a closed session are dropped.
   */
  public void send(StreamFrame frame) {
    owner.assertInLoop();
    if (state == State.CLOSED) {
      return;
    }
    outbox.add(frame);
    outboxBytes += StreamFrameCodec.encodedSize(frame);
    if (state == State.HANDSHAKING) {
      if (outboxBytes > owner.settings().maxQueuedBytes()) {
        owner.close(this, SessionEnd.LIMIT, null);
      }
      return;
    }
    if (outboxBytes >= FrameLimits.MAX_SESSION_PLAINTEXT) {
      // A record's worth: hand it to the relay now, so that its congestion signal
      // (Sessions.isSendPaused) sees it before the stream layer reads more.
      flush();
      return;
    }
    if (!flushScheduled) {
      flushScheduled = true;
      owner.loop().execute(this::flush);
    }
  }

  /** The stream layer counts its open streams here: a session with streams is never idle. */
  public void streamOpened() {
    openStreams++;
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
        (nowNanos - startedNanos) / 1_000_000, Optional.ofNullable(end));
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

  void establish(Handshake.Established done, long now) {
    this.peerCertificate = done.peerCertificate();
    this.records = done.records();
    this.sealer = records.sealer();
    this.opener = records.opener();
    this.state = State.ESTABLISHED;
    this.establishedNanos = now;
    this.lastReceivedNanos = now;
    this.lastSentNanos = now;
    this.handshake = null;
    this.hello = null;
    if (!outbox.isEmpty() && !flushScheduled) {
      flushScheduled = true;
      owner.loop().execute(this::flush);
    }
  }

  void retire() {
    retiring = true;
  }

  void markClosed(SessionEnd why) {
    state = State.CLOSED;
    end = why;
    outbox.clear();
    outboxBytes = 0;
    if (handshake != null) {
      handshake.destroy();
      handshake = null;
    }
    if (records != null) {
      records.destroy();
      records = null;
    }
  }

  /**
   * Opens a RECORD body and decodes its stream frames. Returns null (and counts) for a record
   * that does not authenticate or was seen before; throws {@link LostRecordsException} for a
   * gap in the counters.
   */
  byte[] open(FrameBytes record, long now) throws RecordException, LostRecordsException {
    byte[] bytes = record.toByteArray();
    byte[] plain = opener.open(bytes, 0, bytes.length, aad);
    long counter = readCounter(bytes);
    if (counter != nextReceiveCounter) {
      throw new LostRecordsException(nextReceiveCounter, counter);
    }
    nextReceiveCounter++;
    recordsReceived++;
    bytesReceived += bytes.length;
    lastReceivedNanos = now;
    return plain;
  }

  private static long readCounter(byte[] record) {
    long c = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      c = (c << 8) | (record[i] & 0xFF);
    }
    return c;
  }

  /** Seals the outbox into records of at most {@link FrameLimits#MAX_SESSION_PLAINTEXT}. */
  void flush() {
    flushScheduled = false;
    if (state != State.ESTABLISHED || outbox.isEmpty()) {
      return;
    }
    int i = 0;
    try {
      while (i < outbox.size()) {
        int size = 0;
        int j = i;
        while (j < outbox.size()) {
          int s = StreamFrameCodec.encodedSize(outbox.get(j));
          if (size + s > FrameLimits.MAX_SESSION_PLAINTEXT) {
            break;
          }
          size += s;
          j++;
        }
        sendRecord(outbox.subList(i, j), size);
        i = j;
        if (state != State.ESTABLISHED) {
          return;
        }
      }
    } catch (RecordException e) {
      owner.close(this, SessionEnd.LIMIT, null);
      return;
    }
    outbox.clear();
    outboxBytes = 0;
    if (sealer.needsRehandshake()) {
      owner.retire(this);
    }
  }

  /**
   * One packet: {@code type | session id | counter | ciphertext | tag}, the plaintext encoded in
   * place and sealed over itself, the 9 header bytes as AAD.
   */
  private void sendRecord(List<StreamFrame> frames, int size) throws RecordException {
    int header = SessionFrameCodec.HEADER_SIZE;
    int plainOff = header + Long.BYTES; // after the record's counter
    byte[] packet = new byte[header + size + RecordLayer.OVERHEAD];
    System.arraycopy(aad, 0, packet, 0, header);
    ByteBuf out = Unpooled.wrappedBuffer(packet);
    out.writerIndex(plainOff);
    for (StreamFrame f : frames) {
      StreamFrameCodec.encode(f, out);
    }
    sealer.seal(packet, plainOff, size, aad, packet, header);
    recordsSent++;
    bytesSent += packet.length - header;
    lastSentNanos = owner.nanos();
    owner.sendPacket(this, FrameBytes.copyOf(packet));
  }

  /** Sends an empty record: "still here", for a peer that hears nothing else from us. */
  void sendKeepalive() {
    try {
      sendRecord(List.of(), 0);
    } catch (RecordException e) {
      owner.close(this, SessionEnd.LIMIT, null);
    }
  }

  @Override
  public String toString() {
    return "Session[" + peer.shortText() + " #" + Long.toUnsignedString(id, 16) + " " + state
        + (initiator ? " out" : " in") + "]";
  }

  /** A gap in the record counters: records were lost (or reordered) on the path. */
  static final class LostRecordsException extends Exception {
    LostRecordsException(long expected, long got) {
      super("record " + got + " (expected: " + expected + ")", null, false, false);
    }
  }
}
