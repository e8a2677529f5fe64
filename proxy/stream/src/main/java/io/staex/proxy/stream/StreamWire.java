package io.staex.proxy.stream;

import io.netty.buffer.ByteBuf;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.frame.StreamFrameCodec;
import io.staex.proxy.session.Session;
import java.util.List;

/**
 * How stream frames ride in a session: each frame is one of the session's messages ({@link
 * Session#append}), encoded straight into the record being filled; a record's plaintext is a
 * batch of them ({@code docs/frames.md}). The session layer never reads a stream frame; this is
 * the one place that writes and reads them. Call on the session's event loop.
 */
public final class StreamWire {
  private StreamWire() {}

  /** Queues {@code frame} for the session's peer; dropped if the session is closed. */
  public static void send(Session session, StreamFrame frame) {
    ByteBuf out = session.append(StreamFrameCodec.encodedSize(frame));
    if (out != null) {
      StreamFrameCodec.encode(frame, out);
      session.appended();
    }
  }

  /**
   * Queues {@code data[index..index+length)} as one DATA frame of stream {@code streamId}, its
   * bytes copied once, straight into the record. Keep {@code length} within {@link
   * #dataRoom} to fill records. The caller keeps {@code data}; its indices do not move.
   */
  public static void sendData(Session session, long streamId, ByteBuf data, int index,
      int length) {
    ByteBuf out = session.append(StreamFrameCodec.DATA_HEADER_SIZE + length);
    if (out != null) {
      StreamFrameCodec.encodeData(streamId, data, index, length, out);
      session.appended();
    }
  }

  /**
   * Bytes of a handshaking session's queue that DATA leaves to the small frames (OPEN, WINDOW,
   * RESET, FIN), so that early data of many streams never ends the session for its queue limit.
   */
  static final int HANDSHAKE_RESERVE = 16 * 1024;

  /**
   * The most DATA bytes one frame should carry now: what fills the record being built; while
   * the session's handshake runs, what its queue takes besides {@link #HANDSHAKE_RESERVE}.
   * Zero or less: none now (the streams wait for {@code established}).
   */
  public static int dataRoom(Session session) {
    int queued = session.queueRoom() - HANDSHAKE_RESERVE; // (established: no bound)
    return Math.min(Math.min(session.recordRoom(), queued) - StreamFrameCodec.DATA_HEADER_SIZE,
        FrameLimits.MAX_STREAM_DATA);
  }

  /** The stream frames of one record's plaintext, in order. */
  public static List<StreamFrame> read(FrameBytes plaintext) throws FrameDecodeException {
    return StreamFrameCodec.decodeBatch(plaintext);
  }
}
