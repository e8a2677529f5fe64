package io.staex.proxy.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ScheduledFuture;
import io.staex.crypto.Address;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.session.Session;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One TCP stream inside a session, with credit flow control each way.
 *
 * <p>Sending: this end may have at most the credit the peer granted in flight (OPEN's initial
 * window, then WINDOW frames; an opener starts with {@link FrameLimits#EARLY_STREAM_CREDIT}, so
 * a client's first bytes leave with the OPEN instead of a round trip later). Bytes written
 * beyond it, or while the relay is congested, wait here — at most one socket read's worth,
 * since {@link #wantsInput()} turns false as soon as either holds and the socket stops being
 * read. Receiving: the peer may send at most this end's window of bytes not yet {@link
 * #consumed} (plus the early credit: an acceptor keeps an opener's early bytes until its
 * service is connected, then grants its window); more is a protocol error that resets the
 * stream. So a paused reader holds at most one window (and the early credit) of memory and
 * stalls only its own stream.
 *
 * <p>The window starts at {@link StreamSettings#window()} and grows as TCP's and QUIC's receive
 * windows auto-tune: when the reader consumed more than half a window in less than about two
 * round trips (the sender was held by the window, not by the path or the reader), it doubles,
 * up to {@link StreamSettings#windowMax()} and as far as the node's budget for grown windows
 * ({@link StreamSettings#windowGrowthTotal()}) has room. The round trip is its session's
 * ({@link Session#rttNanos()}): a stream's own data cannot tell a sender held by the window
 * from one held by the path. A window grows only when its bytes were consumed, so a paused
 * reader never grows its window.
 *
 * <pre>
 *   OPEN, early DATA… ──▶ (WINDOW: connected) ──▶ DATA… / WINDOW… ──▶ FIN each way ──▶ done
 *     └──────────── RESET either way, or the session ends ──────────────▶ reset
 * </pre>
 *
 * <p><b>Not safe for concurrent use</b>: every method runs on the stream layer's event loop.
 */
public final class Stream {
  private final Streams layer;
  private final Session session;
  private final Address peer;
  private final long id;
  /** An exit stream's host beyond the exit (OPEN_HOST), or null for a service's port. */
  private final String host;
  private final int port;
  private final boolean outgoing;
  private StreamHandler handler;

  /** Outgoing: the peer accepted. Incoming: this node accepted. */
  private boolean connected;
  private boolean finished;
  private long sendCredit;
  /** Bytes read but not sent yet (credit or congestion); the head is sent from {@code headOff}. */
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private int headOff;
  private boolean finRequested;
  private boolean finSent;
  private boolean finReceived;
  /** Bytes the peer may still send before it needs a WINDOW. */
  private long receiveAllowed;
  /** Bytes delivered and consumed, not yet granted back. */
  private long unacked;
  /** This end's receive window: the most the peer may have sent and this end not consumed. */
  private int window;
  /** Bytes consumed since the stream started, and at the start of the tuning epoch. */
  private long consumedTotal;
  private long epochConsumed;
  private long epochStartNanos;
  /** Incoming, until accepted: the opener's early DATA, kept for the service (copies). */
  private ArrayDeque<FrameBytes> earlyData;
  private long bytesIn;
  private long bytesOut;
  /** When it was opened (this end's OPEN, or the peer's arrived), on the loop's ticker. */
  private final long openedNanos;
  /** When the peer last sent a frame for it (any but RESET; status: its quiet time). */
  private long heardNanos;
  /** Credit granted by {@link #check()}s and not yet taken back from a grant. */
  private long checkCredit;
  /** A check went since the peer last sent DATA or FIN: one per quiet spell. */
  private boolean checked;
  ScheduledFuture<?> openTimer;

  Stream(Streams layer, Session session, long id, String host, int port, boolean outgoing,
      long sendCredit, StreamHandler handler) {
    this(layer, session, session.peer(), id, host, port, outgoing, sendCredit, handler);
  }

  private Stream(Streams layer, Session session, Address peer, long id, String host, int port,
      boolean outgoing, long sendCredit, StreamHandler handler) {
    this.layer = layer;
    this.host = host;
    this.session = session;
    this.peer = peer;
    this.id = id;
    this.port = port;
    this.outgoing = outgoing;
    this.sendCredit = sendCredit;
    this.handler = handler;
    this.window = layer.settings().window();
    this.receiveAllowed = outgoing ? window : FrameLimits.EARLY_STREAM_CREDIT;
    this.openedNanos = layer.nanos();
    this.heardNanos = openedNanos;
    if (outgoing && session != null) {
      epochStartNanos = openedNanos; // OPEN grants the window
    }
  }

  public long id() {
    return id;
  }

  /** The port asked for at the peer (outgoing) or at this node (incoming). */
  public int port() {
    return port;
  }

  /**
   * The host beyond the exit node an exit stream goes to (an OPEN_HOST); empty for a stream to
   * a port of the peer's services.
   */
  public java.util.Optional<String> host() {
    return java.util.Optional.ofNullable(host);
  }

  /** The node at the other end. */
  public Address peer() {
    return peer;
  }

  /** An outgoing stream refused before it started (a local limit): already finished. */
  static Stream refusedHere(Streams layer, Address peer, int port, StreamHandler handler) {
    Stream s = new Stream(layer, null, peer, 0, null, port, true, 0, handler);
    s.finished = true;
    return s;
  }

  /** Whether this node opened it. */
  public boolean isOutgoing() {
    return outgoing;
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  /** True once it ended, cleanly or by reset. */
  public boolean isFinished() {
    return finished;
  }

  // ---- the application's side ----

  /** Incoming: the service is connected; the peer may send. */
  public void accept(StreamHandler handler) {
    layer.assertInLoop();
    if (finished || outgoing || connected) {
      return;
    }
    this.handler = Objects.requireNonNull(handler, "handler");
    connected = true;
    cancelOpenTimer();
    StreamWire.send(session, new StreamFrame.Window(id, window));
    receiveAllowed += window;
    epochStartNanos = layer.nanos();
    if (earlyData != null) {
      ArrayDeque<FrameBytes> early = earlyData;
      earlyData = null;
      for (FrameBytes data : early) {
        if (finished) {
          return;
        }
        handler.data(this, data);
      }
    }
  }

  /** Incoming: refused for {@code reason}; the peer's open fails with it. */
  public void refuse(ResetReason reason) {
    layer.assertInLoop();
    if (finished) {
      return;
    }
    StreamWire.send(session, new StreamFrame.Reset(id, reason));
    end();
  }

  /**
   * Sends the readable bytes of {@code data} (the caller keeps and releases it), at once as far
   * as credit goes, the rest when credit comes. Returns {@link #wantsInput()}.
   */
  public boolean write(ByteBuf data) {
    layer.assertInLoop();
    if (finished || finRequested || !data.isReadable()) {
      return wantsInput();
    }
    int end = data.writerIndex();
    // In order: straight from the socket's buffer unless older bytes are still waiting.
    int sent = pending.isEmpty() ? send(data, data.readerIndex(), end) : data.readerIndex();
    if (sent < end) {
      byte[] rest = new byte[end - sent];
      data.getBytes(sent, rest);
      pending.add(rest);
    }
    return wantsInput();
  }

  /** The application will send no more (its socket's input ended): FIN after what is queued. */
  public void finish() {
    layer.assertInLoop();
    if (finished || finRequested) {
      return;
    }
    finRequested = true;
    drain();
  }

  /** Ends the stream both ways for {@code reason}; the handler is not called. */
  public void reset(ResetReason reason) {
    layer.assertInLoop();
    if (finished) {
      return;
    }
    StreamWire.send(session, new StreamFrame.Reset(id, reason));
    end();
  }

  /** The application took {@code n} delivered bytes: grant them back when worth a frame. */
  public void consumed(int n) {
    if (finished || finReceived || n <= 0) {
      return;
    }
    unacked += n;
    consumedTotal += n;
    if (unacked >= window / 4) {
      long grant = unacked + grow();
      long repaid = Math.min(checkCredit, grant - 1); // a check's byte was granted already
      checkCredit -= repaid;
      grant -= repaid;
      StreamWire.send(session, new StreamFrame.Window(id, grant));
      receiveAllowed += grant;
      unacked = 0;
    }
  }

  // ---- a stream the peer may have forgotten ----

  /**
   * The session heard nothing from the peer for a while although this end holds streams
   * ({@link Streams#quiet}): a peer that still held this stream would have sent keepalives.
   * Sends a WINDOW of one byte, once per quiet spell (until the peer sends DATA or FIN): a peer
   * that holds the stream takes the byte of credit (taken back from this end's next grant);
   * one that does not answers RESET, which ends the stream here. Either way the record asks
   * for an ACK, so a live path is heard. Only a connected stream: an opening one has its open
   * timeout. Returns whether a check was sent.
   */
  boolean check() {
    if (finished || !connected || checked) {
      return false;
    }
    checked = true;
    checkCredit++;
    receiveAllowed++;
    StreamWire.send(session, new StreamFrame.Window(id, 1));
    return true;
  }

  /** Where it is, for status: opening, open, half-closed (which way), closing. */
  public String state() {
    if (finished) {
      return "closed";
    }
    if (!connected) {
      return outgoing ? "opening" : "accepting";
    }
    if (finSent || finRequested) {
      return finReceived ? "closing" : "half-closed-local";
    }
    return finReceived ? "half-closed-remote" : "open";
  }

  /** Milliseconds since it was opened. */
  long ageMillis() {
    return (layer.nanos() - openedNanos) / 1_000_000;
  }

  /** Milliseconds since the peer last sent a frame for it (datagrams too), or it opened. */
  long quietMillis() {
    return (layer.nanos() - heardNanos) / 1_000_000;
  }

  /** This end's receive window now (it grows: see the class comment). */
  public int window() {
    return window;
  }

  // ---- the window's auto-tuning ----

  /**
   * At a grant: the bytes the window grows by (0 mostly). Once more than half a window was
   * consumed in the epoch: if that took less than {@code 4 × fraction × rtt}, the window was
   * what held the sender, and it doubles as far as the maximum and the node's budget allow.
   */
  private int grow() {
    long inEpoch = consumedTotal - epochConsumed;
    if (inEpoch <= window / 2) {
      return 0;
    }
    long now = layer.nanos();
    int extra = 0;
    int max = layer.settings().windowMax();
    long rttNanos = session.rttNanos();
    if (rttNanos > 0 && window < max
        && now - epochStartNanos < 4.0 * inEpoch / window * rttNanos) {
      extra = layer.reserveWindowGrowth(this, Math.min(window, max - window));
      window += extra;
    }
    epochStartNanos = now;
    epochConsumed = consumedTotal;
    return extra;
  }

  /**
   * Sends the readable bytes of {@code data} as one datagram on {@code channel} (the caller
   * keeps and releases {@code data}; its indices do not move). Not counted against credit, and
   * not ordered with {@link #write}'s bytes. Allowed from the time the stream is connected
   * until it is finished, so also after {@link #finish()} or the peer's FIN (an RTSP session's
   * media may outlive a half-close). While the relay is congested it waits in the node's
   * bounded datagram queue, which drops its oldest entry when full ({@code docs/sessions.md}).
   *
   * @param channel 0~65535 (RTSP: the interleaved channel)
   * @return false if it was dropped here: the stream is not connected or finished, or {@code
   *     data} is larger than {@link FrameLimits#MAX_DATAGRAM} (both counted); true if it was
   *     sent or queued (a queued one may still be dropped for a newer one)
   * @throws IllegalArgumentException if {@code channel} is out of range
   */
  public boolean sendDatagram(int channel, ByteBuf data) {
    layer.assertInLoop();
    if (channel < 0 || channel > 0xFFFF) {
      throw new IllegalArgumentException("channel: " + channel + " (expected: 0~65535)");
    }
    if (finished || !connected) {
      layer.datagramNoStream(this, finished ? "finished" : "not connected yet", true);
      return false;
    }
    if (data.readableBytes() > FrameLimits.MAX_DATAGRAM) {
      layer.datagramTooBig(this, data.readableBytes());
      return false;
    }
    return layer.sendDatagram(this, new StreamFrame.Datagram(id, channel,
        FrameBytes.copyOf(data)));
  }

  /**
   * Whether reading more from the application is welcome now: credit left and the relay not
   * congested; for an opener also before the peer accepted, while the early credit lasts.
   */
  public boolean wantsInput() {
    return !finished && (connected || outgoing) && !finRequested && pending.isEmpty()
        && sendCredit > 0 && !layer.isSendPaused() && StreamWire.dataRoom(session) > 0;
  }

  // ---- from the peer (Streams) ----

  void onWindow(long credit) {
    if (sendCredit + credit > StreamFrame.MAX_U32 * 2) {
      protocolError("credit overflow");
      return;
    }
    sendCredit += credit;
    // not heard(): a check is a WINDOW, and one needs no answer
    heardNanos = session.lastReceivedNanos();
    if (outgoing && !connected) {
      connected = true;
      cancelOpenTimer();
      handler.connected(this);
      if (finished) {
        return;
      }
    }
    drain();
    if (wantsInput()) {
      handler.writable(this);
    }
  }

  void onData(FrameBytes data) {
    if ((outgoing && !connected) || finReceived) {
      protocolError(finReceived ? "DATA after FIN" : "DATA before the stream was accepted");
      return;
    }
    if (data.size() > receiveAllowed) {
      protocolError("DATA of " + data.size() + " bytes with " + receiveAllowed + " allowed"
          + (connected ? "" : " before the stream was accepted"));
      return;
    }
    receiveAllowed -= data.size();
    bytesIn += data.size();
    heard();
    if (!connected) {
      // early DATA of an opener: kept (a copy, not the record's array) until the service is in
      if (earlyData == null) {
        earlyData = new ArrayDeque<>();
      }
      earlyData.add(FrameBytes.adopt(data.toByteArray()));
      layer.earlyReceived(data.size());
      return;
    }
    handler.data(this, data);
  }

  /** The peer sent DATA or FIN: it holds the stream; a later quiet spell is checked again. */
  private void heard() {
    heardNanos = session.lastReceivedNanos();
    checked = false;
  }

  /** Whether a datagram from the peer is delivered now: connected and not finished. */
  boolean takesDatagrams() {
    return connected && !finished;
  }

  /** A datagram from the peer; check {@link #takesDatagrams()} first. */
  void onDatagram(int channel, FrameBytes data) {
    // a UDP flow or RTSP media may carry nothing else for long
    heardNanos = session.lastReceivedNanos();
    handler.datagram(this, channel, data);
  }

  void onFin() {
    if (!connected || finReceived) {
      // (an opener sends its FIN only once connected: see drain)
      protocolError(finReceived ? "a second FIN" : "FIN before the stream was accepted");
      return;
    }
    finReceived = true;
    heard();
    handler.fin(this);
    maybeDone();
  }

  void onReset(ResetReason reason) {
    if (finished) {
      return;
    }
    end();
    resetHandler(reason);
  }

  /** The session ended, or the open timed out: reset locally (and tell the peer if it can hear). */
  void abort(ResetReason reason, boolean tellPeer) {
    if (finished) {
      return;
    }
    if (tellPeer) {
      StreamWire.send(session, new StreamFrame.Reset(id, reason));
    }
    end();
    resetHandler(reason);
  }

  /**
   * Tells the handler the stream was reset. An incoming stream has none until it is accepted:
   * its acceptor (still connecting the service) finds it {@link #isFinished} instead.
   */
  private void resetHandler(ResetReason reason) {
    if (handler != null) {
      handler.reset(this, reason);
    }
  }

  void writableAgain() {
    if (finished) {
      return;
    }
    drain();
    if (wantsInput()) {
      handler.writable(this);
    }
  }

  private void protocolError(String what) {
    layer.protocolError(this, what);
    abort(ResetReason.PROTOCOL_ERROR, true);
  }

  /**
   * Sends queued bytes as far as credit goes and the relay is not congested, then the FIN if
   * asked for and due. Bytes read while the relay is congested wait here (one socket read at
   * most: the socket is not read again until they left) instead of overrunning its link queue.
   */
  private void drain() {
    while (!pending.isEmpty()) {
      byte[] head = pending.peek();
      headOff = send(Unpooled.wrappedBuffer(head), headOff, head.length);
      if (headOff < head.length) {
        break; // out of credit, or congested
      }
      pending.poll();
      headOff = 0;
    }
    if (finRequested && !finSent && pending.isEmpty() && (connected || !outgoing)) {
      finSent = true;
      StreamWire.send(session, new StreamFrame.Fin(id));
      maybeDone();
    }
  }

  /**
   * Sends {@code buf[index..end)} as DATA frames as far as credit goes and the relay is not
   * congested; returns where it stopped.
   */
  private int send(ByteBuf buf, int index, int end) {
    while (index < end && sendCredit > 0 && !layer.isSendPaused()) {
      int n = (int) Math.min(Math.min(end - index, sendCredit), StreamWire.dataRoom(session));
      if (n <= 0) {
        break; // a handshaking session's queue is full: more once it is established
      }
      StreamWire.sendData(session, id, buf, index, n);
      sendCredit -= n;
      bytesOut += n;
      index += n;
    }
    return index;
  }

  private void maybeDone() {
    if (finSent && finReceived) {
      end();
    }
  }

  private void end() {
    finished = true;
    cancelOpenTimer();
    if (window > layer.settings().window()) {
      layer.releaseWindowGrowth(window - layer.settings().window());
      window = layer.settings().window();
    }
    if (earlyData != null) {
      // refused, reset or timed out before the service was in
      layer.earlyDiscarded(earlyData.stream().mapToInt(FrameBytes::size).sum());
      earlyData = null;
    }
    pending.clear();
    headOff = 0;
    layer.remove(this);
  }

  private void cancelOpenTimer() {
    if (openTimer != null) {
      openTimer.cancel(false);
      openTimer = null;
    }
  }

  Session session() {
    return session;
  }

  @Override
  public String toString() {
    return "Stream[" + id + (outgoing ? " to " : " from ") + peer.shortText()
        + (host == null ? "" : " exit " + host) + ":" + port + "]";
  }
}
