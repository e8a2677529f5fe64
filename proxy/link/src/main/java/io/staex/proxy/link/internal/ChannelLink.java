package io.staex.proxy.link.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.LinkFrameCodec;
import io.staex.proxy.link.Link;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Link} over one Netty channel in the record phase. Thread-safe: {@code reading} is the
 * last requested state (volatile, any thread); the channel's {@code AUTO_READ} follows it on the
 * event loop. Records are written into the channel from whichever thread sends: from another
 * thread Netty queues a write task and counts its bytes at once ({@link LinkMessageSizes}), so
 * {@link #isWritable} and {@link #queuedBytes} include them without a counter of our own.
 */
final class ChannelLink implements Link {
  private final Channel channel;
  /** The handshake's, or a renewed one presented on the link since (any thread reads it). */
  private volatile Certificate peerCertificate;
  private volatile boolean reading = true;
  private final java.time.Instant upSince;
  /** Written on the channel's loop only (one writer), read anywhere. */
  private volatile long bytesIn;
  /** Written on the channel's loop only (one writer), read anywhere. */
  private volatile long bytesOut;

  ChannelLink(Channel channel, Certificate peerCertificate) {
    this(channel, peerCertificate, null);
  }

  ChannelLink(Channel channel, Certificate peerCertificate, java.time.Instant upSince) {
    this.channel = channel;
    this.peerCertificate = peerCertificate;
    this.upSince = upSince;
  }

  /** A record of {@code n} bytes arrived; on the channel's loop. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the channel's loop
  void received(int n) {
    bytesIn += n;
  }

  /** A record of {@code n} bytes was written; on the channel's loop. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the channel's loop
  void sent(int n) {
    bytesOut += n;
  }

  @Override
  public long bytesIn() {
    return bytesIn;
  }

  @Override
  public long bytesOut() {
    return bytesOut;
  }

  @Override
  public java.util.Optional<java.time.Instant> upSince() {
    return java.util.Optional.ofNullable(upSince);
  }

  @Override
  public Address peer() {
    return peerCertificate.node();
  }

  @Override
  public Certificate peerCertificate() {
    return peerCertificate;
  }

  @Override
  public boolean renewPeerCertificate(Certificate renewed) {
    if (!renewed.node().equals(peerCertificate.node())) {
      throw new IllegalArgumentException("certificate is for " + renewed.node()
          + " (expected: this link's peer " + peerCertificate.node() + ")");
    }
    peerCertificate = renewed;
    return true;
  }

  @Override
  public SocketAddress remoteAddress() {
    return channel.remoteAddress();
  }

  @Override
  public boolean isActive() {
    return channel.isActive();
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public void setReading(boolean reading) {
    this.reading = reading;
    if (channel.eventLoop().inEventLoop()) {
      applyReading();
    } else {
      channel.eventLoop().execute(this::applyReading);
    }
  }

  /** Makes {@code AUTO_READ} follow the latest {@link #reading}; on the event loop. */
  private void applyReading() {
    boolean reading = this.reading;
    if (!channel.isActive() || channel.config().isAutoRead() == reading) {
      return;
    }
    channel.config().setAutoRead(reading);
    if (reading) {
      // The read timeout ran on while we were not reading: restart it from zero.
      LinkPipeline.restartReadTimeout(channel);
      channel.read();
    }
  }

  @Override
  public boolean isReading() {
    return reading;
  }

  @Override
  public long queuedBytes() {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  @Override
  public void send(LinkFrame frame) {
    send(List.of(frame));
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // voidPromise: a failed write fires exceptionCaught
  public void send(List<? extends LinkFrame> frames) {
    List<OutboundRecord> records = batch(frames);
    if (records.isEmpty()) {
      return;
    }
    if (!channel.isActive()) {
      return;
    }
    for (OutboundRecord record : records) {
      channel.write(record, channel.voidPromise());
    }
    channel.flush();
  }

  /** Packs frames in order into records of at most the record plaintext limit. */
  static List<OutboundRecord> batch(List<? extends LinkFrame> frames) {
    List<OutboundRecord> records = new ArrayList<>();
    List<LinkFrame> current = new ArrayList<>();
    int size = 0;
    for (LinkFrame frame : frames) {
      int n = LinkFrameCodec.encodedSize(frame);
      if (size + n > FrameLimits.MAX_LINK_RECORD_PLAINTEXT && !current.isEmpty()) {
        records.add(new OutboundRecord(current, size));
        current = new ArrayList<>();
        size = 0;
      }
      current.add(frame);
      size += n;
    }
    if (!current.isEmpty()) {
      records.add(new OutboundRecord(current, size));
    }
    return records;
  }

  @Override
  public void close() {
    LinkPipeline.close(channel, "closed locally");
  }

  @Override
  public void close(String reason) {
    LinkPipeline.close(channel, reason);
  }

  @Override
  public String toString() {
    return "Link[" + peer() + " at " + channel.remoteAddress() + "]";
  }
}
