package io.staex.proxy.socks.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.socks.Router;
import io.staex.proxy.stream.Streams;
import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpSettings;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOCKS5 server's pipeline, in wire order (each phase removes itself when done):
 *
 * <pre>
 *   Socks5ServerEncoder         replies (stays: bridged bytes pass it untouched)
 *   Socks5Gate                  SOCKS5 only: a SOCKS4 (or any other) first byte is closed
 *   Socks5InitialRequestDecoder the greeting
 *   SocksAuthHandler            method choice; RFC 1929 username/password when configured
 *   SocksConnectHandler         CONNECT → stream; then a SocketBridge takes the channel
 *   HandshakeGuard              the handshake timeout and the pending-handshake slot
 * </pre>
 *
 * Runs on the stream layer's loop, like every channel it initialises.
 */
public final class SocksServerInitializer extends ChannelInitializer<Channel> {
  private static final Logger log = LoggerFactory.getLogger(SocksServerInitializer.class);

  private final Streams streams;
  /** Replaced by a reload ({@link #update}); each client uses the settings it was accepted with. */
  private volatile SocksSettings settings;
  private final Router router;
  /** Loop-confined: clients between accept and CONNECT. */
  private int pending;
  private final LongAdder accepted = new LongAdder();
  private final LongAdder shed = new LongAdder();

  private final UdpSettings udpSettings;
  private final UdpCounters udpCounters;

  public SocksServerInitializer(Streams streams, SocksSettings settings, Router router) {
    this(streams, settings, router, null, null);
  }

  /** With UDP ASSOCIATE under {@code udpSettings} (null: refused as unsupported). */
  public SocksServerInitializer(Streams streams, SocksSettings settings, Router router,
      UdpSettings udpSettings, UdpCounters udpCounters) {
    this.streams = streams;
    this.settings = settings;
    this.router = router;
    this.udpSettings = udpSettings;
    this.udpCounters = udpCounters;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  protected void initChannel(Channel ch) {
    SocksSettings settings = this.settings;
    if (pending >= settings.maxPendingHandshakes()) {
      shed.increment();
      log.debug("SOCKS client {} closed: {} handshakes pending (socks.max-pending-handshakes)",
          ch.remoteAddress(), pending);
      ch.close();
      return;
    }
    accepted.increment();
    pending++;
    ch.pipeline().addLast(
        Socks5ServerEncoder.DEFAULT,
        new Socks5Gate(),
        new Socks5InitialRequestDecoder(),
        new SocksAuthHandler(settings.credentials()),
        new SocksConnectHandler(streams, router, udpSettings, udpCounters),
        new HandshakeGuard(settings.handshakeTimeout(), () -> pending--));
  }

  /** Clients accepted from now on use {@code next} (credentials, limits; not the address). */
  public void update(SocksSettings next) {
    this.settings = next;
  }

  /** Clients accepted into the handshake since start. */
  public long accepted() {
    return accepted.sum();
  }

  /** Clients closed at once because too many handshakes were pending. */
  public long shed() {
    return shed.sum();
  }
}
