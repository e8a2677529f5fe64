package io.staex.proxy.stream;

import io.netty.channel.EventLoop;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.loop.OnLoop;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.session.Session;
import io.staex.proxy.session.SessionEnd;
import io.staex.proxy.session.SessionListener;
import io.staex.proxy.session.SessionSettings;
import io.staex.proxy.session.Sessions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream layer: many TCP-like streams per session ({@code docs/streams.md}). It owns this
 * node's {@link Sessions} (wire their relay side with {@link #sessions()}), opens streams for
 * port forwards and SOCKS, and hands incoming ones to a {@link StreamAcceptor} (the services).
 *
 * <p>Stream ids: the session's initiator uses odd ids, the responder even ones, so both ends
 * may open streams on one session without colliding.
 *
 * <p>Threading: everything runs on the sessions' event loop; sockets bridged to streams should
 * be registered on it too ({@link #loop()}), so a byte goes from socket to record without a
 * thread hop. Its timer (the open timeout) is scheduled on that loop, so it runs on the loop's
 * ticker, as the sessions' do. The relay shares the loop too: its send gate arrives as {@link
 * #sendPaused} inside the send that closed it, and {@link #sendResumed} wakes the streams.
 */
public final class Streams implements SessionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Streams.class);

  private final Sessions sessions;
  private final StreamSettings settings;
  private final StreamAcceptor acceptor;
  /** Loop-confined, as every field below. */
  private final IdentityHashMap<Session, PerSession> bySession = new IdentityHashMap<>();
  private int streamCount;
  /** The relay's send gate, as its last event said. */
  private boolean sendPaused;
  private final LongAdder opened = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder refusedLimit = new LongAdder();
  private final LongAdder earlyBytesReceived = new LongAdder();
  private final LongAdder earlyBytesDiscarded = new LongAdder();
  private final LongAdder protocolErrors = new LongAdder();
  private final LongAdder framesNotHeld = new LongAdder();
  private final LongAdder streamsChecked = new LongAdder();
  /**
   * Datagrams waiting while the relay is congested, oldest first, across all sessions: one
   * bound for the node ({@link StreamSettings#datagramQueue}). Loop-confined.
   */
  private final ArrayDeque<QueuedDatagram> datagrams = new ArrayDeque<>();
  private final LongAdder datagramsSent = new LongAdder();
  private final LongAdder datagramsReceived = new LongAdder();
  private final LongAdder datagramsDroppedQueueFull = new LongAdder();
  private final LongAdder datagramsDroppedNoStream = new LongAdder();
  private final LongAdder datagramsDroppedTooBig = new LongAdder();
  /** Bytes all streams' windows grew beyond the first window ({@link #reserveWindowGrowth}). */
  private long windowGrowthHeld;
  private final LongAdder windowGrowths = new LongAdder();
  private final LongAdder windowGrowthsLimited = new LongAdder();

  /** A datagram waiting for the send gate, and the stream it belongs to. */
  private record QueuedDatagram(Stream stream, StreamFrame.Datagram frame) {}

  /** The streams of one session and the next id this end gives out. */
  /** Where the next {@link #wake} starts, counted up per wake-up. */
  private int wakeRound;

  private static final class PerSession {
    final Map<Long, Stream> streams = new HashMap<>();
    long nextId;

    PerSession(boolean initiator) {
      nextId = initiator ? 1 : 2;
    }
  }

  /** A stream layer, with its own session layer, for the node {@code me}. */
  public Streams(
      EventLoop loop, Identity me, Certificate certificate, TrustPolicy policy,
      SessionSettings sessionSettings, StreamSettings settings, Clock clock, SecureRandom random,
      StreamAcceptor acceptor) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
    this.sessions = new Sessions(
        loop, me, certificate, policy, sessionSettings, clock, random, this);
  }

  /** The session layer below: give it to the relay as its handler, then start it. */
  public Sessions sessions() {
    return sessions;
  }

  public EventLoop loop() {
    return sessions.loop();
  }

  public StreamSettings settings() {
    return settings;
  }

  /**
   * Opens a stream to {@code port} of {@code peer}. The handler hears {@link
   * StreamHandler#connected} once the peer accepted, or {@link StreamHandler#reset} (at once for
   * a local limit). Loop only.
   */
  public Stream open(Address peer, int port, StreamHandler handler) {
    return open(peer, null, port, handler);
  }

  /**
   * Opens a stream through the exit node {@code exit} to {@code host}:{@code port} beyond it
   * (an OPEN_HOST frame, {@code docs/exit.md}): the exit resolves {@code host} and decides.
   * Otherwise as {@link #open(Address, int, StreamHandler)}. Loop only.
   *
   * @param host a DNS name or an IP literal (IPv6 without brackets), at most 255 characters of
   *     letters, digits and {@code . - _ :}
   * @throws IllegalArgumentException for a host no OPEN_HOST can carry
   */
  public Stream openHost(Address exit, String host, int port, StreamHandler handler) {
    new StreamFrame.OpenHost(0, host, port, 0); // checks the host before anything is opened
    return open(exit, host, port, handler);
  }

  private Stream open(Address peer, String host, int port, StreamHandler handler) {
    assertInLoop();
    Objects.requireNonNull(handler, "handler");
    Optional<Session> s = sessions.connect(peer);
    if (s.isEmpty() || streamCount >= settings.maxStreams()) {
      return refusedAtOnce(peer, port, handler, s.isEmpty()
          ? "no session (limits.max-sessions, or shutting down)"
          : streamCount + " streams open (limits.max-streams)");
    }
    Session session = s.get();
    PerSession per = bySession.computeIfAbsent(session, k -> new PerSession(k.isInitiator()));
    if (per.streams.size() >= settings.maxStreamsPerSession()) {
      return refusedAtOnce(peer, port, handler, per.streams.size()
          + " streams in the session (limits.max-streams-per-session)");
    }
    long id = per.nextId;
    per.nextId += 2;
    Stream stream = new Stream(this, session, id, host, port, true,
        FrameLimits.EARLY_STREAM_CREDIT, handler);
    register(session, per, stream);
    opened.increment();
    StreamWire.send(session, host == null ? new StreamFrame.Open(id, port, settings.window())
        : new StreamFrame.OpenHost(id, host, port, settings.window()));
    stream.openTimer = loop().schedule(() -> {
      if (!stream.isFinished()) {
        log.info("{} not accepted in {}", stream, settings.openTimeout());
        stream.abort(ResetReason.TIMEOUT, true);
      }
    }, settings.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return stream;
  }

  private Stream refusedAtOnce(Address peer, int port, StreamHandler handler, String why) {
    refusedLimit.increment();
    log.warn("stream to {}:{} refused here: {}", peer.shortText(), port, why);
    Stream dead = Stream.refusedHere(this, peer, port, handler);
    loop().execute(() -> handler.reset(dead, ResetReason.LIMIT));
    return dead;
  }

  // ---- SessionListener ----

  @Override
  public void established(Session session) {
    PerSession per = bySession.computeIfAbsent(session, k -> new PerSession(k.isInitiator()));
    // early data held back by the handshake's queue bound may leave now
    for (Stream s : new ArrayList<>(per.streams.values())) {
      s.writableAgain();
    }
    drainDatagrams(); // its datagrams waited for room too
  }

  @Override
  public void received(Session session, FrameBytes plaintext) {
    List<StreamFrame> frames;
    try {
      frames = StreamWire.read(plaintext);
    } catch (FrameDecodeException e) {
      protocolErrors.increment();
      log.info("session {} ended: bad stream frames from the peer ({})", session, e.getMessage());
      session.protocolError();
      return;
    }
    PerSession per = bySession.computeIfAbsent(session, k -> new PerSession(k.isInitiator()));
    for (StreamFrame f : frames) {
      if (session.isClosed()) {
        return;
      }
      switch (f.type()) {
        case OPEN -> {
          StreamFrame.Open o = (StreamFrame.Open) f;
          onOpen(session, per, o.streamId(), null, o.port(), o.initialWindow());
        }
        case OPEN_HOST -> {
          StreamFrame.OpenHost o = (StreamFrame.OpenHost) f;
          onOpen(session, per, o.streamId(), o.host(), o.port(), o.initialWindow());
        }
        case DATA -> {
          Stream s = per.streams.get(((StreamFrame.Data) f).streamId());
          if (s != null) {
            s.onData(((StreamFrame.Data) f).data());
          } else {
            notHeld(session, f, ((StreamFrame.Data) f).streamId());
          }
        }
        case WINDOW -> {
          Stream s = per.streams.get(((StreamFrame.Window) f).streamId());
          if (s != null) {
            s.onWindow(((StreamFrame.Window) f).credit());
          } else {
            notHeld(session, f, ((StreamFrame.Window) f).streamId());
          }
        }
        case FIN -> {
          Stream s = per.streams.get(((StreamFrame.Fin) f).streamId());
          if (s != null) {
            s.onFin();
          } else {
            notHeld(session, f, ((StreamFrame.Fin) f).streamId());
          }
        }
        case RESET -> {
          Stream s = per.streams.get(((StreamFrame.Reset) f).streamId());
          if (s != null) {
            s.onReset(((StreamFrame.Reset) f).reason());
          }
        }
        case DATAGRAM -> onDatagram(session, per, (StreamFrame.Datagram) f);
      }
    }
  }

  /**
   * DATA, WINDOW or FIN for a stream this end does not hold (it ended here, or never was): the
   * peer still holds it, so it is told RESET CLOSED, or it would keep the stream (and its
   * session) open for good. Counted. A RESET is never answered (both ends ended it), nor a
   * DATAGRAM (lossy by design). The usual case is harmless: frames that crossed this end's
   * RESET or last FIN; the peer ended the stream already and ignores the answer.
   */
  private void notHeld(Session session, StreamFrame f, long id) {
    framesNotHeld.increment();
    log.debug("{} for stream {} of {}, which this node does not hold: RESET", f.type(), id,
        session);
    StreamWire.send(session, new StreamFrame.Reset(id, ResetReason.CLOSED));
  }

  /**
   * The session heard nothing from its peer for two keepalive intervals, although this end
   * holds streams in it: a peer that held any of them would have sent keepalives, so they may
   * be open at this end only (issue 14). Each connected one is checked once per quiet spell
   * ({@link Stream#check}): a peer without it answers RESET and it ends here.
   */
  @Override
  public void quiet(Session session) {
    PerSession per = bySession.get(session);
    if (per == null) {
      return;
    }
    int n = 0;
    for (Stream s : new ArrayList<>(per.streams.values())) {
      if (s.check()) {
        n++;
      }
    }
    if (n > 0) {
      streamsChecked.add(n);
      log.debug("session {}: nothing from the peer while {} streams are open: {} checked",
          session, per.streams.size(), n);
    }
  }

  /**
   * A datagram from the peer: to its stream's handler, or dropped and counted (an unknown id, a
   * stream not connected yet or finished). Never an error that touches other streams.
   */
  private void onDatagram(Session session, PerSession per, StreamFrame.Datagram g) {
    Stream s = per.streams.get(g.streamId());
    if (s == null || !s.takesDatagrams()) {
      datagramsDroppedNoStream.increment();
      log.debug("datagram for stream {} from {} dropped: {}", g.streamId(), session,
          s == null ? "no such stream" : "stream not connected or finished");
      return;
    }
    datagramsReceived.increment(); // before the handler runs: what it does may be seen first
    s.onDatagram(g.channel(), g.data());
  }

  private void onOpen(Session session, PerSession per, long id, String host, int port,
      long initialWindow) {
    boolean theirs = (id & 1) == (session.isInitiator() ? 0 : 1);
    if (!theirs || id == 0 || per.streams.containsKey(id)) {
      protocolErrors.increment();
      log.info("OPEN {} from {} refused: id not the peer's to give or in use", id, session);
      StreamWire.send(session, new StreamFrame.Reset(id, ResetReason.PROTOCOL_ERROR));
      return;
    }
    String limit = per.streams.size() >= settings.maxStreamsPerSession()
        ? per.streams.size() + " streams in the session (limits.max-streams-per-session)"
        : streamCount >= settings.maxStreams()
            ? streamCount + " streams open (limits.max-streams)" : null;
    if (limit != null) {
      refusedLimit.increment();
      log.warn("stream from {} to port {} refused: {}", session.peer(), port, limit);
      StreamWire.send(session, new StreamFrame.Reset(id, ResetReason.LIMIT));
      return;
    }
    Stream stream = new Stream(this, session, id, host, port, false, initialWindow, null);
    register(session, per, stream);
    accepted.increment();
    stream.openTimer = loop().schedule(() -> {
      if (!stream.isFinished()) {
        stream.refuse(ResetReason.TIMEOUT);
      }
    }, settings.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
    if (host == null) {
      acceptor.open(stream, session.peerCertificate().orElseThrow());
    } else {
      acceptor.openHost(stream, session.peerCertificate().orElseThrow());
    }
  }

  @Override
  public void closed(Session session, SessionEnd why) {
    PerSession per = bySession.get(session);
    if (per == null) {
      return;
    }
    ResetReason reason = switch (why) {
      case REFUSED, UNTRUSTED, REVOKED, EXPIRED -> ResetReason.NOT_ALLOWED;
      case UNREACHABLE -> ResetReason.UNREACHABLE;
      case TIMEOUT -> ResetReason.TIMEOUT;
      case LIMIT -> ResetReason.LIMIT;
      default -> ResetReason.SESSION_ENDED;
    };
    // Aborted while the session's table is still there, so each one is counted out by remove().
    for (Stream s : new ArrayList<>(per.streams.values())) {
      s.abort(reason, false);
    }
    bySession.remove(session);
  }

  @Override
  public void sendPaused() {
    sendPaused = true;
  }

  @Override
  public void writable(Session session) {
    drainDatagrams(); // datagrams queued while the session had no room go first, in order
    PerSession per = bySession.get(session);
    if (per == null) {
      return;
    }
    wake(new ArrayList<>(per.streams.values()));
  }

  /**
   * Tells {@code streams} they may send again, starting one further along each time: the
   * first ones woken take the room there is, so a fixed order would starve the last ones
   * (100 streams on one session: a third got nothing in the testbed's {@code wan}).
   */
  private void wake(List<Stream> streams) {
    int n = streams.size();
    if (n == 0) {
      return;
    }
    int first = Math.floorMod(wakeRound++, n);
    for (int i = 0; i < n; i++) {
      streams.get((first + i) % n).writableAgain();
    }
  }

  @Override
  public void sendResumed() {
    sendPaused = false;
    drainDatagrams();
    List<Stream> all = new ArrayList<>();
    for (PerSession per : bySession.values()) {
      all.addAll(per.streams.values());
    }
    wake(all);
  }

  // ---- for Stream ----

  /** An opener's early DATA, kept until the service is connected. */
  void earlyReceived(int bytes) {
    earlyBytesReceived.add(bytes);
  }

  /** Early DATA of a stream that ended before its service was connected, dropped. */
  void earlyDiscarded(int bytes) {
    earlyBytesDiscarded.add(bytes);
  }

  /**
   * Whether streams should stop reading their sockets: the relay closed its send gate ({@link
   * #sendPaused}, told synchronously inside the send that closed it) and has not reopened it.
   */
  boolean isSendPaused() {
    return sendPaused;
  }

  /**
   * Sends {@code frame} for {@code stream} now, or queues it while the relay is congested, its
   * session keeps {@code limits.session-retransmit-bytes} unacknowledged (a path that is gone),
   * or older ones wait; the oldest queued one is dropped when the queue is full. The drop
   * happens here, before sealing: a sealed record is kept until the peer acknowledges it, so
   * fresh media never waits behind stale. Returns true (sent or queued).
   */
  boolean sendDatagram(Stream stream, StreamFrame.Datagram frame) {
    if (datagrams.isEmpty() && !isSendPaused() && fits(stream, frame)) {
      datagramsSent.increment(); // before: the echo of it may be read on another thread first
      StreamWire.send(stream.session(), frame);
      return true;
    }
    if (datagrams.size() >= settings.datagramQueue()) {
      QueuedDatagram oldest = datagrams.poll();
      datagramsDroppedQueueFull.increment();
      log.debug("datagram of {} dropped: queue full (limits.datagram-queue = {})",
          oldest.stream(), settings.datagramQueue());
    }
    datagrams.add(new QueuedDatagram(stream, frame));
    drainDatagrams(); // a no-op while paused: sendResumed drains
    return true;
  }

  /** Whether {@code stream}'s session has room for {@code frame} ({@link Session#queueRoom}). */
  private static boolean fits(Stream stream, StreamFrame.Datagram frame) {
    return stream.session().queueRoom() >= frame.data().size() + StreamWire.HANDSHAKE_RESERVE;
  }

  /**
   * Sends queued datagrams, oldest first, while the relay takes them; those of a session with
   * no room stay queued, in order, until its {@link #writable} (others' go on meanwhile).
   */
  private void drainDatagrams() {
    List<QueuedDatagram> waiting = null;
    Set<Session> full = null;
    while (!datagrams.isEmpty() && !isSendPaused()) {
      QueuedDatagram q = datagrams.poll();
      if (q.stream().isFinished()) {
        datagramNoStream(q.stream(), "finished while queued", false);
        continue;
      }
      Session session = q.stream().session();
      if ((full != null && full.contains(session)) || !fits(q.stream(), q.frame())) {
        if (waiting == null) {
          waiting = new ArrayList<>();
          full = new HashSet<>();
        }
        full.add(session);
        waiting.add(q);
        continue;
      }
      datagramsSent.increment();
      StreamWire.send(session, q.frame());
    }
    if (waiting != null) {
      for (int i = waiting.size() - 1; i >= 0; i--) {
        datagrams.addFirst(waiting.get(i));
      }
    }
  }

  /** The loop's ticker now: what the streams' round trips are measured on. */
  long nanos() {
    return loop().ticker().nanoTime();
  }

  /**
   * {@code stream}'s window would grow by {@code wanted} bytes: returns how many the node's
   * budget ({@link StreamSettings#windowGrowthTotal}) gives it, which it holds until it ends.
   */
  int reserveWindowGrowth(Stream stream, int wanted) {
    long room = settings.windowGrowthTotal() - windowGrowthHeld;
    int got = (int) Math.max(0, Math.min(wanted, room));
    if (got < wanted) {
      windowGrowthsLimited.increment();
      log.debug("{}: window grows by {} of {} bytes: limits.stream-window-growth-total ({}) is"
          + " taken", stream, got, wanted, settings.windowGrowthTotal());
    }
    if (got > 0) {
      windowGrowthHeld += got;
      windowGrowths.increment();
    }
    return got;
  }

  /** A stream whose window had grown by {@code bytes} ended. */
  void releaseWindowGrowth(int bytes) {
    windowGrowthHeld -= bytes;
  }

  /**
   * Bytes the streams' windows have grown beyond their first window, all together (at most
   * {@link StreamSettings#windowGrowthTotal}). Any thread.
   */
  public long windowGrowthHeld() {
    return query(() -> windowGrowthHeld);
  }

  void datagramNoStream(Stream stream, String why, boolean local) {
    datagramsDroppedNoStream.increment();
    log.debug("datagram {} {} dropped: stream {}", local ? "to" : "queued for", stream, why);
  }

  void datagramTooBig(Stream stream, int size) {
    datagramsDroppedTooBig.increment();
    log.debug("datagram of {} bytes to {} dropped: larger than {}", size, stream,
        FrameLimits.MAX_DATAGRAM);
  }

  private void register(Session session, PerSession per, Stream stream) {
    per.streams.put(stream.id(), stream);
    streamCount++;
    session.streamOpened();
  }

  void remove(Stream stream) {
    Session session = stream.session();
    if (session == null) {
      return;
    }
    PerSession per = bySession.get(session);
    if (per != null && per.streams.remove(stream.id()) == stream) {
      streamCount--;
      session.streamClosed();
    }
  }

  void protocolError(Stream stream, String what) {
    protocolErrors.increment();
    log.info("{} reset: the peer broke the stream protocol ({})", stream, what);
  }

  void assertInLoop() {
    if (!loop().inEventLoop()) {
      throw new IllegalStateException("streams are confined to their event loop");
    }
  }

  // ---- status ----

  /** Open streams now (any thread). */
  public int streamCount() {
    return query(() -> streamCount);
  }

  /** The open streams, for status displays (any thread). */
  public List<StreamInfo> streams() {
    return query(() -> {
      List<StreamInfo> out = new ArrayList<>();
      for (PerSession per : bySession.values()) {
        for (Stream s : per.streams.values()) {
          out.add(new StreamInfo(s.peer(), s.id(), s.port(), s.isOutgoing(), s.bytesIn(),
              s.bytesOut(), s.state(), s.ageMillis(), s.quietMillis()));
        }
      }
      return out;
    });
  }

  /**
   * Resets every incoming stream for which {@code verdict} (its port and the opener's
   * certificate) gives a reason, telling the peer that reason: a reload took its service away
   * or its opener off the allow list. Any thread but the loop's; returns how many were reset.
   */
  public int resetIncoming(BiFunction<Integer, Certificate, Optional<ResetReason>> verdict) {
    return query(() -> {
      List<Stream> doomed = new ArrayList<>();
      List<ResetReason> reasons = new ArrayList<>();
      for (Map.Entry<Session, PerSession> e : bySession.entrySet()) {
        Optional<Certificate> peer = e.getKey().peerCertificate();
        for (Stream s : e.getValue().streams.values()) {
          if (s.isOutgoing() || s.isFinished() || peer.isEmpty()) {
            continue;
          }
          Optional<ResetReason> why = verdict.apply(s.port(), peer.get());
          if (why.isPresent()) {
            doomed.add(s);
            reasons.add(why.get());
          }
        }
      }
      for (int i = 0; i < doomed.size(); i++) {
        log.info("{} reset ({}): the reloaded configuration no longer allows it", doomed.get(i),
            reasons.get(i));
        doomed.get(i).abort(reasons.get(i), true);
      }
      return doomed.size();
    });
  }

  /**
   * Streams this node opened, accepted, refused for a limit, and reset for protocol errors;
   * datagrams sent, received and dropped (any thread).
   */
  public StreamCounters counters() {
    return new StreamCounters(opened.sum(), accepted.sum(), refusedLimit.sum(),
        protocolErrors.sum(), datagramsSent.sum(), datagramsReceived.sum(),
        datagramsDroppedQueueFull.sum(), datagramsDroppedNoStream.sum(),
        datagramsDroppedTooBig.sum(), earlyBytesReceived.sum(), earlyBytesDiscarded.sum(),
        windowGrowths.sum(), windowGrowthsLimited.sum(), framesNotHeld.sum(),
        streamsChecked.sum());
  }

  private <T> T query(Callable<T> q) {
    return OnLoop.call(loop(), q);
  }

  /** Ends every session (and so every stream). */
  @Override
  public void close() {
    sessions.close();
  }
}
