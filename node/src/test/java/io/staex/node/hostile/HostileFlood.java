package io.staex.node.hostile;

import io.staex.crypto.Address;
import io.staex.crypto.Identity;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.SessionFrame;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 13's attack 2 as a member carries it out, on a thread of its own until {@link #close}:
 * every {@link #PERIOD_MILLIS} one link record of {@link #BATCH} packets to {@code target}:
 * 4 session HELLOs claiming {@code victim} as their source (200 a second, the rate that locked
 * the user out for as long as it lasted in the issue), one HELLO claiming a random source, one
 * record claiming {@code victim} (a data packet of a session the victim might have), and 5 junk
 * HELLOs in the member's own name (250 a second: over the relay's per-link HELLO limit of 200).
 * 550 packets a second: more would only measure how much CPU the machine running the test
 * has left.
 */
public final class HostileFlood implements AutoCloseable {
  /** Packets per link record. */
  public static final int BATCH = 11;
  /** Milliseconds between records. */
  public static final int PERIOD_MILLIS = 20;

  private final HostileMember member;
  private final NodeKey victim;
  private final NodeKey target;
  private final SecureRandom random;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong sendFailures = new AtomicLong();
  private final Thread thread;

  public HostileFlood(HostileMember member, Address victim, Address target, SecureRandom random) {
    this.member = member;
    this.victim = NodeKey.of(victim);
    this.target = NodeKey.of(target);
    this.random = random;
    this.thread = new Thread(this::run, "hostile-flood");
    thread.setDaemon(true);
    thread.start();
  }

  /** Packets handed to the member's link so far. */
  public long sent() {
    return sent.get();
  }

  /** Records the member could not send (its link was down): counted, the flood goes on. */
  public long sendFailures() {
    return sendFailures.get();
  }

  private void run() {
    long next = System.nanoTime();
    while (running.get()) {
      LinkFrame[] batch = new LinkFrame[BATCH];
      for (int i = 0; i < BATCH; i++) {
        batch[i] = frame(i);
      }
      try {
        member.send(batch);
        sent.addAndGet(BATCH);
      } catch (IllegalStateException e) {
        sendFailures.incrementAndGet(); // the link is redialling
      }
      next += TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
      LockSupport.parkNanos(next - System.nanoTime());
    }
  }

  private LinkFrame frame(int i) {
    return switch (i) {
      case 0, 1, 2, 3 -> HostileSessions.packet(victim, target, HostileSessions.junkHello(random));
      case 4 -> HostileSessions.packet(randomNode(random), target,
          HostileSessions.junkHello(random));
      case 5 -> HostileSessions.packet(victim, target, record(random));
      default -> HostileSessions.packet(member.key(), target, HostileSessions.junkHello(random));
    };
  }

  /** Of every {@link #BATCH} packets, how many claim a source that is not the member. */
  public static final int SPOOFED_PER_BATCH = 6;

  /** A real node key nobody in any network holds a certificate for. */
  public static NodeKey randomNode(SecureRandom random) {
    return NodeKey.of(Identity.generate(random).address());
  }

  private static SessionFrame record(SecureRandom random) {
    byte[] r = new byte[FrameLimits.MIN_SESSION_RECORD + 64];
    random.nextBytes(r);
    return new SessionFrame.SessionRecord(random.nextLong(), FrameBytes.adopt(r));
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }
}
