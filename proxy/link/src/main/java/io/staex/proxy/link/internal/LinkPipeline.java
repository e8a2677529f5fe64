package io.staex.proxy.link.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.staex.crypto.Address;
import io.staex.crypto.Handshake;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The link pipeline, both phases in one place.
 *
 * <pre>
 *   handshake phase                      record phase (installed by the handshake handler)
 *   handshakeFramer  u16 length framing   recordFramer  u32 length framing, length kept (AAD)
 *   handshake        LinkHandshakeHandler idle          IdleStateHandler (write: interval,
 *                                                                         read: interval × missed,
 *                                                                         restarted on resume)
 *                                         recordSealer  OutboundRecord → u32 length || sealed
 *                                         recordOpener  u32 length || sealed → LinkFrame…
 *                                         keepalive     idle events ↔ KEEPALIVE, timeout closes
 *                                         link          LinkFrame → listener, close → linkDown
 * </pre>
 *
 * The initiator's link is up when message 2 is accepted; it sends a KEEPALIVE at once, and the
 * responder's link is up when that first record opens (key confirmation).
 *
 * <p>Wire: {@code u16 length || Noise message} twice (initiator first), then {@code u32 length ||
 * RecordSealer output}; the record's AAD is its own 4-byte length field, so a length cannot be
 * changed without failing the record.
 */
public final class LinkPipeline {
  static final String HANDSHAKE_FRAMER = "handshakeFramer";
  static final String HANDSHAKE = "handshake";
  static final String RECORD_FRAMER = "recordFramer";
  static final String IDLE = "idle";
  static final String RECORD_SEALER = "recordSealer";
  static final String RECORD_OPENER = "recordOpener";
  static final String KEEPALIVE = "keepalive";
  static final String LINK = "link";

  static final int HANDSHAKE_LENGTH_SIZE = 2;
  static final int RECORD_LENGTH_SIZE = 4;

  /** Why a link was closed, set once by whoever closes it first. */
  static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf("staex.linkCloseReason");

  private LinkPipeline() {}

  /**
   * Installs the handshake phase on a new connection: {@code expectedPeer} for the dialling side
   * (initiator), null for the accepting side (responder).
   */
  public static void handshakePhase(Channel ch, LinkConfig config, Address expectedPeer) {
    handshakePhase(ch, config, expectedPeer, null);
  }

  /**
   * The accepting side's handshake phase: as {@code handshakePhase(ch, config, null)}, and a
   * connection whose first handshake message has not arrived in full within {@code
   * firstMessageTimeout} is closed ("first handshake message timeout").
   */
  public static void acceptPhase(Channel ch, LinkConfig config, Duration firstMessageTimeout) {
    handshakePhase(ch, config, null, java.util.Objects.requireNonNull(firstMessageTimeout));
  }

  private static void handshakePhase(
      Channel ch, LinkConfig config, Address expectedPeer, Duration firstMessageTimeout) {
    // Before the first write: the pipeline keeps the estimator's handle from then on.
    ch.config().setMessageSizeEstimator(LinkMessageSizes.INSTANCE);
    ch.pipeline()
        .addLast(HANDSHAKE_FRAMER, new LengthFieldBasedFrameDecoder(
            HANDSHAKE_LENGTH_SIZE + 0xFFFF, 0, HANDSHAKE_LENGTH_SIZE, 0, HANDSHAKE_LENGTH_SIZE))
        .addLast(HANDSHAKE, new LinkHandshakeHandler(config, expectedPeer, firstMessageTimeout));
  }

  /**
   * Replaces the handshake phase by the record phase; called by the handshake handler, on the
   * event loop, once the handshake is established. Order matters: the record handlers go in
   * first, the handshake handler leaves, the listener hears {@code linkUp}, and only then the
   * framer is swapped, which passes any record bytes that came with the last handshake message
   * to the new framer.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // voidPromise: a failed write fires exceptionCaught
  static void recordPhase(
      Channel ch, LinkConfig config, Handshake.Established established, boolean initiator) {
    ChannelPipeline p = ch.pipeline();
    ChannelLink link = new ChannelLink(ch, established.peerCertificate(),
        config.credentials().clock().instant());
    LinkHandler linkHandler = new LinkHandler(link, config);
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(
        config.settings().writeBufferLowWaterMark(), config.settings().writeBufferHighWaterMark()));
    p.addAfter(HANDSHAKE, IDLE, idleHandler(config))
        .addAfter(IDLE, RECORD_SEALER, new RecordSealHandler(established.records().sealer(), link))
        .addAfter(RECORD_SEALER, RECORD_OPENER,
            new RecordOpenHandler(established.records().opener(), config, link))
        .addAfter(RECORD_OPENER, KEEPALIVE, new KeepaliveHandler(config))
        .addAfter(KEEPALIVE, LINK, linkHandler);
    p.remove(HANDSHAKE);
    if (initiator) {
      // Key confirmation for the responder, which is done before we accepted its message 2.
      ch.writeAndFlush(KEEPALIVE_RECORD, ch.voidPromise());
      linkHandler.linkUp();
    }
    LengthFieldBasedFrameDecoder recordFramer = new LengthFieldBasedFrameDecoder(
        RECORD_LENGTH_SIZE + config.settings().maxRecordSize(), 0, RECORD_LENGTH_SIZE, 0, 0);
    // A record spans several socket reads; composing them instead of merging them into one
    // buffer saves a copy of every byte (the opener copies the record out once anyway).
    recordFramer.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
    p.replace(HANDSHAKE_FRAMER, RECORD_FRAMER, recordFramer);
  }

  private static IdleStateHandler idleHandler(LinkConfig config) {
    return new IdleStateHandler(config.settings().readTimeout().toMillis(),
        config.settings().keepaliveInterval().toMillis(), 0, TimeUnit.MILLISECONDS);
  }

  /**
   * Restarts the idle handler's read timeout from zero, on the event loop. Used when a paused
   * link resumes reading (the silence while paused was ours). The write timer is left alone:
   * restarting it on every resume would stop the keepalives of a link that is paused and resumed
   * more often than the keepalive interval, and its peer would time out.
   */
  static void restartReadTimeout(Channel ch) {
    assert ch.eventLoop().inEventLoop();
    if (ch.pipeline().get(IDLE) instanceof IdleStateHandler idle) {
      idle.resetReadTimeout();
    }
  }

  static final OutboundRecord KEEPALIVE_RECORD =
      new OutboundRecord(java.util.List.of(new io.staex.proxy.frame.LinkFrame.Keepalive()));

  /**
   * Fired by the record opener after the first record that opened: the peer holds the keys.
   * The responder's link comes up on it, not on the handshake, because in Noise IK the
   * responder finishes before the initiator has checked the responder's certificate; the
   * initiator sends a KEEPALIVE at once to confirm.
   */
  enum Confirmed { EVENT }

  /** Why {@code ch} was closed by this side, or null if it was not (the peer closed it). */
  public static String closeReason(Channel ch) {
    return ch.attr(CLOSE_REASON).get();
  }

  /** Closes {@code ch}, recording {@code reason} unless another was recorded first. */
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public static void close(Channel ch, String reason) {
    ch.attr(CLOSE_REASON).setIfAbsent(reason);
    ch.close();
  }
}
