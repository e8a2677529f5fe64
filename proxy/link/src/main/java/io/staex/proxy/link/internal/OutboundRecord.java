package io.staex.proxy.link.internal;

import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.LinkFrameCodec;
import java.util.List;

/**
 * Frames to seal into one link record: what {@link ChannelLink} writes into the pipeline.
 * {@code bytes} is their encoded size, what the channel counts for it until it is sealed ({@link
 * LinkMessageSizes}).
 */
record OutboundRecord(List<LinkFrame> frames, int bytes) {
  OutboundRecord {
    frames = List.copyOf(frames);
  }

  OutboundRecord(List<LinkFrame> frames) {
    this(frames, encodedSize(frames));
  }

  private static int encodedSize(List<LinkFrame> frames) {
    int n = 0;
    for (LinkFrame f : frames) {
      n += LinkFrameCodec.encodedSize(f);
    }
    return n;
  }
}
