package io.staex.proxy.link.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.LinkFrameCodec;
import io.staex.proxy.link.Link;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.link.LinkFixtures;
import io.staex.proxy.link.LinkListener;
import io.staex.proxy.link.LinkSettings;
import io.staex.proxy.link.LinkTestSettings;
import io.staex.testing.fixtures.TestNetwork;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  /**
   * A relay that pauses and resumes a link more often than the keepalive interval (a backlog
   * that fills and drains) must still send keepalives on it: the peer may hear nothing else.
   * Resuming restarts the read timeout only; restarting the write timer too (the idle handler
   * used to be replaced on resume) silenced the keepalives, and the peer closed the link with
   * "keepalive timeout" after three intervals.
   */
  @Test
  void pausedAndResumedFasterThanTheKeepaliveInterval_keepalivesGoOn() {
    LinkSettings settings = LinkTestSettings.link(
        Duration.ofMillis(200), 3, Duration.ofSeconds(5));
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    LinkConfig config = new LinkConfig(credentials(), settings, new LinkListener() {
      @Override
      public void linkUp(Link link) {}

      @Override
      public void frame(Link link, LinkFrame frame) {}

      @Override
      public void linkDown(Link link, String reason) {}
    }, new LinkStats());
    ch.pipeline()
        .addLast(LinkPipeline.IDLE, new IdleStateHandler(settings.readTimeout().toMillis(),
            settings.keepaliveInterval().toMillis(), 0, TimeUnit.MILLISECONDS))
        .addLast(LinkPipeline.KEEPALIVE, new KeepaliveHandler(config));
    ChannelLink link = new ChannelLink(ch, null);

    int keepalives = 0;
    for (int ms = 0; ms < 2000; ms += 100) { // a pause of 50 ms every 100 ms, for 2 s
      link.setReading(false);
      ch.advanceTimeBy(50, TimeUnit.MILLISECONDS);
      ch.runPendingTasks();
      link.setReading(true);
      ch.advanceTimeBy(50, TimeUnit.MILLISECONDS);
      ch.runPendingTasks();
      for (Object out; (out = ch.readOutbound()) != null; ) {
        if (out == LinkPipeline.KEEPALIVE_RECORD) {
          keepalives++;
        }
      }
    }
    assertThat(keepalives).as("keepalives in 2 s at one per 200 ms").isGreaterThanOrEqualTo(9);
    assertThat(ch.isActive()).isTrue();
    ch.finishAndReleaseAll();
  }

  static LinkCredentials credentials() {
    return LinkFixtures.credentials(TestNetwork.seeded(7).member(8));
  }
}
