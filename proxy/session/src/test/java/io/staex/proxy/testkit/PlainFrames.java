package io.staex.proxy.testkit;

import io.netty.buffer.ByteBuf;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.frame.StreamFrameCodec;
import io.staex.proxy.session.Session;
import java.util.List;

/**
 * For tests whose sessions carry stream frames as their messages: one written into a session, a
 * record's plaintext read back. The stream layer's {@code StreamWire} does this for a node; the
 * session module's tests cannot use it (the stream module is above theirs), so this is its
 * twin, the same two codec calls.
 */
public final class PlainFrames {
  private PlainFrames() {}

  /** Queues {@code frame} for the session's peer, as one message; dropped if it is closed. */
  public static void send(Session session, StreamFrame frame) {
    ByteBuf out = session.append(StreamFrameCodec.encodedSize(frame));
    if (out != null) {
      StreamFrameCodec.encode(frame, out);
      session.appended();
    }
  }

  /** The stream frames of {@code plaintext}; a test fails if it holds none that parse. */
  public static List<StreamFrame> read(FrameBytes plaintext) {
    try {
      return StreamFrameCodec.decodeBatch(plaintext);
    } catch (FrameDecodeException e) {
      throw new AssertionError("a record that is not stream frames: " + e.getMessage(), e);
    }
  }
}
