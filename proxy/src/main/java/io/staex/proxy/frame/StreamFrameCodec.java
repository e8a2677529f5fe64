package io.staex.proxy.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.staex.proxy.frame.FrameDecodeException.Reason;
import io.staex.proxy.frame.internal.FrameBatch;
import io.staex.proxy.frame.internal.FrameReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The wire form of {@link StreamFrame}s: the plaintext of one session record.
 *
 * <pre>
 *   record plaintext  | frame | frame | ... |     1 ~ MAX_SESSION_PLAINTEXT bytes,
 *                                               at least one frame, no padding
 *                                               (an empty plaintext is the session's
 *                                               keepalive, handled before this codec)
 *   0        1                5
 *   +--------+----------------+------------------+---------------------+
 *   | 0x01   | stream id u32  | port u16         | initial window u32  |   OPEN      11 bytes
 *   +--------+----------------+------------------+---------------------+
 *   | 0x02   | stream id u32  | length u16       | data (length)       |   DATA   7 + length
 *   +--------+----------------+------------------+---------------------+
 *   | 0x03   | stream id u32  | credit u32       |                         WINDOW       9
 *   +--------+----------------+------------------+
 *   | 0x04   | stream id u32  |                                            FIN          5
 *   +--------+----------------+------------------+
 *   | 0x05   | stream id u32  | reason u8        |                         RESET        6
 *   +--------+----------------+------------------+---------------------+-----------------+
 *   | 0x06   | stream id u32  | channel u16      | length u16          | data (length)   |
 *   +--------+----------------+------------------+---------------------+-----------------+
 *                                                                   DATAGRAM   9 + length
 *   +--------+----------------+------------------+---------------------+--------+--------+
 *   | 0x07   | stream id u32  | port u16         | initial window u32  | len u8 | host   |
 *   +--------+----------------+------------------+---------------------+--------+--------+
 *                                                                  OPEN_HOST 12 + len
 * </pre>
 *
 * OPEN_HOST's host is 1~255 ASCII characters (letters, digits, {@code . - _ :}): a name the
 * exit resolves, or an IP literal.
 *
 * All integers big-endian. Ports are 1~65535, credits 1~2^32 − 1; data lengths at most {@link
 * FrameLimits#MAX_STREAM_DATA} and {@link FrameLimits#MAX_DATAGRAM}. These frames are inside the
 * session's encryption: only the two ends ever see them.
 *
 * <p>Error contract: decoders throw only {@link FrameDecodeException}, whatever the bytes, and
 * leave the input's reader index where it was; encoders throw {@link IllegalArgumentException}
 * for batches without an encoding. Buffer ownership is stated on each method; no method here
 * releases a buffer it was given. Stateless and thread-safe.
 */
public final class StreamFrameCodec {
  static final int TYPE_SIZE = 1;
  static final int STREAM_ID_SIZE = 4;
  static final int PORT_SIZE = 2;
  static final int WINDOW_SIZE = 4;
  static final int LENGTH_SIZE = 2;
  static final int REASON_SIZE = 1;
  static final int CHANNEL_SIZE = 2;
  static final int STREAM_HEADER_SIZE = TYPE_SIZE + STREAM_ID_SIZE;

  /** Bytes of an OPEN frame. */
  public static final int OPEN_SIZE = STREAM_HEADER_SIZE + PORT_SIZE + WINDOW_SIZE;
  /** Bytes of a DATA frame besides its data. */
  public static final int DATA_HEADER_SIZE = STREAM_HEADER_SIZE + LENGTH_SIZE;
  /** Bytes of a WINDOW frame. */
  public static final int WINDOW_FRAME_SIZE = STREAM_HEADER_SIZE + WINDOW_SIZE;
  /** Bytes of a FIN frame. */
  public static final int FIN_SIZE = STREAM_HEADER_SIZE;
  /** Bytes of a RESET frame. */
  public static final int RESET_SIZE = STREAM_HEADER_SIZE + REASON_SIZE;
  /** Bytes of a DATAGRAM frame besides its data. */
  public static final int DATAGRAM_HEADER_SIZE = STREAM_HEADER_SIZE + CHANNEL_SIZE + LENGTH_SIZE;
  /** Bytes of an OPEN_HOST frame besides its host. */
  public static final int OPEN_HOST_HEADER_SIZE = OPEN_SIZE + 1;

  private StreamFrameCodec() {}

  // ---- encoding ----

  /** Bytes of {@code frame}'s encoding. */
  public static int encodedSize(StreamFrame frame) {
    return switch (frame.type()) {
      case OPEN -> OPEN_SIZE;
      case DATA -> DATA_HEADER_SIZE + ((StreamFrame.Data) frame).data().size();
      case WINDOW -> WINDOW_FRAME_SIZE;
      case FIN -> FIN_SIZE;
      case RESET -> RESET_SIZE;
      case DATAGRAM -> DATAGRAM_HEADER_SIZE + ((StreamFrame.Datagram) frame).data().size();
      case OPEN_HOST -> OPEN_HOST_HEADER_SIZE + ((StreamFrame.OpenHost) frame).host().length();
    };
  }

  /** Writes {@code frame} to {@code out}. Ownership: the caller keeps {@code out}. */
  public static void encode(StreamFrame frame, ByteBuf out) {
    out.ensureWritable(encodedSize(frame));
    out.writeByte(frame.type().code());
    switch (frame.type()) {
      case OPEN -> {
        StreamFrame.Open o = (StreamFrame.Open) frame;
        out.writeInt((int) o.streamId());
        out.writeShort(o.port());
        out.writeInt((int) o.initialWindow());
      }
      case DATA -> {
        StreamFrame.Data d = (StreamFrame.Data) frame;
        out.writeInt((int) d.streamId());
        out.writeShort(d.data().size());
        d.data().writeTo(out);
      }
      case WINDOW -> {
        StreamFrame.Window w = (StreamFrame.Window) frame;
        out.writeInt((int) w.streamId());
        out.writeInt((int) w.credit());
      }
      case FIN -> out.writeInt((int) ((StreamFrame.Fin) frame).streamId());
      case RESET -> {
        StreamFrame.Reset r = (StreamFrame.Reset) frame;
        out.writeInt((int) r.streamId());
        out.writeByte(r.reason().code());
      }
      case DATAGRAM -> {
        StreamFrame.Datagram g = (StreamFrame.Datagram) frame;
        out.writeInt((int) g.streamId());
        out.writeShort(g.channel());
        out.writeShort(g.data().size());
        g.data().writeTo(out);
      }
      case OPEN_HOST -> {
        StreamFrame.OpenHost o = (StreamFrame.OpenHost) frame;
        out.writeInt((int) o.streamId());
        out.writeShort(o.port());
        out.writeInt((int) o.initialWindow());
        out.writeByte(o.host().length());
        out.writeCharSequence(o.host(), StandardCharsets.US_ASCII);
      }
    }
  }

  /**
   * Writes a DATA frame carrying {@code data[index..index+length)} to {@code out}: what {@code
   * encode(new Data(streamId, FrameBytes.copyOf(data.slice(index, length))), out)} writes,
   * without the intermediate copy. Indices of {@code data} do not move; the caller keeps both
   * buffers.
   *
   * @throws IllegalArgumentException if {@code length} exceeds {@link
   *     FrameLimits#MAX_STREAM_DATA} or the id is not a u32
   */
  public static void encodeData(long streamId, ByteBuf data, int index, int length, ByteBuf out) {
    if (streamId < 0 || streamId > StreamFrame.MAX_U32) {
      throw new IllegalArgumentException("stream id: " + streamId + " (expected: 0~"
          + StreamFrame.MAX_U32 + ")");
    }
    if (length < 0 || length > FrameLimits.MAX_STREAM_DATA) {
      throw new IllegalArgumentException("data: " + length + " bytes (expected: 0~"
          + FrameLimits.MAX_STREAM_DATA + ")");
    }
    out.ensureWritable(DATA_HEADER_SIZE + length);
    out.writeByte(StreamFrameType.DATA.code());
    out.writeInt((int) streamId);
    out.writeShort(length);
    out.writeBytes(data, index, length);
  }

  /**
   * One record's plaintext: {@code frames} back to back in a new buffer from {@code alloc}.
   * Ownership: the caller owns the returned buffer; if this throws, nothing was allocated.
   *
   * @throws IllegalArgumentException if {@code frames} is empty or their encodings exceed
   *     {@link FrameLimits#MAX_SESSION_PLAINTEXT}
   */
  public static ByteBuf encodeBatch(ByteBufAllocator alloc, List<? extends StreamFrame> frames) {
    long size = 0;
    for (StreamFrame frame : frames) {
      size += encodedSize(frame);
    }
    if (frames.isEmpty() || size > FrameLimits.MAX_SESSION_PLAINTEXT) {
      throw new IllegalArgumentException("stream frame batch of " + frames.size() + " frames, "
          + size + " bytes (expected: 1 frame or more, at most "
          + FrameLimits.MAX_SESSION_PLAINTEXT + " bytes)");
    }
    ByteBuf out = alloc.buffer((int) size, (int) size);
    try {
      for (StreamFrame frame : frames) {
        encode(frame, out);
      }
      return out;
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    }
  }

  // ---- decoding ----

  /**
   * Decodes a whole record plaintext: the readable bytes of {@code plaintext}, copied into
   * values. Ownership: the caller keeps {@code plaintext}; on success its reader index is at its
   * writer index, on failure where it was.
   *
   * @throws FrameDecodeException if the bytes are not 1 or more stream frames within {@link
   *     FrameLimits#MAX_SESSION_PLAINTEXT} bytes; the message names the frame and offset
   */
  public static List<StreamFrame> decodeBatch(ByteBuf plaintext) throws FrameDecodeException {
    return FrameBatch.decode(plaintext, FrameLimits.MAX_SESSION_PLAINTEXT, "stream frame batch",
        StreamFrameCodec::readFrame);
  }

  /** {@link #decodeBatch(ByteBuf)} without copies: data are views of {@code plaintext}. */
  public static List<StreamFrame> decodeBatch(FrameBytes plaintext) throws FrameDecodeException {
    return FrameBatch.decode(plaintext.asReadOnlyBuffer(), FrameLimits.MAX_SESSION_PLAINTEXT,
        "stream frame batch", in -> readFrame(in, plaintext));
  }

  /**
   * Decodes the one frame at {@code in}'s reader index and moves the reader index past it (on
   * failure it stays). Ownership: the caller keeps {@code in}.
   *
   * @throws FrameDecodeException if the bytes there are not a whole stream frame
   */
  public static StreamFrame readFrame(ByteBuf in) throws FrameDecodeException {
    return readFrame(in, null);
  }

  private static StreamFrame readFrame(ByteBuf in, FrameBytes source)
      throws FrameDecodeException {
    FrameReader r = new FrameReader(in, "stream frame", source);
    StreamFrameType type = StreamFrameType.fromCode(r.u8("type"));
    r = r.named("stream " + type + " frame");
    StreamFrame frame = switch (type) {
      case OPEN -> {
        long id = r.u32("stream id");
        int port = r.u16("port");
        if (port == 0) {
          throw r.error(Reason.INVALID, "port: 0 (expected: 1~65535)");
        }
        yield new StreamFrame.Open(id, port, r.u32("initial window"));
      }
      case DATA -> {
        long id = r.u32("stream id");
        yield new StreamFrame.Data(id, data(r, FrameLimits.MAX_STREAM_DATA));
      }
      case WINDOW -> {
        long id = r.u32("stream id");
        long credit = r.u32("credit");
        if (credit == 0) {
          throw r.error(Reason.INVALID, "credit: 0 (expected: 1~" + StreamFrame.MAX_U32 + ")");
        }
        yield new StreamFrame.Window(id, credit);
      }
      case FIN -> new StreamFrame.Fin(r.u32("stream id"));
      case RESET -> {
        long id = r.u32("stream id");
        yield new StreamFrame.Reset(id, ResetReason.fromCode(r.u8("reason")));
      }
      case DATAGRAM -> {
        long id = r.u32("stream id");
        int channel = r.u16("channel");
        yield new StreamFrame.Datagram(id, channel, data(r, FrameLimits.MAX_DATAGRAM));
      }
      case OPEN_HOST -> {
        long id = r.u32("stream id");
        int port = r.u16("port");
        if (port == 0) {
          throw r.error(Reason.INVALID, "port: 0 (expected: 1~65535)");
        }
        long window = r.u32("initial window");
        int length = r.u8("host length");
        if (length == 0) {
          throw r.error(Reason.INVALID, "host length: 0 (expected: 1~255)");
        }
        String host = new String(r.bytes("host", length).toByteArray(), StandardCharsets.US_ASCII);
        String problem = StreamFrame.hostProblem(host);
        if (problem != null) {
          throw r.error(Reason.INVALID, "host: " + problem);
        }
        yield new StreamFrame.OpenHost(id, host, port, window);
      }
    };
    r.commit();
    return frame;
  }

  private static FrameBytes data(FrameReader r, int max) throws FrameDecodeException {
    int length = r.u16("data length");
    r.checkAtMost("data length", length, max);
    return r.bytes("data", length);
  }
}
