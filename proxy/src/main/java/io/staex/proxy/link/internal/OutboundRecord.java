package io.staex.proxy.link.internal;

import io.staex.proxy.frame.LinkFrame;
import java.util.List;

/** Frames to seal into one link record: what {@link ChannelLink} writes into the pipeline. */
record OutboundRecord(List<LinkFrame> frames) {
  OutboundRecord {
    frames = List.copyOf(frames);
  }
}
