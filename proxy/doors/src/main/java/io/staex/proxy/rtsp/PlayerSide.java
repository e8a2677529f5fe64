package io.staex.proxy.rtsp;

import io.staex.proxy.stream.StreamSide;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import io.staex.proxy.rtsp.internal.InterleavedFrame;
import io.staex.proxy.rtsp.internal.Range;
import io.staex.proxy.rtsp.internal.RtspEncoder;
import io.staex.proxy.rtsp.internal.RtspItem;
import io.staex.proxy.rtsp.internal.RtspMessage;
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
 * The user node's side of an RTSP forward: in the accepted player socket's pipeline, in front
 * of the SocketBridge. URLs pass unchanged (only the gateway knows the camera's address).
 *
 * <pre>
 *   SETUP client_port=a-b    ──▶ bind UDP x, x+1 (listen IP) ──▶ SETUP interleaved=2k-(2k+1)
 *   reply interleaved=n-m    ◀── Transport back to UDP: client_port=a-b;server_port=x-(x+1)
 *   $n / datagram n (RTP)    ──▶ UDP x → player a    $m / datagram m (RTCP) ──▶ x+1 → b
 *   player RTCP into x+1     ──▶ datagram m to the gateway  (into x: dropped)
 *   player asked interleaved ──▶ passed; datagrams for it become $ frames between items
 * </pre>
 */
public final class PlayerSide extends RtspRelay {
  /** A SETUP turned from UDP to interleaved, and then its track. */
  private static final class Track {
    final Range clientPorts;
    final UdpPair pair;
    Range channels;

    Track(Range clientPorts, UdpPair pair, Range channels) {
      this.clientPorts = clientPorts;
      this.pair = pair;
      this.channels = channels;
    }
  }

  private int setups;
  /** Rewritten SETUPs waiting for their reply, by CSeq. */
  private final Map<String, Track> pending = new LinkedHashMap<>();
  /** UDP tracks by interleaved channel (both numbers of each). */
  private final Map<Integer, Track> byChannel = new HashMap<>();
  private int tracks;
  private boolean closed;

  /** @param name the forward, for log lines */
  public PlayerSide(StreamSide stream, String name) {
    super(stream, name);
  }

  private InetAddress playerIp() {
    return ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
  }

  @Override
  void inbound(RtspItem item, List<RtspItem> sink) {
    if (item instanceof RtspMessage m && m.isRequest() && m.method().equals("SETUP")) {
      setup(m, sink);
      return;
    }
    sink.add(item);
  }

  private void setup(RtspMessage m, List<RtspItem> sink) {
    int k = setups++;
    Optional<TransportSpec> spec = transport(m);
    if (spec.isEmpty() || spec.get().isInterleaved() || m.cseq().isEmpty()) {
      if (spec.isEmpty() || m.cseq().isEmpty()) {
        unknownOnce("a SETUP without a readable Transport or CSeq");
      }
      sink.add(m);
      return;
    }
    Optional<Range> client = spec.get().clientPorts();
    if (client.isEmpty() || spec.get().param("multicast").isPresent()) {
      unknownOnce("a SETUP for UDP without client_port (multicast?)");
      sink.add(m);
      return;
    }
    if (++tracks > MAX_TRACKS) {
      fail("more than " + MAX_TRACKS + " tracks (SETUPs) on one connection");
      return;
    }
    Range channels = Range.pair(2 * k);
    hold(true);
    InetAddress ip = ((InetSocketAddress) ctx.channel().localAddress()).getAddress();
    UdpPair.bind(ctx.channel().eventLoop(), ip, this::fromPlayer).addListener(f -> {
      if (!f.isSuccess()) {
        fail("cannot bind UDP ports for a track: " + f.cause().getMessage());
        release(true);
        return;
      }
      UdpPair pair = (UdpPair) f.getNow();
      if (closed || failed()) {
        pair.close();
        release(true);
        return;
      }
      pending.put(m.cseq().get(), new Track(client.get(), pair, channels));
      RtspMessage asked = m.withHeader("Transport",
          Transport.of(spec.get().asInterleaved(channels)).format());
      ctx.fireChannelRead(encode(asked));
      release(true);
    });
  }

  private ByteBuf encode(RtspMessage m) {
    ByteBuf b = ctx.alloc().buffer();
    RtspEncoder.encode(m, b);
    return b;
  }

  @Override
  void outbound(RtspItem item, List<RtspItem> sink) {
    if (item instanceof InterleavedFrame f) {
      Track t = byChannel.get(f.channel());
      if (t == null) {
        sink.add(f);
      } else {
        toPlayer(t, f.channel(), f.content().retain());
        f.release();
      }
      return;
    }
    RtspMessage m = (RtspMessage) item;
    Track t = m.isRequest() ? null : m.cseq().map(pending::remove).orElse(null);
    if (t == null) {
      sink.add(m);
      return;
    }
    Optional<TransportSpec> reply = transport(m);
    Optional<Range> channels = reply.flatMap(TransportSpec::interleaved);
    if (m.status() / 100 != 2 || channels.isEmpty()) {
      t.pair.close();
      tracks--;
      if (m.status() / 100 == 2) {
        unknownOnce("a SETUP reply without interleaved channels");
      }
      sink.add(m);
      return;
    }
    t.channels = channels.get();
    byChannel.put(t.channels.first(), t);
    byChannel.put(t.channels.last(), t);
    TransportSpec udp = reply.get().asUdp(t.clientPorts, t.pair.ports());
    log.info("rtsp {}: {}: track by UDP to the player's ports {} from {} (interleaved {} over"
        + " the overlay)", name, peer(), t.clientPorts, t.pair, t.channels);
    sink.add(m.withHeader("Transport", Transport.of(udp).format()));
  }

  /** RTP (channels.first) or RTCP to the player's UDP port; takes over {@code data}. */
  private void toPlayer(Track t, int channel, ByteBuf data) {
    boolean rtcp = channel != t.channels.first();
    int port = !rtcp ? t.clientPorts.first()
        : t.clientPorts.last() != t.clientPorts.first() ? t.clientPorts.last()
        : t.clientPorts.first() + 1;
    t.pair.send(rtcp, data, new InetSocketAddress(playerIp(), port));
  }

  @Override
  boolean ownsChannel(int channel) {
    return byChannel.containsKey(channel);
  }

  @Override
  void toUdp(int channel, ByteBuf data) {
    toPlayer(byChannel.get(channel), channel, data);
  }

  /** The player's RTCP (into the pair's RTCP socket) goes to the camera's side. */
  private void fromPlayer(UdpPair pair, boolean rtcp, DatagramPacket packet) {
    try {
      if (!rtcp || !packet.sender().getAddress().equals(playerIp())) {
        return; // RTP into our port (ffmpeg's NAT punch) or a stranger
      }
      for (Track t : byChannel.values()) {
        if (t.pair == pair) {
          sendDatagram(t.channels.last(), packet.content());
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
    pending.values().forEach(t -> t.pair.close());
    pending.clear();
    Set<Track> all = new HashSet<>(byChannel.values());
    for (Track t : all) {
      log.info("rtsp {}: {}: track {} ended: {} packets by UDP to the player, {} from it", name,
          peer(), t.pair, t.pair.packetsOut, t.pair.packetsIn);
      t.pair.close();
    }
    byChannel.clear();
  }
}
