package io.staex.node.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.staex.crypto.Certificate;
import io.staex.crypto.Handshake;
import io.staex.crypto.HandshakeException;
import io.staex.crypto.Identity;
import io.staex.crypto.Purpose;
import io.staex.crypto.RecordException;
import io.staex.crypto.RecordLayer;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.LinkFrameCodec;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.SessionFrame;
import io.staex.proxy.frame.SessionFrameCodec;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.frame.StreamFrameCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-up of {@code staex run} ({@code staex.warmup}, off by default): right after the node
 * started, on a background thread, it runs the code of a first contact and of the data path in
 * memory, so that the JIT has compiled it before the first peer needs it. A fresh JVM interprets
 * a handshake (BouncyCastle's X25519 and Ed25519, the certificate's DER, the trust check) and
 * AES-GCM (whose intrinsics only compiled code uses) hundreds of times slower than it runs once
 * compiled; the start-up cache's profiles (JEP 515) do not compile anything by themselves.
 *
 * <p>Each round is what two nodes do: a link handshake and a session handshake between two
 * throwaway identities of a throwaway network (real {@link Handshake}s: X25519, the certificate
 * decoded and verified by a {@link TrustPolicy}), then records both ways through both layers as
 * the data path builds them: stream DATA frames encoded into a session record, sealed in place
 * behind the session header, carried as the payload of a link PACKET frame, the link record
 * sealed in place, then opened, decoded, and the session record opened and its frames decoded.
 * No sockets, no peers, no files; nothing it makes outlives it. Bounded by {@link Budget}
 * (rounds and records) and stopped early when the node closes.
 */
public final class Warmup {
  private static final Logger log = LoggerFactory.getLogger(Warmup.class);

  /** What one warm-up does: {@code rounds} × (2 handshakes + {@code records} records each way). */
  public record Budget(int rounds, int bulkRecords, int smallRecords) {
    public Budget {
      if (rounds < 0 || bulkRecords < 0 || smallRecords < 0) {
        throw new IllegalArgumentException("budget: " + rounds + ", " + bulkRecords + ", "
            + smallRecords + " (expected: none negative)");
      }
    }
  }

  /**
   * The default budget, measured (docs/node.md, "Start-up cache"): enough handshakes and
   * records for the JIT's second tier to compile them, on JDK 25 with and without the start-up
   * cache.
   */
  public static final Budget DEFAULT = new Budget(30, 20, 100);

  /** What a warm-up did and cost: CPU of its own thread (not the JIT's), and wall time. */
  public record Report(int handshakes, long records, long bytes, long cpuNanos, long wallNanos,
      boolean stopped) {}

  /** Called after each handshake pair and each record batch; for measurements. */
  public interface Step {
    void done(String what, int index, long nanos);
  }

  private static final Step QUIET = (what, index, nanos) -> { };

  private final Thread thread;
  private volatile boolean stop;

  // A priority is only a hint (Linux ignores Java's unless the JVM may raise them, as root);
  // nothing depends on it, it only says what the thread is for.
  @SuppressWarnings("ThreadPriorityCheck")
  private Warmup(Budget budget) {
    thread = new Thread(() -> {
      try {
        Report r = run(budget, () -> stop, new SecureRandom(), QUIET);
        log.debug("warm-up: {} handshakes, {} records ({} MiB) in {} ms CPU, {} ms{}",
            r.handshakes(), r.records(), r.bytes() >> 20, r.cpuNanos() / 1_000_000,
            r.wallNanos() / 1_000_000, r.stopped() ? " (stopped)" : "");
      } catch (RuntimeException | HandshakeException | RecordException
          | FrameDecodeException e) {
        log.debug("warm-up failed (the node runs on, only colder)", e);
      }
    }, "StaexWarmup");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
  }

  /** Starts a warm-up of {@code budget} on a daemon thread of its own. */
  public static Warmup start(Budget budget) {
    Warmup w = new Warmup(budget);
    w.thread.start();
    return w;
  }

