package io.staex.proxy.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Handshake;
import io.staex.crypto.HandshakeException;
import io.staex.crypto.Identity;
import io.staex.crypto.Purpose;
import io.staex.crypto.RecordException;
import io.staex.crypto.Rejection;
import io.staex.crypto.TrustPolicy;
import io.staex.crypto.Verdict;
import io.staex.proxy.loop.OnLoop;
import io.staex.proxy.frame.CloseReason;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.SessionFrame;
import io.staex.proxy.frame.SessionFrameCodec;
import io.staex.proxy.frame.SessionFrameType;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.loop.LogEvery;
import io.staex.proxy.loop.RateLimiter;
import io.staex.proxy.relay.PacketSender;
import io.staex.proxy.relay.RelayHandler;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's end-to-end sessions: Noise IK handshakes carried in packets ({@code
 * docs/sessions.md}), then authenticated records whose plaintexts are handed to a {@link
 * SessionListener} (the stream layer, which reads its frames out of them).
 *
 * <p>Per incoming packet, cheapest check first:
 * <pre>
 *   decode session frame        not one            → drop (malformed)
 *   HELLO    known (peer, id)   same bytes         → resend WELCOME; else drop
 *            cookie MAC valid   over source budget → drop (rateLimited)
 *                     bad                          → badCookies, then as without one
 *            no valid cookie    over source budget
 *                               or node budget     → COOKIE to the claimed source (no DH)
 *            maxSessions / per peer                → CLOSE LIMIT (before any DH)
 *            Noise + certificate + trust policy    → CLOSE REFUSED (never says why)
 *            proven key ≠ packet source            → CLOSE REFUSED
 *            handshake time not after the last one → drop (a replayed HELLO)
 *            → WELCOME, established
 *   WELCOME  our handshaking session               → established, queued messages leave
 *   RECORD   unknown id                            → CLOSE UNKNOWN_SESSION
 *            does not open / replayed              → drop (a relay flipped a bit, a duplicate)
 *            a later counter than the next         → dropped, NACK (send again from next)
 *            an earlier one (sent again)           → dropped, ACK again
 *            sealed control: probe / answer / close → answer / probe done / ended
 *            sealed control: ACK / NACK            → kept records freed / sent again
 *   CLOSE    our handshaking session               → ended (REFUSED, LIMIT, PEER_CLOSED)
 *            our established session               → probe (a CLOSE is not authenticated)
 *   UNREACHABLE notice: quote of a packet we sent  → a handshaking session ends UNREACHABLE;
 *                                                    an established one waits for its path
 *                       contradicts what we sent   → ignored, counted forged
 *                       too old to check           → counted; the session waits for its path
 *   records unacknowledged for sessions.path-grace → the session ends UNREACHABLE
 *   COOKIE   our handshaking session, < 3 taken    → HELLO again with the cookie's MAC
 *            else                                  → drop (cookiesDropped)
 * </pre>
 *
 * <p>Refusals a flood can cause one of per packet are counted and logged at most once per
 * {@link #LOG_INTERVAL}.
 *
 * <p>Threading: everything runs on one {@link EventLoop}, which the relay shares (the node's
 * owner loop): the relay calls {@link #packet}, {@link #sendPaused} and {@link #sendResumed} on
 * it, synchronously, and {@link PacketSender#send} there is handled at once. {@link #packet} and
 * {@link #unreachable} called from another thread hop onto it; {@link #connect} and {@link
 * Session}'s methods must be called on it. Status accessors work from any thread.
 *
 * <p>Time: timers run on the loop and every age is measured on its {@link EventLoop#ticker()
 * ticker} (HELLO retransmission, handshake, idle and silence timeouts, keepalives, rekey);
 * wall time (handshake timestamps, certificate validity, the HELLO rate limit) comes from the
 * clock. A test gives both as one manual clock and its loop.
 */
public final class Sessions implements RelayHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sessions.class);
  /** How often the timers are checked: each of them fires up to this late. */
  static final Duration TICK = Duration.ofMillis(200);
  /** Cookies one handshake of ours takes at most (a secret rotated, a forged one came first). */
  static final int MAX_COOKIES = 3;
  /** Refusals and ignored notices log one line per this interval, not one per packet. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  /** Pings waiting for their answer at most (the control socket asks one at a time). */
  static final int MAX_PINGS = 16;

  private final EventLoop loop;
  private final Identity me;
  /** This node's certificate; a renewed one ({@link #renew}) is presented from then on. */
  private volatile Certificate certificate;
  private final TrustPolicy policy;
  private final SessionSettings settings;
  private final Clock clock;
  private final SecureRandom random;
  private final SessionListener listener;
  private final SessionCounters counters = new SessionCounters();
  /** HELLOs without a valid cookie, per claimed source: over it, a COOKIE instead of DH. */
  private final HelloBudget<NodeKey> helloLimiter;
  /** HELLOs with a valid cookie, per (proven) source: over it, dropped. */
  private final RateLimiter<NodeKey> provenLimiter;
  /** HELLOs without a valid cookie from all sources: over it, a COOKIE instead of DH. */
  private final HelloBudget<Boolean> nodeLimiter;
  private final HelloCookies cookies;
  /** Refusals a flood could cause one of per packet: logged at most once per interval. */
  private final LogEvery refusedLog = new LogEvery(LOG_INTERVAL);
  private final LogEvery loadLog = new LogEvery(LOG_INTERVAL);
  private final LogEvery badCookieLog = new LogEvery(LOG_INTERVAL);
  private final LogEvery cookieDropLog = new LogEvery(LOG_INTERVAL);
  private final LogEvery limitLog = new LogEvery(LOG_INTERVAL);
  private final LogEvery forgedLog = new LogEvery(LOG_INTERVAL);
  private final LogEvery perPeerLog = new LogEvery(LOG_INTERVAL);
  private final LogEvery pathLog = new LogEvery(LOG_INTERVAL);
  private final LogEvery probeLimitLog = new LogEvery(LOG_INTERVAL);
  private final LogEvery keptLog = new LogEvery(LOG_INTERVAL);
  /** Probes of each peer answered (its session checks, its pings): over it, unanswered. */
  private final RateLimiter<NodeKey> probeAnswerLimiter;
  /** Pings of ours waiting for their answer, by nonce; at most {@link #MAX_PINGS}. */
  private final Map<Long, Ping> pings = new HashMap<>();

  /** Every live session by (peer, id). Loop-confined, as all fields below. */
  private final Map<NodeKey, Map<Long, Session>> byPeer = new HashMap<>();
  private int sessionCount;
  /** Bytes of sent records all sessions keep until acknowledged (status reads it too). */
  private volatile long keptTotal;
  /**
   * Arrays that records were filled and sealed in, then copied out of because the records were
   * small ({@link #recordArrayFree}): the next record to fill takes one ({@link #recordArray})
   * instead of a fresh 64 KiB array. They hold only headers and ciphertext; at most {@link
   * #SPARE_RECORD_ARRAYS}.
   */
  private final java.util.ArrayDeque<byte[]> spareRecordArrays = new java.util.ArrayDeque<>();
  /** The session new streams to a peer go on: the newest usable one. */
  private final Map<NodeKey, Session> current = new HashMap<>();
  /** The newest handshake time accepted from each peer: a HELLO not after it is a replay. */
  private final Map<NodeKey, Instant> lastHelloTime;
  /** The handshake time of this node's last HELLO, epoch millis ({@link #helloClock}). */
  private long lastHelloMillis = Long.MIN_VALUE;
  private PacketSender sender;
  private ScheduledFuture<?> timers;
  private boolean closed;

  /**
   * A session layer for the node {@code me} (certified by {@code certificate}), checking peers
   * against {@code policy} for {@link Purpose#SESSION}. Nothing is sent until {@link #start}.
   */
  public Sessions(
      EventLoop loop, Identity me, Certificate certificate, TrustPolicy policy,
      SessionSettings settings, Clock clock, SecureRandom random, SessionListener listener) {
    this.loop = Objects.requireNonNull(loop, "loop");
    this.me = Objects.requireNonNull(me, "me");
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.helloLimiter = new HelloBudget<>(
        settings.handshakesPerSecondPerPeer(), RateLimiter.DEFAULT_MAX_SOURCES, clock);
    this.provenLimiter = new RateLimiter<>(
        settings.handshakesPerSecondPerPeer(), RateLimiter.DEFAULT_MAX_SOURCES, clock);
    this.nodeLimiter = new HelloBudget<>(settings.handshakesPerSecond(), 1, clock);
    this.probeAnswerLimiter = new RateLimiter<>(
        settings.probeAnswersPerSecondPerPeer(), RateLimiter.DEFAULT_MAX_SOURCES, clock);
    this.cookies = new HelloCookies(random, loop.ticker().nanoTime());
    int keep = Math.max(1024, 2 * settings.maxSessions());
    this.lastHelloTime = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<NodeKey, Instant> eldest) {
        return size() > keep;
      }
    };
  }

  /** Starts sending through {@code sender} (the relay) and the timers; packets before are dropped. */
  public void start(PacketSender sender) {
    Objects.requireNonNull(sender, "sender");
    loop.execute(() -> {
      this.sender = sender;
      timers = loop.scheduleAtFixedRate(
          this::tick, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
    });
  }

  /** The loop everything runs on; the stream layer registers its sockets here. */
  public EventLoop loop() {
    return loop;
  }

  /** This node's address. */
  public Address address() {
    return me.address();
  }

  public SessionSettings settings() {
    return settings;
  }

  public SessionCounters counters() {
    return counters;
  }

  /**
   * The session new streams to {@code peer} should use: the current one if it takes streams,
   * else a new handshake (frames sent on it wait for the handshake). Empty when {@code
   * maxSessions} is reached. Loop only.
   */
  public Optional<Session> connect(Address peer) {
    assertInLoop();
    NodeKey key = NodeKey.of(peer);
    Session s = current.get(key);
    if (s != null && !s.isClosed() && !s.isRetiring()) {
      return Optional.of(s);
    }
    if (closed || sender == null) {
      return Optional.empty();
    }
    if (peer.equals(me.address())) {
      throw new IllegalArgumentException("session to this node itself: " + peer);
    }
    if (sessionCount >= settings.maxSessions()) {
      counters.limited.increment();
      log.warn("session to {} refused: {} sessions already (limits.max-sessions)",
          peer, settings.maxSessions());
      return Optional.empty();
    }
    if (sessionsWith(key) >= settings.maxSessionsPerPeer()) {
      perPeerLimited(key, "to");
      return Optional.empty();
    }
    long now = nanos();
    long id = newId(key);
    Session session = new Session(this, key, peer, id, true, now);
    Handshake hs = Handshake.initiator(
        me, certificate, peer, policy, Purpose.SESSION, helloClock(), random);
    session.handshake = hs;
    session.hello = hs.writeMessage(new byte[0]);
    session.retryIntervalNanos = settings.helloRetry().toNanos();
    session.nextRetryNanos = now + session.retryIntervalNanos;
    add(session);
    current.put(key, session);
    counters.opened.increment();
    log.debug("session {} opening", session);
    sendFrame(key, session.helloSent(now));
    return Optional.of(session);
  }

  /**
   * The clock for a new HELLO: the wall clock, moved just enough ahead that this HELLO's time
   * (whole milliseconds) is after the last one's. A peer drops a HELLO whose time is not after
   * the last it accepted from us, so two sessions begun in one millisecond (the first one
   * ended here only, say, by an UNREACHABLE) would otherwise leave the second one unanswered
   * until its handshake timed out.
   */
  private Clock helloClock() {
    long now = clock.millis();
    long time = Math.max(now, lastHelloMillis + 1);
    lastHelloMillis = time;
    return time == now ? clock : Clock.offset(clock, Duration.ofMillis(time - now));
  }

  private long newId(NodeKey peer) {
    Map<Long, Session> mine = byPeer.get(peer);
    long id;
    do {
      id = random.nextLong();
    } while (mine != null && mine.containsKey(id));
    return id;
  }

  // ---- from the relay (on the loop; packet and unreachable also from any thread) ----

  /** A packet for this node: one session frame. Handled at once on the loop. */
  @Override
  public void packet(NodeKey source, FrameBytes payload) {
    packet(source, payload, -1);
  }

  /**
   * A packet for this node that arrived with {@code ttl} (-1: unknown), which tells a ping's
   * answer how many relays it crossed. Handled at once on the loop.
   */
  @Override
  public void packet(NodeKey source, FrameBytes payload, int ttl) {
    if (loop.inEventLoop()) {
      onPacket(source, payload, ttl);
    } else {
      loop.execute(() -> onPacket(source, payload, ttl));
    }
  }

  /**
   * A packet this node sent to {@code destination} could not leave this node (its own relay saw
   * it fail, so this is true): every session with that peer ends {@link SessionEnd#UNREACHABLE}.
   * Handled in a task of its own: it may come from inside a send of ours (a full link queue) and
   * ends sessions, which send CLOSEs.
   */
  @Override
  public void unreachable(NodeKey destination, UnreachableReason reason) {
    loop.execute(() -> {
      Map<Long, Session> sessions = byPeer.get(destination);
      if (sessions == null) {
        return;
      }
      for (Session s : new ArrayList<>(sessions.values())) {
        if (s.state() == Session.State.ESTABLISHED) {
          // the path may come back (a parent failover, a relay restart): the session keeps its
          // records and sends them again; it ends only after sessions.path-grace without one
          pathDown(s, reason);
          continue;
        }
        log.info("session {} ended: peer unreachable ({})", s, reason);
        close(s, SessionEnd.UNREACHABLE, null);
      }
    });
  }

  private void pathDown(Session s, UnreachableReason reason) {
    counters.pathDown.increment();
    if (pathLog.due(nanos())) {
      log.info("session {}: no path to the peer now ({}); its records wait up to {} ({} so far,"
          + " logged once per {})", s, reason, settings.pathGrace(), counters.pathDown(),
          LOG_INTERVAL);
    }
  }

  /**
   * An UNREACHABLE notice from the network: unauthenticated, so it ends a session only if its
   * quote is of a packet that session sent recently (only a node on the path saw it). A quote
   * that contradicts what was sent is forged and changes nothing; one too old to check starts
   * one authenticated probe of the session, which ends only if the probe goes unanswered.
   */
  @Override
  public void unreachableNotice(NodeKey destination, UnreachableReason reason, FrameBytes quote) {
    loop.execute(() -> onNotice(destination, reason, quote));
  }

  private void onNotice(NodeKey destination, UnreachableReason reason, FrameBytes quote) {
    if (closed || sender == null) {
      return;
    }
    Session s = quote.size() < SessionFrameCodec.HEADER_SIZE ? null
        : find(destination, quote.read((a, off, len) -> readLong(a, off + 1)));
    if (s == null) {
      boolean aboutClose = !quote.isEmpty()
          && quote.read((a, off, len) -> a[off]) == SessionFrameType.CLOSE.code();
      if (aboutClose) {
        counters.unreachableIgnored.increment(); // a CLOSE of ours: that session is gone anyway
        return;
      }
      forgedNotice(destination, reason, "it quotes no session of ours");
      return;
    }
    switch (s.check(quote)) {
      case MATCH -> {
        counters.unreachableVerified.increment();
        if (s.state() == Session.State.ESTABLISHED) {
          pathDown(s, reason);
          return;
        }
        log.info("session {} ended: peer unreachable ({})", s, reason);
        close(s, SessionEnd.UNREACHABLE, null);
      }
      case FORGED -> forgedNotice(destination, reason, "its quote is not what " + s + " sent");
      case UNCHECKABLE -> {
        // (a probe would end the session within the probe timeout while the path is down;
        // records that go unacknowledged for sessions.path-grace end it instead)
        counters.unreachableUnverified.increment();
        log.debug("UNREACHABLE ({}) about {} quotes a packet too old to check", reason, s);
      }
    }
  }

  private void forgedNotice(NodeKey destination, UnreachableReason reason, String why) {
    counters.unreachableForged.increment();
    if (forgedLog.due(nanos())) {
      log.warn("UNREACHABLE ({}) about {} ignored: {} (forged; {} so far, logged once per {})",
          reason, destination, why, counters.unreachableForged(), LOG_INTERVAL);
    }
  }

  /**
   * Sends {@code s} one probe the peer must answer within {@code sessions.probe-timeout},
   * unless one waits already; unanswered, the session ends {@code end}.
   */
  private void probe(Session s, SessionEnd end) {
    if (s.probe(random.nextLong(), nanos() + settings.probeTimeout().toNanos(), end)) {
      counters.probes.increment();
    }
  }

  private static long readLong(byte[] a, int off) {
    long v = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      v = (v << 8) | (a[off + i] & 0xFF);
    }
    return v;
  }

  /**
   * The relay's links ahead are congested: the stream layer should stop reading sockets. On the
   * loop, inside the send that closed the gate; passed on at once.
   */
  @Override
  public void sendPaused() {
    assertInLoop();
    listener.sendPaused();
  }

  /** The congestion cleared; on the loop, passed on at once. */
  @Override
  public void sendResumed() {
    assertInLoop();
    listener.sendResumed();
  }

  private void onPacket(NodeKey source, FrameBytes payload, int ttl) {
    if (sender == null || closed) {
      return;
    }
    SessionFrame frame;
    try {
      frame = SessionFrameCodec.decode(payload);
    } catch (FrameDecodeException e) {
      counters.malformed.increment();
      log.debug("packet from {} dropped: {}", source, e.getMessage());
      return;
    }
    switch (frame.type()) {
      case HELLO, HELLO_WITH_COOKIE -> onHello(source, (SessionFrame.SessionHello) frame);
      case COOKIE -> onCookie(source, (SessionFrame.SessionCookie) frame);
      case WELCOME -> onWelcome(source, (SessionFrame.SessionWelcome) frame);
      case RECORD -> onRecord(source, (SessionFrame.SessionRecord) frame, ttl);
      case CLOSE -> onClose(source, (SessionFrame.SessionClose) frame);
    }
  }

  private void onHello(NodeKey source, SessionFrame.SessionHello hello) {
    long id = hello.sessionId();
    byte[] msg = hello.noiseMessage().toByteArray();
    Session known = find(source, id);
    if (known != null) {
      if (!known.isInitiator() && Arrays.equals(known.answeredHello, msg)) {
        sendFrame(source, new SessionFrame.SessionWelcome(id, FrameBytes.copyOf(known.welcome)));
      }
      return;
    }
    long now = nanos();
    if (!admit(source, hello, msg, now)) {
      return;
    }
    if (sessionCount >= settings.maxSessions()) {
      counters.limited.increment();
      if (limitLog.due(now)) {
        log.warn("session from {} refused: {} sessions already (limits.max-sessions){}", source,
            settings.maxSessions(), limitLog.takeSkipped());
      }
      sendFrame(source, new SessionFrame.SessionClose(id, CloseReason.LIMIT));
      return;
    }
    if (sessionsWith(source) >= settings.maxSessionsPerPeer()) {
      // counted on the packet's source, before any DH: an established session's key is proven
      // (a HELLO whose proven key is not its source is refused), so a node that claims another's
      // source fills nothing of that node's
      perPeerLimited(source, "from");
      sendFrame(source, new SessionFrame.SessionClose(id, CloseReason.LIMIT));
      return;
    }
    counters.handshakes.increment();
    Handshake hs = Handshake.responder(me, certificate, policy, Purpose.SESSION, clock, random);
    Handshake.Established done;
    byte[] welcome;
    try {
      hs.readMessage(msg);
      welcome = hs.writeMessage(new byte[0]);
      done = hs.established();
    } catch (HandshakeException e) {
      hs.destroy();
      refuse(source, id, e.getMessage());
      return;
    }
    if (!NodeKey.of(done.peer()).equals(source)) {
      done.records().destroy();
      refuse(source, id, "key " + done.peer() + " proven in a packet from " + source);
      return;
    }
    Instant last = lastHelloTime.get(source);
    if (last != null && !done.peerTime().isAfter(last)) {
      done.records().destroy();
      counters.replayedHellos.increment();
      log.debug("HELLO from {} dropped: handshake time {} not after {} (a replay)",
          source, done.peerTime(), last);
      return;
    }
    lastHelloTime.put(source, done.peerTime());
    Session session = new Session(this, source, done.peer(), id, false, now);
    session.answeredHello = msg;
    session.welcome = welcome;
    add(session);
    session.establish(done, now);
    Session cur = current.get(source);
    if (cur == null || cur.isClosed() || cur.isRetiring()) {
      current.put(source, session);
    }
    counters.accepted.increment();
    counters.established.increment();
    log.debug("session {} accepted", session);
    sendFrame(source, new SessionFrame.SessionWelcome(id, FrameBytes.copyOf(welcome)));
    listener.established(session);
  }

  /**
   * Whether a new HELLO may have the handshake's public-key work done for it, checked with
   * nothing but HMACs and token buckets. A HELLO with a valid cookie MAC (its sender receives
   * what is sent to {@code source}) only has to fit its source's proven budget. One without
   * must fit both its claimed source's budget and the node's; else the node is under load and
   * answers with a COOKIE to the claimed source instead: a spoofer never sees it, the real
   * source sends its HELLO again with the cookie and is served ahead of the flood.
   */
  private boolean admit(NodeKey source, SessionFrame.SessionHello hello, byte[] msg, long now) {
    long id = hello.sessionId();
    if (!hello.cookieMac().isEmpty()) {
      if (cookies.valid(source, id, msg, hello.cookieMac().toByteArray(), now)) {
        if (provenLimiter.tryAcquire(source)) {
          return true;
        }
        counters.rateLimited.increment();
        log.debug("HELLO from {} dropped: over {} handshakes per second with a cookie", source,
            settings.handshakesPerSecondPerPeer());
        return false;
      }
      counters.badCookies.increment();
      if (badCookieLog.due(now)) {
        log.info("HELLO from {} has a bad cookie MAC (forged, or the cookie expired){}", source,
            badCookieLog.takeSkipped());
      }
    }
    boolean overSource = !helloLimiter.tryAcquire(source);
    boolean overNode = !overSource && !nodeLimiter.tryAcquire(Boolean.TRUE);
    if (!overSource && !overNode) {
      return true;
    }
    if (overSource) {
      counters.rateLimited.increment();
    } else {
      counters.overloaded.increment();
    }
    if (loadLog.due(now)) {
      log.info("under load: HELLOs without a cookie answered with a COOKIE, not a handshake"
          + " (this one claims {}: over {} per second {}){}", source,
          overSource ? settings.handshakesPerSecondPerPeer() : settings.handshakesPerSecond(),
          overSource ? "from one source (limits.handshakes-per-second-per-source)"
              : "from all sources (limits.handshakes-per-second)",
          loadLog.takeSkipped());
    }
    counters.cookiesSent.increment();
    sendFrame(source, new SessionFrame.SessionCookie(
        id, FrameBytes.adopt(cookies.cookie(source, msg, now))));
    return false;
  }

  private void refuse(NodeKey source, long id, String why) {
    counters.refused.increment();
    if (refusedLog.due(nanos())) {
      log.info("session from {} refused: {}{}", source, why, refusedLog.takeSkipped());
    }
    sendFrame(source, new SessionFrame.SessionClose(id, CloseReason.REFUSED));
  }

  /**
   * The responder wants our HELLO again with a MAC keyed by {@code cookie}: sent at once, and
   * with every retransmission after. Only for a handshake of ours with that peer still running
   * and at most {@link #MAX_COOKIES} times per handshake: an unsolicited or forged COOKIE is
   * dropped, and the worst a forged one with the right id (only the path sees it) can do is one
   * retransmission.
   */
  private void onCookie(NodeKey source, SessionFrame.SessionCookie cookie) {
    Session s = find(source, cookie.sessionId());
    if (s == null || !s.isInitiator() || s.state() != Session.State.HANDSHAKING
        || s.cookies >= MAX_COOKIES) {
      counters.cookiesDropped.increment();
      if (cookieDropLog.due(nanos())) {
        log.info("COOKIE from {} dropped: no handshake of ours asked for it, or one too many{}",
            source, cookieDropLog.takeSkipped());
      }
      return;
    }
    s.cookies++;
    s.cookieMac = HelloCookies.mac(cookie.cookie().toByteArray(), s.id(), s.hello);
    log.debug("session {}: the peer is under load, HELLO sent again with its cookie", s);
    sendFrame(s.peerKey(), s.helloSent(nanos()));
  }

  private void onWelcome(NodeKey source, SessionFrame.SessionWelcome welcome) {
    Session s = find(source, welcome.sessionId());
    if (s == null || !s.isInitiator() || s.state() != Session.State.HANDSHAKING) {
      return;
    }
    Handshake.Established done;
    try {
      s.handshake.readMessage(welcome.noiseMessage().toByteArray());
      done = s.handshake.established();
    } catch (HandshakeException e) {
      counters.refused.increment();
      log.info("session {} failed: {}", s, e.getMessage());
      close(s, SessionEnd.UNTRUSTED, CloseReason.REFUSED);
      return;
    }
    s.establish(done, nanos());
    counters.established.increment();
    log.debug("session {} established", s);
    listener.established(s);
    sendWaitingPings(s);
  }

  private void onRecord(NodeKey source, SessionFrame.SessionRecord record, int ttl) {
    Session s = find(source, record.sessionId());
    if (s == null || s.state() != Session.State.ESTABLISHED) {
      if (s == null) {
        counters.unknownSessions.increment();
        sendFrame(source, new SessionFrame.SessionClose(
            record.sessionId(), CloseReason.UNKNOWN_SESSION));
      }
      return;
    }
    FrameBytes body = record.record();
    long counter = Session.counterOf(body);
    Session.Arrival arrival = s.arrival(counter, body.size());
    switch (arrival) {
      case DUPLICATE -> {
        counters.duplicates.increment(); // sent again before our ACK came: ACK again
        s.duplicate();
        return;
      }
      case TOO_FAR -> {
        counters.lost.increment();
        log.debug("record {} of {} dropped unopened: too far ahead", counter, s);
        nack(s);
        return;
      }
      default -> { }
    }
    byte[] plain;
    try {
      plain = s.open(body, counter, nanos());
    } catch (RecordException e) {
      counters.badRecords.increment();
      log.debug("record of {} dropped: {}", s, e.getMessage());
      return;
    }
    if (arrival == Session.Arrival.AHEAD) {
      // records before it were lost on the path: kept until they come again (NACK asks now);
      // an ACK inside acts at once, so two sides that both lost records never wait on each other
      counters.lost.increment();
      if (isAck(plain)) {
        deliver(s, plain, ttl);
        plain = new byte[0];
      }
      s.keepAhead(counter, plain);
      nack(s);
      return;
    }
    deliver(s, plain, ttl);
    while (!s.isClosed() && (plain = s.takeAhead()) != null) {
      deliver(s, plain, -1); // kept from before: its hop count is not known any more
    }
  }

  private void nack(Session s) {
    if (s.gap(nanos())) {
      counters.nacksSent.increment();
    }
  }

  private static boolean isAck(byte[] plain) {
    return plain.length == Session.ACK_SIZE && (plain[0] & 0xFF) == Session.CONTROL
        && ((plain[1] & 0xFF) == Session.ACK || (plain[1] & 0xFF) == Session.NACK);
  }

  /**
   * One record's plaintext, in order: a keepalive, a control message, or the layer above's;
   * {@code ttl} is the record's packet's (-1: unknown), for a ping's hop count.
   */
  private void deliver(Session s, byte[] plain, int ttl) {
    if (plain.length == 0) {
      s.received(false);
      return; // a keepalive (or an ACK acted on when it came ahead)
    }
    if ((plain[0] & 0xFF) == Session.CONTROL) {
      onControl(s, plain, ttl);
      return;
    }
    s.received(true);
    listener.received(s, FrameBytes.adopt(plain));
  }

  /** A session control message in an authenticated record: a probe, its answer, a close. */
  private void onControl(Session s, byte[] plain, int ttl) {
    int kind = plain.length >= 2 ? plain[1] & 0xFF : -1;
    if ((kind == Session.ACK || kind == Session.NACK) && plain.length == Session.ACK_SIZE) {
      s.received(false);
      onAck(s, Session.controlNonce(plain), kind == Session.NACK);
      return;
    }
    if (kind == Session.ACK_THEN && plain.length > Session.ACK_SIZE
        && (plain[Session.ACK_SIZE] & 0xFF) != Session.CONTROL) {
      onAck(s, Session.controlNonce(plain), false);
      if (!s.isClosed()) {
        s.received(true);
        listener.received(s, FrameBytes.adopt(plain, Session.ACK_SIZE,
            plain.length - Session.ACK_SIZE));
      }
      return;
    }
    s.received(true);
    if ((kind == Session.PROBE || kind == Session.PROBE_ANSWER)
        && plain.length == Session.PROBE_SIZE) {
      long nonce = Session.controlNonce(plain);
      if (kind == Session.PROBE) {
        answerProbe(s, nonce);
      } else if (s.probeAnswered(nonce)) {
        counters.probesAnswered.increment();
        log.debug("session {} answered its probe: it goes on", s);
      } else {
        pingAnswered(s, nonce, ttl);
      }
      return;
    }
    if (kind == Session.SEALED_CLOSE && plain.length == Session.SEALED_CLOSE_SIZE) {
      CloseReason reason;
      try {
        reason = CloseReason.fromCode(plain[2] & 0xFF);
      } catch (FrameDecodeException e) {
        reason = CloseReason.CLOSED;
      }
      log.info("session {} ended by the peer: {}", s, reason);
      close(s, endFor(reason), null);
      return;
    }
    counters.malformed.increment();
    log.info("session {} ended: bad control message from the peer", s);
    close(s, SessionEnd.PROTOCOL_ERROR, CloseReason.PROTOCOL_ERROR);
  }

  /** An ACK or NACK from the peer (authenticated: it came in a record). */
  private void onAck(Session s, long next, boolean nack) {
    if (nack) {
      counters.nacksReceived.increment();
    }
    switch (s.acknowledged(next, nack, nanos())) {
      case OK -> { }
      case STALE -> {
        counters.acksStale.increment();
        log.debug("session {}: ACK of {} behind an earlier one dropped", s, next);
      }
      case IGNORED -> counters.nacksIgnored.increment();
      case BEYOND -> {
        counters.acksBeyond.increment();
        log.info("session {} ended: the peer acknowledged record {}, never sent", s,
            Long.toUnsignedString(next));
        close(s, SessionEnd.PROTOCOL_ERROR, CloseReason.PROTOCOL_ERROR);
      }
    }
  }

  /**
   * Bytes of sent records all sessions keep until acknowledged, against {@link
   * SessionSettings#retransmitBytesTotal}. Any thread.
   */
  public long retransmitBytesKept() {
    return keptTotal;
  }

  /**
   * A session keeps {@code delta} more bytes of sent records (fewer if negative). Reaching
   * {@link SessionSettings#retransmitBytesTotal} is counted and logged once per interval; falling
   * below it again wakes the sessions, whose streams may have waited for it.
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // loop-confined writes; volatile for status reads
  void kept(long delta) {
    boolean hadRoom = nodeHasRecordRoom();
    keptTotal += delta;
    boolean hasRoom = nodeHasRecordRoom();
    if (hadRoom && !hasRoom) {
      counters.retransmitFull.increment();
      if (keptLog.due(nanos())) {
        log.warn("sessions hold {} bytes of sent records for their peers' ACKs: at "
            + "limits.retransmit-bytes-total ({}), streams wait{}", keptTotal,
            settings.retransmitBytesTotal(), keptLog.takeSkipped());
      }
    } else if (!hadRoom && hasRoom) {
      // in a task of its own: this runs inside an ACK's or a close's handling
      loop.execute(() -> {
        for (Map<Long, Session> mine : new ArrayList<>(byPeer.values())) {
          for (Session s : new ArrayList<>(mine.values())) {
            s.nodeRoomBack();
          }
        }
      });
    }
  }

  /**
   * Spare record arrays kept at most: one per session that fills a record in the same loop
   * task is enough to make small records allocate nothing of this size; a few cover several
   * sessions answering at once, and cost 64 KiB each when idle.
   */
  static final int SPARE_RECORD_ARRAYS = 4;

  /** An array of {@code capacity} bytes for a record to fill: a spare one, else a new one. */
  byte[] recordArray(int capacity) {
    byte[] spare = spareRecordArrays.pollFirst();
    return spare != null && spare.length == capacity ? spare : new byte[capacity];
  }

  /**
   * A record's array that was sealed (it holds ciphertext only) and copied out: kept for the
   * next record if fewer than {@link #SPARE_RECORD_ARRAYS} are.
   */
  void recordArrayFree(byte[] array) {
    if (spareRecordArrays.size() < SPARE_RECORD_ARRAYS) {
      spareRecordArrays.addFirst(array);
    }
  }

  /** Spare record arrays kept now (tests). */
  int spareRecordArrays() {
    return spareRecordArrays.size();
  }

  private boolean nodeHasRecordRoom() {
    return settings.retransmitBytesTotal() - keptTotal >= FrameLimits.MAX_SESSION_PLAINTEXT;
  }

  /**
   * What the node's sessions together may still keep ({@link
   * SessionSettings#retransmitBytesTotal}).
   */
  long retransmitRoom() {
    return settings.retransmitBytesTotal() - keptTotal;
  }

  /** A session has room for the layer above's bytes again ({@link Session#queueRoom}). */
  void writable(Session s) {
    listener.writable(s);
  }

  /**
   * A CLOSE frame: unauthenticated. It ends a handshaking session (its random id was seen only
   * on the path, and a node there could as well drop the packets); an established one ends only
   * by a sealed close (a record), so a CLOSE here starts a probe and it ends only if the probe
   * goes unanswered (the peer restarted and lost its keys, say).
   */
  private void onClose(NodeKey source, SessionFrame.SessionClose close) {
    Session s = find(source, close.sessionId());
    if (s == null) {
      return;
    }
    SessionEnd why = endFor(close.reason());
    if (s.state() == Session.State.ESTABLISHED) {
      counters.closesUnverified.increment();
      log.debug("session {}: unauthenticated CLOSE {}: probing", s, close.reason());
      probe(s, why);
      return;
    }
    log.info("session {} ended by the peer: {}", s, close.reason());
    close(s, why, null);
  }

  private static SessionEnd endFor(CloseReason reason) {
    return switch (reason) {
      case REFUSED -> SessionEnd.REFUSED;
      case LIMIT -> SessionEnd.LIMIT;
      default -> SessionEnd.PEER_CLOSED;
    };
  }

  // ---- ping ----

  /** A ping of ours: sent once its session is established, then waiting for its answer. */
  private static final class Ping {
    final CompletableFuture<PingResult> result;
    final Session session;
    final boolean handshake;
    long sentNanos;
    boolean sent;
    ScheduledFuture<?> timeout;

    Ping(CompletableFuture<PingResult> result, Session session, boolean handshake) {
      this.result = result;
      this.session = session;
      this.handshake = handshake;
    }
  }

  /**
   * Pings {@code peer}: one probe (an authenticated record, {@code docs/sessions.md}) on the
   * session to it, opened first if there is none, and the time until its answer. The answer is
   * a probe answer like any other, so it is exactly the probe's size and authenticated end to
   * end; the peer answers at most {@code probeAnswersPerSecondPerPeer} of them a second. Never
   * fails exceptionally. Any thread.
   *
   * @param timeout how long to wait for the answer, the handshake included
   */
  public CompletableFuture<PingResult> ping(Address peer, Duration timeout) {
    Objects.requireNonNull(peer, "peer");
    CompletableFuture<PingResult> result = new CompletableFuture<>();
    loop.execute(() -> startPing(peer, timeout, result));
    return result;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // the timeout's handle is kept in the ping
  private void startPing(Address peer, Duration timeout, CompletableFuture<PingResult> result) {
    if (closed || sender == null) {
      result.complete(new PingResult.Failed(null, "the session layer is not running"));
      return;
    }
    if (peer.equals(me.address())) {
      result.complete(new PingResult.Failed(null, "that is this node's own address"));
      return;
    }
    if (pings.size() >= MAX_PINGS) {
      result.complete(new PingResult.Failed(null, MAX_PINGS + " pings wait already"));
      return;
    }
    Optional<Session> opened = connect(peer);
    if (opened.isEmpty()) {
      result.complete(new PingResult.Failed(SessionEnd.LIMIT,
          "no session to it: this node's session limits are reached"));
      return;
    }
    Session s = opened.get();
    long nonce;
    do {
      nonce = random.nextLong();
    } while (pings.containsKey(nonce));
    Ping ping = new Ping(result, s, s.state() != Session.State.ESTABLISHED);
    pings.put(nonce, ping);
    long key = nonce;
    ping.timeout = loop.schedule(() -> {
      Ping p = pings.remove(key);
      if (p != null) {
        p.result.complete(new PingResult.TimedOut());
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (!ping.handshake) {
      sendPing(key, ping);
    }
  }

  private void sendPing(long nonce, Ping ping) {
    ping.sent = true;
    ping.sentNanos = nanos();
    counters.pings.increment();
    ping.session.ping(nonce);
  }

  /** {@code s} is established: the pings that waited for it leave. */
  private void sendWaitingPings(Session s) {
    if (pings.isEmpty()) {
      return;
    }
    for (Map.Entry<Long, Ping> e : new ArrayList<>(pings.entrySet())) {
      Ping p = e.getValue();
      if (p.session == s && !p.sent && s.state() == Session.State.ESTABLISHED) {
        sendPing(e.getKey(), p);
      }
    }
  }

  /** {@code s} ended: its pings will get no answer. */
  private void failPings(Session s, SessionEnd why) {
    if (pings.isEmpty()) {
      return;
    }
    for (var it = pings.values().iterator(); it.hasNext(); ) {
      Ping p = it.next();
      if (p.session == s) {
        it.remove();
        p.timeout.cancel(false);
        p.result.complete(new PingResult.Failed(why, "session ended: " + why));
      }
    }
  }

  private void pingAnswered(Session s, long nonce, int ttl) {
    Ping p = pings.get(nonce);
    if (p == null || p.session != s || !p.sent) {
      return; // a late answer, or one to a probe already answered
    }
    pings.remove(nonce);
    p.timeout.cancel(false);
    counters.pingsAnswered.increment();
    int hops = (ttl < 0 || ttl > FrameLimits.DEFAULT_TTL)
        ? 0 : FrameLimits.DEFAULT_TTL - ttl + 1;
    p.result.complete(new PingResult.Answered(nanos() - p.sentNanos, hops, p.handshake));
  }

  /**
   * Answers a peer's probe, at most {@code probeAnswersPerSecondPerPeer} a second for that
   * peer: a ping flood gets no more answers than that, and every answer is a probe's size.
   */
  private void answerProbe(Session s, long nonce) {
    if (!probeAnswerLimiter.tryAcquire(s.peerKey())) {
      counters.probeAnswersLimited.increment();
      if (probeLimitLog.due(nanos())) {
        log.warn("probes of {} left unanswered: over {} a second "
            + "(limits.probe-answers-per-second-per-peer; {} so far, logged once per {})",
            s.peerKey(), settings.probeAnswersPerSecondPerPeer(),
            counters.probeAnswersLimited(), LOG_INTERVAL);
      }
      return;
    }
    counters.probeAnswers.increment();
    s.answerProbe(nonce);
  }

  // ---- timers ----

  private void tick() {
    long now = nanos();
    long handshakeTimeout = settings.handshakeTimeout().toNanos();
    long idle = settings.idleTimeout().toNanos();
    long rekey = settings.rekeyAfter().toNanos();
    long keepalive = settings.keepaliveInterval().toNanos();
    long grace = settings.pathGrace().toNanos();
    long silence = Math.max(3 * keepalive, grace);
    Instant wall = clock.instant();
    for (Map<Long, Session> sessions : new ArrayList<>(byPeer.values())) {
      for (Session s : new ArrayList<>(sessions.values())) {
        if (s.state() == Session.State.ESTABLISHED && endIfNoLongerTrusted(s, wall)) {
          continue;
        }
        if (s.state() == Session.State.HANDSHAKING) {
          if (now - s.startedNanos() >= handshakeTimeout) {
            log.info("session {} ended: no answer to the handshake in {}", s,
                settings.handshakeTimeout());
            close(s, SessionEnd.TIMEOUT, null);
          } else if (s.isInitiator() && now >= s.nextRetryNanos) {
            s.retryIntervalNanos *= 2;
            s.nextRetryNanos = now + s.retryIntervalNanos;
            sendFrame(s.peerKey(), s.helloSent(now));
          }
        } else if (s.state() == Session.State.ESTABLISHED) {
          if (s.probing && now - s.probeDeadlineNanos >= 0) {
            counters.probesUnanswered.increment();
            log.info("session {} ended: no answer to its probe in {} ({})", s,
                settings.probeTimeout(), s.probeEnd);
            close(s, s.probeEnd, CloseReason.CLOSED);
          } else if (s.pathLost(now, grace)) {
            counters.pathLost.increment();
            log.info("session {} ended: no path to {} for {} (records unacknowledged)", s,
                s.peer(), settings.pathGrace());
            close(s, SessionEnd.UNREACHABLE, CloseReason.CLOSED);
          } else if (s.retransmitDue(now)) {
            log.debug("session {}: no ACK in time, its oldest record went again", s);
          } else if (s.openStreams() > 0 && now - s.silentSinceNanos() >= silence) {
            log.info("session {} ended: no path to {} for {} (nothing from the peer while streams"
                + " are open)", s, s.peer(), Duration.ofNanos(silence));
            close(s, SessionEnd.TIMEOUT, CloseReason.CLOSED);
          } else if (s.openStreams() > 0 && now - s.lastSentNanos >= keepalive) {
            if (now - s.silentSinceNanos() >= 2 * keepalive) {
              listener.quiet(s); // streams open here only? (what it appends is the keepalive)
              if (s.isClosed()) {
                continue;
              }
            }
            s.sendKeepalive();
          } else if (s.openStreams() == 0
              && now - Math.max(s.lastReceivedNanos, s.lastSentNanos) >= idle) {
            log.debug("session {} idle", s);
            close(s, SessionEnd.IDLE, CloseReason.CLOSED);
          } else if (!s.isRetiring() && now - s.establishedNanos() >= rekey) {
            retire(s);
          }
        }
      }
    }
  }

  /**
   * Handshakes from now on present {@code renewed}, this node's renewed certificate (same key
   * and network; the caller checked it): new sessions, and those a rekey starts, so that
   * running streams keep their session. Any thread.
   */
  public void renew(Certificate renewed) {
    if (!renewed.node().equals(me.address()) || !renewed.network().equals(certificate.network())) {
      throw new IllegalArgumentException("certificate for " + renewed.node() + " of network "
          + renewed.network() + " (expected: this node " + me.address() + " of network "
          + certificate.network() + ")");
    }
    this.certificate = renewed;
  }

  /**
   * Ends {@code s} if its peer was revoked or its certificate expired since the handshake
   * ({@link TrustPolicy#recheck}, no signature checked again); tells the peer CLOSE REFUSED.
   */
  private boolean endIfNoLongerTrusted(Session s, Instant wall) {
    Optional<Certificate> peer = s.peerCertificate();
    if (peer.isEmpty()) {
      return false;
    }
    Verdict v = policy.recheck(peer.get(), wall);
    if (v.isAccepted()) {
      return false;
    }
    SessionEnd end = switch (v.rejection()) {
      case REVOKED -> SessionEnd.REVOKED;
      case WRONG_NETWORK -> SessionEnd.UNTRUSTED; // the trust configuration was reloaded
      default -> SessionEnd.EXPIRED;
    };
    (end == SessionEnd.REVOKED ? counters.revoked
        : end == SessionEnd.UNTRUSTED ? counters.untrusted : counters.expired).increment();
    log.warn("session {} ended: {}: {}", s, v.rejection().label(), v.detail());
    close(s, end, CloseReason.REFUSED);
    return true;
  }

  /** {@code s} takes no more streams; it closes once it has none. */
  void retire(Session s) {
    if (s.isRetiring() || s.isClosed()) {
      return;
    }
    s.retire();
    if (current.get(s.peerKey()) == s) {
      current.remove(s.peerKey());
    }
    log.debug("session {} retiring (rekey)", s);
    if (s.openStreams() == 0) {
      close(s, SessionEnd.CLOSED, CloseReason.CLOSED);
    }
  }

  // ---- bookkeeping ----

  private int sessionsWith(NodeKey peer) {
    Map<Long, Session> sessions = byPeer.get(peer);
    return sessions == null ? 0 : sessions.size();
  }

  private void perPeerLimited(NodeKey peer, String direction) {
    counters.limitedPerPeer.increment();
    if (perPeerLog.due(nanos())) {
      log.warn("session {} {} refused: {} sessions with that node already "
          + "(sessions.max-per-peer; {} refused so far, logged once per {})", direction, peer,
          settings.maxSessionsPerPeer(), counters.limitedPerPeer(), LOG_INTERVAL);
    }
  }

  private Session find(NodeKey peer, long id) {
    Map<Long, Session> sessions = byPeer.get(peer);
    return sessions == null ? null : sessions.get(id);
  }

  private void add(Session s) {
    byPeer.computeIfAbsent(s.peerKey(), k -> new HashMap<>()).put(s.id(), s);
    sessionCount++;
  }

  /** Ends {@code s}: tells the peer {@code wire} (null: nothing), then the listener. */
  void close(Session s, SessionEnd why, CloseReason wire) {
    if (s.isClosed()) {
      return;
    }
    Map<Long, Session> sessions = byPeer.get(s.peerKey());
    if (sessions != null && sessions.remove(s.id()) != null) {
      sessionCount--;
      if (sessions.isEmpty()) {
        byPeer.remove(s.peerKey());
      }
    }
    if (current.get(s.peerKey()) == s) {
      current.remove(s.peerKey());
    }
    if (why == SessionEnd.LIMIT) {
      counters.limited.increment();
    }
    if (wire != null && sender != null) {
      s.sendSealedClose(wire); // what an established peer believes; nothing while handshaking
      if (s.isClosed()) {
        return; // sealing failed and closed it on the way
      }
    }
    s.markClosed(why);
    if (wire != null && sender != null) {
      sendFrame(s.peerKey(), new SessionFrame.SessionClose(s.id(), wire));
    }
    listener.closed(s, why);
    failPings(s, why);
  }

  void sendPacket(Session s, FrameBytes payload) {
    sender.send(s.peerKey(), payload);
  }

  private void sendFrame(NodeKey to, SessionFrame frame) {
    byte[] out = new byte[SessionFrameCodec.encodedSize(frame)];
    io.netty.buffer.ByteBuf buf = Unpooled.wrappedBuffer(out);
    buf.writerIndex(0);
    SessionFrameCodec.encode(frame, buf);
    sender.send(to, FrameBytes.adopt(out));
  }

  /** Now on the loop's ticker: what every timer and age here is measured on. */
  long nanos() {
    return loop.ticker().nanoTime();
  }

  void assertInLoop() {
    if (!loop.inEventLoop()) {
      throw new IllegalStateException("sessions are confined to their event loop");
    }
  }

  // ---- status ----

  /** The live sessions, for status displays; any thread. */
  public List<SessionInfo> sessions() {
    return query(() -> {
      long now = nanos();
      List<SessionInfo> out = new ArrayList<>();
      for (Map<Long, Session> m : byPeer.values()) {
        for (Session s : m.values()) {
          out.add(s.info(now));
        }
      }
      return out;
    });
  }

  private <T> T query(Callable<T> q) {
    return OnLoop.call(loop, q);
  }

  /**
   * Ends every session (telling established peers CLOSE CLOSED) and stops the timers. Blocks
   * until done unless called on the loop.
   */
  @Override
  public void close() {
    if (loop.isShuttingDown()) {
      return;
    }
    query(() -> {
      closed = true;
      if (timers != null) {
        timers.cancel(false);
      }
      for (Map<Long, Session> m : new ArrayList<>(byPeer.values())) {
        for (Session s : new ArrayList<>(m.values())) {
          close(s, SessionEnd.CLOSED,
              s.state() == Session.State.ESTABLISHED ? CloseReason.CLOSED : null);
        }
      }
      return null;
    });
  }
}
