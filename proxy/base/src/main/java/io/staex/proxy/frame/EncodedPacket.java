package io.staex.proxy.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * A PACKET frame still in its encoded form, for relays: the decoded {@link #header()} and the
 * frame's bytes ({@link #content()}), whose payload is never copied.
 *
 * <p>Ownership: an {@code EncodedPacket} owns one reference to its content, as any {@link
 * io.netty.buffer.ByteBufHolder}. Whoever holds it either passes it on (writes {@link
 * #content()} to the next link, which releases it) or calls {@link #release()}.
 */
public final class EncodedPacket extends DefaultByteBufHolder {
  private final PacketHeader header;

  /**
   * @param header the header encoded at the start of {@code frame}
   * @param frame the whole PACKET frame from its reader index, type byte to last payload byte;
   *     this holder takes over one reference to it
   */
  EncodedPacket(PacketHeader header, ByteBuf frame) {
    super(frame);
    this.header = Objects.requireNonNull(header, "header");
  }

  public PacketHeader header() {
    return header;
  }

  /**
   * The payload: a slice of {@link #content()}, not retained, valid while this holder is. Retain
   * it ({@code payload().retain()}) to keep it beyond that.
   */
  public ByteBuf payload() {
    ByteBuf frame = content();
    return frame.slice(frame.readerIndex() + header.size(), header.payloadLength());
  }

  @Override
  public EncodedPacket replace(ByteBuf content) {
    return new EncodedPacket(header, content);
  }

  @Override
  public EncodedPacket copy() {
    return (EncodedPacket) super.copy();
  }

  @Override
  public EncodedPacket duplicate() {
    return (EncodedPacket) super.duplicate();
  }

  @Override
  public EncodedPacket retainedDuplicate() {
    return (EncodedPacket) super.retainedDuplicate();
  }

  @Override
  public EncodedPacket retain() {
    super.retain();
    return this;
  }

  @Override
  public EncodedPacket retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public EncodedPacket touch() {
    super.touch();
    return this;
  }

  @Override
  public EncodedPacket touch(Object hint) {
    super.touch(hint);
    return this;
  }

  /** The header and the frame's size; never payload bytes. */
  @Override
  public String toString() {
    return "EncodedPacket[" + header + ", refCnt=" + refCnt() + "]";
  }
}