  /** Asks the warm-up to stop after the step it is in; does not wait. */
  public void stop() {
    stop = true;
  }

  /** Waits up to {@code timeout} for the warm-up to end; whether it did. */
  public boolean await(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
    return !thread.isAlive();
  }

  /**
   * One warm-up on the calling thread.
   *
   * @param stopped asked before each step; true ends the warm-up there
   * @param step told of each handshake pair and record batch, with its wall time
   */
  public static Report run(Budget budget, BooleanSupplier stopped, SecureRandom random, Step step)
      throws HandshakeException, RecordException, FrameDecodeException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    boolean cpu = mx.isCurrentThreadCpuTimeSupported();
    long cpu0 = cpu ? mx.getCurrentThreadCpuTime() : 0;
    long t0 = System.nanoTime();
    Clock clock = Clock.systemUTC();
    Instant now = clock.instant();
    Identity network = Identity.generate(random);
    Identity a = Identity.generate(random);
    Identity b = Identity.generate(random);
    Pair pair = null;
    int handshakes = 0;
    long records = 0;
    long bytes = 0;
    boolean wasStopped = false;
    try {
      Certificate certA = Certificate.issue(network, a.address(), Optional.of("warm-a"),
          Set.of(), now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofHours(1)), random);
      Certificate certB = Certificate.issue(network, b.address(), Optional.empty(), Set.of(),
          now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofHours(1)), random);
      TrustPolicy policy = TrustPolicy.ofNetwork(network.address());
      byte[] wire = new byte[8 + LinkFrameCodec.PACKET_FIXED_SIZE + FrameLimits.MAX_PACKET_PAYLOAD
          + 2 * RecordLayer.OVERHEAD + 64];
      byte[] data = new byte[FrameLimits.MAX_STREAM_DATA];
      random.nextBytes(data);
      ByteBuf dataBuf = Unpooled.wrappedBuffer(data);
      NodeKey keyA = NodeKey.of(a.address());
      NodeKey keyB = NodeKey.of(b.address());
      for (int round = 0; round < budget.rounds(); round++) {
        if (stopped.getAsBoolean()) {
          wasStopped = true;
          break;
        }
        long h0 = System.nanoTime();
        RecordLayer[] link = handshake(a, certA, b, certB, policy, Purpose.LINK, clock, random);
        RecordLayer[] session =
            handshake(a, certA, b, certB, policy, Purpose.SESSION, clock, random);
        handshakes += 2;
        step.done("handshakes", round, System.nanoTime() - h0);
        if (pair != null) {
          pair.destroy();
        }
        pair = new Pair(link, session);
        long r0 = System.nanoTime();
        for (int i = 0; i < budget.bulkRecords() + budget.smallRecords(); i++) {
          int len = i < budget.bulkRecords() ? data.length : 1 + (i & 63);
          bytes += pair.roundTrip(i & 1, wire, dataBuf, len, keyA, keyB, round);
          records += 2;
        }
        step.done("records", round, System.nanoTime() - r0);
      }
    } finally {
      if (pair != null) {
        pair.destroy();
      }
      network.destroy();
      a.destroy();
      b.destroy();
    }
    return new Report(handshakes, records, bytes,
        cpu ? mx.getCurrentThreadCpuTime() - cpu0 : 0, System.nanoTime() - t0, wasStopped);
  }

  /** A handshake as two nodes run it; the record layers of the initiator [0] and responder [1]. */
  private static RecordLayer[] handshake(Identity a, Certificate certA, Identity b,
      Certificate certB, TrustPolicy policy, Purpose purpose, Clock clock, SecureRandom random)
      throws HandshakeException {
    Handshake i = Handshake.initiator(a, certA, b.address(), policy, purpose, clock, random);
    Handshake r = Handshake.responder(b, certB, policy, purpose, clock, random);
    try {
      r.readMessage(i.writeMessage(new byte[0]));
      i.readMessage(r.writeMessage(new byte[0]));
      return new RecordLayer[] {i.established().records(), r.established().records()};
    } finally {
      i.destroy();
      r.destroy();
    }
  }

  /** The two layers' record layers between a and b. */
  private static final class Pair {
    private final RecordLayer[] link;
    private final RecordLayer[] session;

    Pair(RecordLayer[] link, RecordLayer[] session) {
      this.link = link;
      this.session = session;
    }

    void destroy() {
      for (RecordLayer l : link) {
        l.destroy();
      }
      for (RecordLayer l : session) {
        l.destroy();
      }
    }

    /**
     * One DATA frame of {@code len} bytes from side {@code from} to the other: session record
     * sealed in place, in a link PACKET, link record sealed in place; then opened and decoded as
     * the receiver does. Returns the bytes sealed.
     */
    long roundTrip(int from, byte[] wire, ByteBuf data, int len, NodeKey keyA, NodeKey keyB,
        long sessionId) throws RecordException, FrameDecodeException {
      int to = 1 - from;
      NodeKey source = from == 0 ? keyA : keyB;
      NodeKey destination = from == 0 ? keyB : keyA;
      // Session record: header, counter, stream frames, tag.
      int header = SessionFrameCodec.HEADER_SIZE;
      int plainOff = header + RecordLayer.COUNTER_SIZE;
      byte[] packet = new byte[header + RecordLayer.OVERHEAD + StreamFrameCodec.DATA_HEADER_SIZE
          + len];
      ByteBuf p = Unpooled.wrappedBuffer(packet).clear();
      SessionFrameCodec.writeRecordHeader(sessionId, p);
      p.writerIndex(plainOff);
      StreamFrameCodec.encodeData(1, data, 0, len, p);
      int plain = p.writerIndex() - plainOff;
      byte[] aad = new byte[header];
      System.arraycopy(packet, 0, aad, 0, header);
      int sealedSession =
          session[from].sealer().seal(packet, plainOff, plain, aad, packet, header);
      FrameBytes payload = FrameBytes.adopt(packet, 0, header + sealedSession);
      // Link record: u32 length, counter, frames, tag.
      List<LinkFrame> frames =
          List.of(LinkFrame.Packet.of(destination, source, List.of(), payload));
      ByteBuf linkPlain = Unpooled.wrappedBuffer(wire, 4 + RecordLayer.COUNTER_SIZE,
          wire.length - 4 - RecordLayer.OVERHEAD).clear();
      int n = LinkFrameCodec.encodeRecord(frames, linkPlain);
      byte[] linkAad = {0, 0, 0, 0};
      int recordLength = n + RecordLayer.OVERHEAD;
      linkAad[2] = (byte) (recordLength >>> 8);
      linkAad[3] = (byte) recordLength;
      linkAad[1] = (byte) (recordLength >>> 16);
      link[from].sealer().seal(wire, 4 + RecordLayer.COUNTER_SIZE, n, linkAad, wire, 4);
      // The receiver: open the link record into a fresh array, decode, open the session record.
      byte[] opened = new byte[n];
      link[to].opener().open(wire, 4, recordLength, linkAad, opened, 0);
      LinkFrame.Packet got = (LinkFrame.Packet)
          LinkFrameCodec.decodeRecord(FrameBytes.adopt(opened, 0, n)).get(0);
      SessionFrame.SessionRecord rec =
          (SessionFrame.SessionRecord) SessionFrameCodec.decode(got.payload());
      byte[] streamPlain =
          rec.record().read((arr, off, l) -> session[to].opener().open(arr, off, l, aad));
      List<StreamFrame> decoded = StreamFrameCodec.decodeBatch(FrameBytes.adopt(streamPlain));
      if (decoded.size() != 1 || !(decoded.get(0) instanceof StreamFrame.Data d)
          || d.data().size() != len) {
        throw new IllegalStateException("warm-up: frames came back as " + decoded);
      }
      return (long) sealedSession + recordLength;
    }
  }
}
