package io.staex.proxy.testkit;

import io.netty.util.concurrent.EventExecutor;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.LinkFrameCodec;
import io.staex.proxy.link.Link;
import io.staex.proxy.link.LinkListener;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * One end of a link held in memory: what one end sends, the other end's {@link LinkListener}
 * hears as tasks on the loop both ends were given, in order. Made in pairs by {@link #connect},
 * which reports {@code linkUp} to both sides.
 *
 * <p>What a real link does that this one models: frames sent and not yet delivered count in the
 * sender's {@link #queuedBytes}; an end that does not read ({@link #setReading}) leaves them
 * there, and past the high water mark the sender's end turns unwritable (below the low mark
 * writable again), each change reported by {@code writabilityChanged}; {@link #close} (or {@link
 * #fail}) takes both ends down, frames in flight are lost, each side hears {@code linkDown} once
 * with a reason. What it does not: bytes, records, encryption, keepalives (a link here is up
 * until a test takes it down).
 *
 * <p>Not thread-safe: for tests that drive everything on one loop from one thread (a {@code
 * ManualClock}'s).
 */
public final class MemoryLink implements Link {
  /** One side of a link: who it is and what hears its end's events. */
  public record Side(Address address, Certificate certificate, LinkListener listener) {
    public Side {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(listener, "listener");
    }
  }

  /** Both ends of one link: {@code a}'s end is the one {@code a}'s listener hears about. */
  public record Pair(MemoryLink a, MemoryLink b) {
    /** The end that {@code side} holds. */
    public MemoryLink endOf(Address side) {
      if (a.self.address().equals(side)) {
        return a;
      }
      if (b.self.address().equals(side)) {
        return b;
      }
      throw new IllegalArgumentException("side: " + side + " (expected: " + a.self.address()
          + " or " + b.self.address() + ")");
    }

    /** Takes the link down as a failure would: both sides hear {@code reason}. */
    public void fail(String reason) {
      a.fail(reason);
    }
  }

  private final EventExecutor loop;
  private final Side self;
  private final Side peerSide;
  private final long lowWater;
  private final long highWater;
  private MemoryLink other;
  /** Frames this end sent that the other end's listener has not heard yet. */
  private final Deque<LinkFrame> outbox = new ArrayDeque<>();
  private long outboxBytes;
  private boolean drainQueued;
  private boolean writable = true;
  private boolean reading = true;
  private boolean down;
  private long sentFrames;

  private MemoryLink(EventExecutor loop, Side self, Side peer, long lowWater, long highWater) {
    this.loop = loop;
    this.self = self;
    this.peerSide = peer;
    this.lowWater = lowWater;
    this.highWater = highWater;
  }

  /**
   * A link between {@code a} and {@code b} on {@code loop}, with these water marks (bytes queued
   * by one end); both listeners hear {@code linkUp} when the loop runs next.
   */
  public static Pair connect(EventExecutor loop, Side a, Side b, long lowWater, long highWater) {
    if (lowWater < 0 || highWater < lowWater) {
      throw new IllegalArgumentException("water marks: " + lowWater + ", " + highWater
          + " (expected: 0 <= low <= high)");
    }
    MemoryLink ab = new MemoryLink(loop, a, b, lowWater, highWater);
    MemoryLink ba = new MemoryLink(loop, b, a, lowWater, highWater);
    ab.other = ba;
    ba.other = ab;
    loop.execute(() -> a.listener().linkUp(ab));
    loop.execute(() -> b.listener().linkUp(ba));
    return new Pair(ab, ba);
  }

  @Override
  public Address peer() {
    return peerSide.address();
  }

  @Override
  public Certificate peerCertificate() {
    return peerSide.certificate();
  }

  @Override
  public SocketAddress remoteAddress() {
    return InetSocketAddress.createUnresolved("memory", 0);
  }

  @Override
  public boolean isActive() {
    return !down;
  }

  @Override
  public boolean isWritable() {
    return writable;
  }

  @Override
  public void setReading(boolean reading) {
    this.reading = reading;
    if (reading) {
      other.scheduleDrain();
    }
  }

  @Override
  public boolean isReading() {
    return reading;
  }

  /** Frames sent on this end that the other side has not heard yet, as encoded bytes. */
  @Override
  public long queuedBytes() {
    return outboxBytes;
  }

  /** Frames sent on this end so far (keepalives aside, there are none here). */
  public long sentFrames() {
    return sentFrames;
  }

  @Override
  public void send(LinkFrame frame) {
    if (down) {
      return;
    }
    sentFrames++;
    outbox.add(frame);
    outboxBytes += LinkFrameCodec.encodedSize(frame);
    if (writable && outboxBytes > highWater) {
      writable = false;
      loop.execute(() -> self.listener().writabilityChanged(this));
    }
    scheduleDrain();
  }

  @Override
  public void send(List<? extends LinkFrame> frames) {
    frames.forEach(this::send);
  }

  /** Takes both ends down: this side hears "closed locally", the other "closed by peer". */
  @Override
  public void close() {
    takeDown("closed locally", "closed by peer");
  }

  /** Takes both ends down: this side hears {@code reason}, the other "closed by peer". */
  @Override
  public void close(String reason) {
    takeDown(reason, "closed by peer");
  }

  /** Takes both ends down as a failure would, both sides hearing {@code reason}. */
  public void fail(String reason) {
    takeDown(reason, reason);
  }

  private void takeDown(String here, String there) {
    if (down) {
      return;
    }
    down = true;
    other.down = true;
    outbox.clear();
    other.outbox.clear();
    outboxBytes = 0;
    other.outboxBytes = 0;
    loop.execute(() -> self.listener().linkDown(this, here));
    loop.execute(() -> other.self.listener().linkDown(other, there));
  }

  private void scheduleDrain() {
    if (!drainQueued && !outbox.isEmpty()) {
      drainQueued = true;
      loop.execute(this::drain);
    }
  }

  /** Delivers what this end sent, in order, while the other end reads. */
  private void drain() {
    drainQueued = false;
    while (!down && other.reading && !outbox.isEmpty()) {
      LinkFrame frame = outbox.poll();
      outboxBytes -= LinkFrameCodec.encodedSize(frame);
      other.self.listener().frame(other, frame);
    }
    if (!writable && outboxBytes < lowWater && !down) {
      writable = true;
      self.listener().writabilityChanged(this);
    }
  }

  @Override
  public String toString() {
    return "memory link " + self.address() + " -> " + peerSide.address();
  }
}
