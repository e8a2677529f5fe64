package io.staex.proxy.link;

import io.staex.crypto.Address;
import io.staex.proxy.frame.LinkFrame;
import io.staex.testing.fixtures.Member;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Link settings, link credentials and a recording listener for link tests. Keys, certificates
 * and trust come from the testkit ({@code io.staex.testing.fixtures}); this adds the Netty side.
 */
public final class LinkFixtures {
  static final LinkSettings FAST = LinkTestSettings.link(
      Duration.ofMillis(100), 3, Duration.ofSeconds(2));
  /** For tests that must not see a keepalive timeout on a loaded machine. */
  static final LinkSettings CALM = LinkTestSettings.link(
      Duration.ofSeconds(1), 10, Duration.ofSeconds(2));
  /** New connections per second from one address: the default, 20. */
  static final int HANDSHAKES = 20;
  static final RedialBackoff QUICK =
      new RedialBackoff(Duration.ofMillis(20), Duration.ofMillis(200));

  private LinkFixtures() {}

  /** What a link of {@code member} presents and checks, on the wall clock. */
  public static LinkCredentials credentials(Member member) {
    return new LinkCredentials(member.identity(), member.certificate(), member.policy(),
        Clock.systemUTC(), member.random());
  }

  static Address address(LinkCredentials c) {
    return c.identity().address();
  }

  /** Records every call; tests poll the queues. */
  static class Recorder implements LinkListener {
    final BlockingQueue<Link> ups = new LinkedBlockingQueue<>();
    final BlockingQueue<LinkFrame> frames = new LinkedBlockingQueue<>();
    final BlockingQueue<String> downs = new LinkedBlockingQueue<>();

    @Override
    public void linkUp(Link link) {
      ups.add(link);
    }

    @Override
    public void frame(Link link, LinkFrame frame) {
      frames.add(frame);
    }

    @Override
    public void linkDown(Link link, String reason) {
      downs.add(reason);
    }

    Link up() throws InterruptedException {
      Link l = ups.poll(5, TimeUnit.SECONDS);
      if (l == null) {
        throw new AssertionError("no link came up in 5 s");
      }
      return l;
    }

    String down() throws InterruptedException {
      String r = downs.poll(5, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("no link went down in 5 s");
      }
      return r;
    }

    LinkFrame frame() throws InterruptedException {
      LinkFrame f = frames.poll(5, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no frame in 5 s");
      }
      return f;
    }
  }
}
