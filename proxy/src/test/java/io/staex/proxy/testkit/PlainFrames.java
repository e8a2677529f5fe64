package io.staex.proxy.testkit;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.stream.StreamWire;
import java.util.List;

/** For tests whose session listener records stream frames: a record's plaintext, read. */
public final class PlainFrames {
  private PlainFrames() {}

  /** The stream frames of {@code plaintext}; a test fails if it holds none that parse. */
  public static List<StreamFrame> read(FrameBytes plaintext) {
    try {
      return StreamWire.read(plaintext);
    } catch (FrameDecodeException e) {
      throw new AssertionError("a record that is not stream frames: " + e.getMessage(), e);
    }
  }
}
