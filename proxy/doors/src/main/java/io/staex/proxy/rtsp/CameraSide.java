package io.staex.proxy.rtsp;

import io.staex.proxy.stream.StreamSide;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import io.staex.proxy.rtsp.internal.InterleavedFrame;
import io.staex.proxy.rtsp.internal.Range;
import io.staex.proxy.rtsp.internal.RtspExchanges;
import io.staex.proxy.rtsp.internal.RtspItem;
import io.staex.proxy.rtsp.internal.RtspMessage;
import io.staex.proxy.rtsp.internal.RtspUrls;
import io.staex.proxy.rtsp.internal.Transport;
import io.staex.proxy.rtsp.internal.TransportSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway node's side of an RTSP service: in the camera socket's pipeline, in front of the
 * SocketBridge. Outbound is player → camera, inbound camera → player.
 *
 * <pre>
 *   first request URI rtsp://P/…     learn P; requests P → the service target T; replies T → P
 *   DESCRIBE reply Content-Base L    L is the camera too (VLC writes its LAN address)
 *   SETUP interleaved=n-(n+1) ──▶ camera; 4xx/5xx ──▶ bind UDP p, p+1; the same SETUP with
 *     RTP/AVP;unicast;client_port=p-(p+1) ──▶ 200 server_port=x-y
 *     ──▶ the player sees interleaved=n-(n+1)
 *   camera UDP x → p / y → p+1        ──▶ datagrams n / n+1 to the user node
 *   datagram or $ frame n+1 (RTCP)    ──▶ UDP p+1 → camera y
 *   datagrams for interleaved tracks  ──▶ $ frames to the camera, between items
 * </pre>
 */
public final class CameraSide extends RtspRelay {
  /** A track the camera sends by UDP (the fallback). */
  private static final class Track {
    final Range channels;
    final UdpPair pair;
    Range cameraPorts;

    Track(Range channels, UdpPair pair) {
      this.channels = channels;
      this.pair = pair;
    }
  }

