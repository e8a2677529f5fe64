package io.staex.proxy.internal.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.LinkFrameCodec;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelLinkTest {
  static final LinkFrame FULL = new LinkFrame.Routing(
      false, FrameBytes.copyOf(new byte[FrameLimits.MAX_ROUTING_CHUNK]));
  static final LinkFrame SMALL = new LinkFrame.Routing(false, FrameBytes.copyOf(new byte[100]));

  @Test
  void fullFrames_oneRecordEach() {
    List<OutboundRecord> records = ChannelLink.batch(Collections.nCopies(3, FULL));
    assertThat(records).hasSize(3).allSatisfy(r -> assertThat(r.frames()).hasSize(1));
  }

  @Test
  void smallFrames_packedUpToTheLimitInOrder() {
    int perRecord = FrameLimits.MAX_LINK_RECORD_PLAINTEXT / LinkFrameCodec.encodedSize(SMALL);
    List<OutboundRecord> records = ChannelLink.batch(Collections.nCopies(perRecord + 1, SMALL));
    assertThat(records).hasSize(2);
    assertThat(records.get(0).frames()).hasSize(perRecord);
    assertThat(records.get(1).frames()).hasSize(1);
  }

  @Test
  void mixed_neverOverTheLimit() {
    List<OutboundRecord> records = ChannelLink.batch(List.of(SMALL, FULL, SMALL, SMALL, FULL));
    for (OutboundRecord r : records) {
      int size = r.frames().stream().mapToInt(LinkFrameCodec::encodedSize).sum();
      assertThat(size).isLessThanOrEqualTo(FrameLimits.MAX_LINK_RECORD_PLAINTEXT);
    }
    assertThat(records.stream().flatMap(r -> r.frames().stream()))
        .containsExactly(SMALL, FULL, SMALL, SMALL, FULL);
  }

  @Test
  void nothing_noRecord() {
    assertThat(ChannelLink.batch(List.of())).isEmpty();
  }
}
