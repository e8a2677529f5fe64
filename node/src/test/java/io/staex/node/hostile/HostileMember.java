package io.staex.node.hostile;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Address;
import io.staex.crypto.BadCertificateException;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFileException;
import io.staex.crypto.KeyFiles;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.RoutingAssembler;
import io.staex.proxy.link.Link;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.link.LinkListener;
import io.staex.proxy.link.LinkSettings;
import io.staex.proxy.link.ParentConnector;
import io.staex.proxy.link.RedialBackoff;
import io.staex.proxy.loop.Transports;
import io.staex.routing.NodeState;
import io.staex.routing.ParentLink;
import io.staex.routing.RoutingCodec;
import io.staex.routing.RoutingMessage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A member node that does not follow the rules, for attack tests against real {@code staex run}
 * processes: it holds a valid member certificate (made by {@code staex cert issue}), links to a
 * node through the real link layer (Noise handshake, link records, keepalives), and then sends
 * whatever {@link LinkFrame}s a test makes — forged notices, packets with someone else's source,
 * routing chunks — and hands back what the node sends it. It runs no routing and no sessions
 * of its own: everything above the link is the test's to write.
 *
 * <pre>{@code
 * try (HostileMember m = HostileMember.link(dir.resolve("mallory.key"),
 *     dir.resolve("mallory.crt"), new InetSocketAddress("127.0.0.1", rootPort), rootAddress)) {
 *   m.awaitUp(Duration.ofSeconds(20));
 *   m.send(new LinkFrame.Unreachable(32, UnreachableReason.LINK_DOWN, victim, gateway, List.of()));
 *   LinkFrame f = m.poll(Duration.ofSeconds(1)); // e.g. the node's routing messages
 * }
 * }</pre>
 *
 * The link is dialled as a child dials its parent ({@link ParentConnector}: redialled if the
 * node closes it); keepalives are the link layer's own, so the link stays up while the test
 * thinks. Thread-safe; frames are sent in the order given.
 */
public final class HostileMember implements AutoCloseable {
  /**
   * Keepalives every 200 ms: below the quickest read timeout a test node is given. The link is
   * closed after 5 s without a frame from the node (a node sends its keepalives every 0.5~1 s
   * in these tests; a loaded machine may delay them).
   */
  public static final LinkSettings SETTINGS = new LinkSettings(Duration.ofMillis(200), 25,
      Duration.ofSeconds(10), LinkSettings.MAX_RECORD_SIZE, 256 * 1024, 1024 * 1024);
  /** Frames kept for {@link #poll} before the oldest are dropped. */
  static final int MAX_KEPT = 10_000;

  private final Identity identity;
  private final Certificate certificate;
  private final EventLoopGroup group;
  private final ParentConnector connector;
  private final BlockingQueue<LinkFrame> received = new LinkedBlockingQueue<>(MAX_KEPT);

  private HostileMember(Identity identity, Certificate certificate, InetSocketAddress endpoint,
      Address peer, LinkSettings settings) {
    this.identity = identity;
    this.certificate = certificate;
    this.group = Transports.newEventLoopGroup(1);
    LinkCredentials credentials = new LinkCredentials(identity, certificate,
        // the node it dials is pinned: it may be of another network (a root shared by two)
        TrustPolicy.builder(certificate.network()).pinNode(peer).build(), Clock.systemUTC(),
        new SecureRandom());
    this.connector = ParentConnector.start(group, endpoint, peer, credentials, settings,
        new RedialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)), new Listener());
  }

  /**
   * Links to the node {@code peer} listening at {@code endpoint} as the member whose key and
   * certificate are in {@code keyFile} and {@code certFile} ({@code staex keygen}, {@code staex
   * cert issue}), with {@link #SETTINGS}. Returns at once: {@link #awaitUp} waits for the link.
   */
  public static HostileMember link(Path keyFile, Path certFile, InetSocketAddress endpoint,
      Address peer) throws KeyFileException, BadCertificateException {
    return new HostileMember(KeyFiles.readPrivateKey(keyFile), Certificate.read(certFile),
        endpoint, peer, SETTINGS);
  }

  /**
   * As {@link #link(Path, Path, InetSocketAddress, Address)} with a key and certificate made in
   * the test (a self-made certificate, one of another network).
   */
  public static HostileMember link(Identity identity, Certificate certificate,
      InetSocketAddress endpoint, Address peer) {
    return new HostileMember(identity, certificate, endpoint, peer, SETTINGS);
  }

  /** This member's address. */
  public Address address() {
    return identity.address();
  }

  /** This member's key, as frames carry it. */
  public NodeKey key() {
    return NodeKey.of(identity.address());
  }

  /** This member's key pair (for {@link HostileSessions}). */
  Identity identity() {
    return identity;
  }

  /** This member's certificate. */
  public Certificate certificate() {
    return certificate;
  }

  /**
   * Tells the node it linked to that this member is its child, as a well-behaved child does:
   * a {@link RoutingMessage.StateUpdate} with this member's own signed state (active parent
   * {@code parent}, no services, valid for 10 minutes). Without it the node's source check
   * drops every packet this member sends in its own name: it is not in the node's view.
   */
  public void announce(Address parent) {
    NodeState state = NodeState.sign(identity, certificate, List.of(new ParentLink(parent, 1)),
        Optional.of(parent), List.of(), System.currentTimeMillis(),
        Instant.now().plus(Duration.ofMinutes(10)));
    sendRouting(new RoutingMessage.StateUpdate(List.of(state)));
  }

  /** Sends one routing message, in as many {@link LinkFrame.Routing} chunks as it takes. */
  public void sendRouting(RoutingMessage message) {
    for (LinkFrame.Routing chunk : RoutingAssembler.split(RoutingCodec.encode(message))) {
      send(chunk);
    }
  }

  /** The link while it is up. */
  public Optional<Link> linkNow() {
    return connector.link();
  }

  /** Waits until the link is up (the handshake done), at most {@code timeout}. */
  public void awaitUp(Duration timeout) {
    Awaitility.await("hostile member's link").atMost(timeout)
        .pollInterval(Duration.ofMillis(50)).until(() -> connector.link().isPresent());
  }

  /**
   * Sends {@code frames} in one link record (their encodings must fit in one: 64 KiB).
   *
   * @throws IllegalStateException if the link is not up
   */
  public void send(LinkFrame... frames) {
    Link link = connector.link()
        .orElseThrow(() -> new IllegalStateException("the hostile member's link is not up"));
    link.send(List.of(frames));
  }

  /** The next frame the node sent (keepalives excluded), waiting up to {@code timeout}. */
  public Optional<LinkFrame> poll(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** Closes the link and stops redialling. */
  @Override
  public void close() {
    connector.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public String toString() {
    return "hostile member " + identity.address();
  }

  /** Keeps what arrives, the newest {@link #MAX_KEPT}. */
  private final class Listener implements LinkListener {
    @Override
    public void linkUp(Link link) {}

    @Override
    public void frame(Link link, LinkFrame frame) {
      while (!received.offer(frame)) {
        received.poll();
      }
    }

    @Override
    public void linkDown(Link link, String reason) {}

    @Override
    public void writabilityChanged(Link link) {}
  }
}