  private final String cameraPrefix;
  private RtspUrls urls;
  private final RtspExchanges exchanges = new RtspExchanges();
  /** Interleaved SETUPs (as sent to the camera) waiting for their reply, by CSeq. */
  private final Map<String, RtspMessage> setups = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, RtspMessage> eldest) {
      return size() > RtspExchanges.MAX_PENDING;
    }
  };
  /** SETUPs retried for UDP, by CSeq. */
  private final Map<String, Track> retries = new HashMap<>();
  private final Map<Integer, Track> byChannel = new HashMap<>();
  private int tracks;
  private boolean closed;

  /**
   * @param target the service's target: requests name it as {@code rtsp://host:port}
   * @param name the service, for log lines
   */
  public CameraSide(StreamSide stream, String name, InetSocketAddress target) {
    super(stream, name);
    String host = target.getHostString();
    this.cameraPrefix = "rtsp://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
        + target.getPort();
  }

  private InetAddress cameraIp() {
    return ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
  }

  // ---- player → camera ----

  @Override
  void outbound(RtspItem item, List<RtspItem> sink) {
    if (item instanceof InterleavedFrame f) {
      Track t = byChannel.get(f.channel());
      if (t == null) {
        sink.add(f);
      } else {
        toCamera(t, f.channel(), f.content().retain());
        f.release();
      }
      return;
    }
    RtspMessage m = (RtspMessage) item;
    if (!m.isRequest()) {
      sink.add(m);
      return;
    }
    if (urls == null) {
      if (m.uri().regionMatches(true, 0, "rtsp://", 0, 7)) {
        urls = RtspUrls.between(m.uri(), cameraPrefix);
      } else {
        unknownOnce("a first request URI that is not rtsp://… ('" + m.uri() + "')");
      }
    }
    RtspMessage toCamera = urls == null ? m : urls.toCamera(m);
    exchanges.sent(toCamera);
    if (toCamera.method().equals("SETUP") && toCamera.cseq().isPresent()
        && transport(toCamera).map(TransportSpec::isInterleaved).orElse(false)) {
      setups.put(toCamera.cseq().get(), toCamera);
    }
    sink.add(toCamera);
  }

  // ---- camera → player ----

  @Override
  void inbound(RtspItem item, List<RtspItem> sink) {
    if (item instanceof InterleavedFrame) {
      sink.add(item);
      return;
    }
    RtspMessage m = (RtspMessage) item;
    if (m.isRequest()) {
      sink.add(urls == null ? m : urls.toPlayer(m));
      return;
    }
    String cseq = m.cseq().orElse(null);
    Optional<RtspExchanges.Request> asked = exchanges.answered(m);
    RtspMessage setup = cseq == null ? null : setups.remove(cseq);
    Track retried = cseq == null ? null : retries.remove(cseq);
    if (retried != null) {
      m = retriedReply(retried, m);
    } else if (setup != null && m.status() >= 400) {
      fallBack(setup, m);
      return;
    }
    if (urls != null && asked.isPresent() && asked.get().method().equals("DESCRIBE")) {
      Optional<String> base = m.header("Content-Base");
      if (base.isPresent()) {
        urls = urls.withCameraAlias(base.get().strip());
      }
    }
    sink.add(urls == null ? m : urls.toPlayer(m));
  }

  /** The camera refused an interleaved SETUP: ask again for UDP, on a pair of our own. */
  private void fallBack(RtspMessage setup, RtspMessage refusal) {
    TransportSpec spec = transport(setup).orElseThrow();
    Range channels = spec.interleaved().orElse(null);
    if (channels == null || ++tracks > MAX_TRACKS) {
      fail(channels == null ? "an interleaved SETUP without channels was refused"
          : "more than " + MAX_TRACKS + " tracks (SETUPs) on one connection");
      return;
    }
    log.info("rtsp {}: camera answered '{}' to an interleaved SETUP: asking for UDP", name,
        refusal.startLine());
    hold(false);
    InetAddress ip = ((InetSocketAddress) ctx.channel().localAddress()).getAddress();
    UdpPair.bind(ctx.channel().eventLoop(), ip, this::fromCamera).addListener(f -> {
      if (!f.isSuccess()) {
        fail("cannot bind UDP ports for a track: " + f.cause().getMessage());
        release(false);
        return;
      }
      UdpPair pair = (UdpPair) f.getNow();
      if (closed || failed()) {
        pair.close();
        release(false);
        return;
      }
      TransportSpec udp = spec.withLowerTransport("").without("interleaved")
          .with("client_port", pair.ports().toString());
      RtspMessage retry = setup.withHeader("Transport", Transport.of(udp).format());
      retries.put(setup.cseq().orElseThrow(), new Track(channels, pair));
      exchanges.sent(retry);
      writeToSocket(retry);
      release(false);
    });
  }

  private RtspMessage retriedReply(Track t, RtspMessage m) {
    Optional<TransportSpec> reply = transport(m);
    Optional<Range> server = reply.flatMap(TransportSpec::serverPorts);
    if (m.status() / 100 != 2 || server.isEmpty()) {
      t.pair.close();
      tracks--;
      log.info("rtsp {}: camera answered '{}' to the SETUP for UDP too", name, m.startLine());
      return m;
    }
    t.cameraPorts = server.get();
    byChannel.put(t.channels.first(), t);
    byChannel.put(t.channels.last(), t);
    log.info("rtsp {}: track by UDP from the camera's ports {} into {} (interleaved {} over the"
        + " overlay)", name, t.cameraPorts, t.pair, t.channels);
    return m.withHeader("Transport",
        Transport.of(reply.get().asInterleaved(t.channels)).format());
  }

  /** RTCP (the pair's RTCP channel) to the camera's RTCP port; RTP from the player: dropped. */
  private void toCamera(Track t, int channel, ByteBuf data) {
    if (channel != t.channels.last() || t.channels.first() == t.channels.last()) {
      data.release();
      return;
    }
    int port = t.cameraPorts.last() != t.cameraPorts.first() ? t.cameraPorts.last()
        : t.cameraPorts.first() + 1;
    t.pair.send(true, data, new InetSocketAddress(cameraIp(), port));
  }

  @Override
  boolean ownsChannel(int channel) {
    return byChannel.containsKey(channel);
  }

  @Override
  void toUdp(int channel, ByteBuf data) {
    toCamera(byChannel.get(channel), channel, data);
  }

  /** The camera's RTP / RTCP into our pair: a datagram on the track's channel. */
  private void fromCamera(UdpPair pair, boolean rtcp, DatagramPacket packet) {
    try {
      if (!packet.sender().getAddress().equals(cameraIp())) {
        return;
      }
      for (Track t : byChannel.values()) {
        if (t.pair == pair) {
          sendDatagram(rtcp ? t.channels.last() : t.channels.first(), packet.content());
          return;
        }
      }
    } finally {
      packet.release();
    }
  }

  @Override
  void closed() {
    if (closed) {
      return;
    }
    closed = true;
    retries.values().forEach(t -> t.pair.close());
    retries.clear();
    Set<Track> all = new HashSet<>(byChannel.values());
    for (Track t : all) {
      log.info("rtsp {}: track {} ended: {} packets by UDP from the camera, {} to it", name,
          t.pair, t.pair.packetsIn, t.pair.packetsOut);
      t.pair.close();
    }
    byChannel.clear();
  }
}
