package io.staex.proxy.rtsp.internal;

import static io.staex.proxy.rtsp.internal.Captures.bytes;
import static io.staex.proxy.rtsp.internal.Splitting.byteByByte;
import static io.staex.proxy.rtsp.internal.Splitting.split;
import static io.staex.proxy.rtsp.internal.Splitting.whole;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.staex.proxy.rtsp.internal.RtspError.Reason;
import io.staex.testing.LeakWatch;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

class RtspParserTest {

  @AfterContainer
  static void noBufferWasCollectedUnreleased() throws InterruptedException {
    LeakWatch.assertNoLeaks();
  }

  static RtspMessage message(String latin1) {
    Splitting.Split split = whole(latin1);
    split.release();
    assertThat(split.items()).hasSize(1);
    return (RtspMessage) split.items().get(0);
  }

  static RtspError error(byte[] bytes) {
    Splitting.Split split = byteByByte(bytes);
    split.release();
    List<RtspItem> items = split.items();
    assertThat(items).isNotEmpty();
    assertThat(items.get(items.size() - 1)).isInstanceOf(RtspError.class);
    return (RtspError) items.get(items.size() - 1);
  }

  @Example
  void realMessages_wholeAndByteByByte_giveOneMessageWithTheSameBytes() {
    for (String capture : Captures.ALL) {
      assertThat(whole(capture).encodeAndRelease()).isEqualTo(bytes(capture));
      Splitting.Split split = byteByByte(bytes(capture));
      split.release();
      List<RtspItem> items = split.items();
      assertThat(items).hasSize(1).first().isInstanceOf(RtspMessage.class);
      assertThat(((RtspMessage) items.get(0)).text()).isEqualTo(capture);
    }
  }

  @Example
  void ffmpegSetup_isRead() {
    RtspMessage m = message(Captures.FFMPEG_SETUP_UDP);
    assertThat(m.isRequest()).isTrue();
    assertThat(m.method()).isEqualTo("SETUP");
    assertThat(m.uri()).isEqualTo("rtsp://127.0.0.1:8554/test/trackID=0");
    assertThat(m.cseq()).contains("3");
    assertThat(m.header("transport")).contains("RTP/AVP/UDP;unicast;client_port=24510-24511");
    assertThat(m.headers()).extracting(RtspHeader::name)
        .containsExactly("Transport", "CSeq", "User-Agent");
    assertThat(m.body()).isEmpty();
  }

  @Example
  void describeReply_keepsTheSdpBody_andVlcsCseqCasing() {
    RtspMessage vlc = message(Captures.VLC_DESCRIBE_REPLY);
    assertThat(vlc.isRequest()).isFalse();
    assertThat(vlc.status()).isEqualTo(200);
    assertThat(vlc.body()).isEqualTo(Captures.VLC_SDP);
    assertThat(vlc.cseq()).contains("2");
    assertThat(vlc.headers()).extracting(RtspHeader::name).contains("Cseq");
    assertThat(message(Captures.VLC_461).status()).isEqualTo(461);
  }

  @Example
  void lfLineEnds_andFoldedHeaders_areAccepted() {
    RtspMessage m = message(Captures.RFC_LF_FOLDED);
    assertThat(m.header("Public")).contains("DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE");
    assertThat(m.text()).isEqualTo(Captures.RFC_LF_FOLDED);
  }

  @Example
  void interleavedFrames_betweenMessages_areSlicesOfTheInput() {
    byte[] rtp = {(byte) 0x80, 96, 0, 1, 2, 3};
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.writeBytes(bytes(Captures.GST_SETUP_REPLY));
    s.writeBytes(new byte[] {'$', 0, 0, 6});
    s.writeBytes(rtp);
    s.writeBytes(new byte[] {'$', (byte) 255, 0, 0});
    s.writeBytes(bytes("\r\n" + Captures.VLC_461));
    for (Splitting.Split split : List.of(split(s.toByteArray(), List.of()),
        byteByByte(s.toByteArray()))) {
      List<RtspItem> items = split.items();
      assertThat(items).extracting(RtspItem::kind).containsExactly(RtspItem.Kind.MESSAGE,
          RtspItem.Kind.INTERLEAVED, RtspItem.Kind.INTERLEAVED, RtspItem.Kind.MESSAGE);
      InterleavedFrame f = (InterleavedFrame) items.get(1);
      assertThat(f.channel()).isZero();
      byte[] payload = new byte[6];
      f.content().getBytes(f.content().readerIndex(), payload);
      assertThat(payload).isEqualTo(rtp);
      assertThat(((InterleavedFrame) items.get(2)).channel()).isEqualTo(255);
      assertThat(((InterleavedFrame) items.get(2)).content().readableBytes()).isZero();
      // The CRLF between items is not kept: it carries nothing.
      byte[] expected = s.toByteArray();
      byte[] out = split.encodeAndRelease();
      assertThat(out.length).isEqualTo(expected.length - 2);
    }
  }

  @Example
  void garbage_isOneError_atTheFirstByteThatCannotBeRtsp() {
    RtspError e = error(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
    assertThat(e.reason()).isEqualTo(Reason.GARBAGE);
    assertThat(e.message()).contains("byte 0x16 at stream offset 0");
    RtspError afterMessage = error(bytes(Captures.VLC_461 + "{\"json\": 1}"));
    assertThat(afterMessage.message())
        .contains("byte 0x7b at stream offset " + Captures.VLC_461.length());
    assertThat(error(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).reason())
        .isEqualTo(Reason.BAD_START_LINE);
    assertThat(error(bytes("OPTIONS * RTSP/1.0\r\nCSeq 1\r\n\r\n")).reason())
        .isEqualTo(Reason.BAD_HEADER);
    assertThat(error(bytes("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\0\n\r\n")).reason())
        .isEqualTo(Reason.GARBAGE);
  }

  @Example
  void afterAnError_everythingIsDiscarded() {
    RtspParser parser = new RtspParser();
    List<RtspItem> items =
        split(parser, bytes("\u0001" + Captures.VLC_461), List.of(1, 5)).items();
    assertThat(items).hasSize(1).first().isInstanceOf(RtspError.class);
    assertThat(parser.failed()).isTrue();
  }

  @Example
  void contentLength_badOrTwoDifferent_isAnError() {
    for (String length : new String[] {"-1", "x", "1 2", "9999999999"}) {
      String m = "RTSP/1.0 200 OK\r\nContent-Length: " + length + "\r\n\r\n";
      assertThat(error(bytes(m)).reason()).as(length).isEqualTo(Reason.BAD_CONTENT_LENGTH);
    }
    String two = "RTSP/1.0 200 OK\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\nab";
    assertThat(error(bytes(two)).reason()).isEqualTo(Reason.BAD_CONTENT_LENGTH);
    String same = "RTSP/1.0 200 OK\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\na";
    assertThat(message(same).body()).isEqualTo("a");
  }

  @Example
  void headAndBody_atTheLimit_pass_oneMore_isAnErrorNamingIt() {
    RtspLimits limits = new RtspLimits(64, 10);
    String start = "RTSP/1.0 200 OK\r\nX: ";
    String atLimit = start + "a".repeat(64 - start.length() - 4) + "\r\n\r\n";
    assertThat(atLimit).hasSize(64);
    assertThat(split(new RtspParser(limits), bytes(atLimit), List.of(3)).items())
        .hasSize(1).first().isInstanceOf(RtspMessage.class);
    String over = start + "a".repeat(64 - start.length() - 3) + "\r\n\r\n";
    List<RtspItem> items = split(new RtspParser(limits), bytes(over), List.of()).items();
    assertThat(items).containsExactly(new RtspError(Reason.HEAD_TOO_LARGE, "RTSP head at stream "
        + "offset 0: more than 64 bytes without an empty line (expected: at most 64)"));
    String body10 = "RTSP/1.0 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
    assertThat(split(new RtspParser(limits), bytes(body10), List.of()).items().get(0))
        .isInstanceOf(RtspMessage.class);
    String body11 = "RTSP/1.0 200 OK\r\nContent-Length: 11\r\n\r\n";
    RtspError e =
        (RtspError) split(new RtspParser(limits), bytes(body11), List.of()).items().get(0);
    assertThat(e.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertThat(e.message()).contains("Content-Length 11", "(expected: at most 10)");
  }

  @Example
  void defaultLimits_are16KiBHead_64KiBBody() {
    String big = "RTSP/1.0 200 OK\r\nX: " + "a".repeat(16 * 1024) + "\r\n\r\n";
    assertThat(error(bytes(big)).reason()).isEqualTo(Reason.HEAD_TOO_LARGE);
    String body = "RTSP/1.0 200 OK\r\nContent-Length: " + (64 * 1024 + 1) + "\r\n\r\n";
    assertThat(error(bytes(body)).reason()).isEqualTo(Reason.BODY_TOO_LARGE);
  }

  @Example
  void aLargestInterleavedFrame_passes() {
    byte[] frame = new byte[4 + 65535];
    frame[0] = '$';
    frame[1] = 1;
    frame[2] = (byte) 0xff;
    frame[3] = (byte) 0xff;
    frame[100] = 42;
    assertThat(split(frame, List.of(2, 3, 40000)).encodeAndRelease()).isEqualTo(frame);
  }

  /** The lead's handler: {@link RtspParser#decode} inside Netty's own cumulating decoder. */
  static final class Decoder extends ByteToMessageDecoder {
    final RtspParser parser = new RtspParser();

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      parser.decode(in, out);
    }
  }

  @Property(tries = 100)
  void insideByteToMessageDecoder_itemsAreTheSame(@ForAll("streams") byte[] stream,
      @ForAll @Size(max = 20) List<Integer> cuts) {
    EmbeddedChannel channel = new EmbeddedChannel(new Decoder());
    List<Integer> at = new ArrayList<>();
    cuts.forEach(c -> at.add(Math.floorMod(c, stream.length + 1)));
    at.add(stream.length);
    at.sort(null);
    int from = 0;
    for (int to : at) {
      ByteBuf chunk = PooledByteBufAllocator.DEFAULT.buffer(to - from);
      channel.writeInbound(chunk.writeBytes(stream, from, to - from));
      from = to;
    }
    assertThat(channel.finish()).isEqualTo(stream.length > 0);
    ByteBuf out = Unpooled.buffer();
    for (Object item = channel.readInbound(); item != null; item = channel.readInbound()) {
      RtspEncoder.encode((RtspItem) item, out);
      ReferenceCountUtil.release(item);
    }
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    assertThat(bytes).isEqualTo(stream);
  }

  // ---- properties ----

  @Provide
  Arbitrary<byte[]> streams() {
    return RtspArbitraries.streams();
  }

  @Property(tries = 300)
  void validStreams_inArbitraryChunks_encodeBackToTheSameBytes(@ForAll("streams") byte[] stream,
      @ForAll @Size(max = 20) List<Integer> cuts) {
    Splitting.Split split = split(stream, cuts);
    assertThat(split.items()).noneMatch(i -> i.kind() == RtspItem.Kind.ERROR);
    assertThat(split.encodeAndRelease()).isEqualTo(stream);
  }

  @Property(tries = 100)
  void realMessages_inArbitraryChunks_encodeBackToTheSameBytes(
      @ForAll @Size(max = 30) List<Integer> cuts) {
    byte[] all = bytes(String.join("", Captures.ALL));
    Splitting.Split split = split(all, cuts);
    assertThat(split.items()).hasSize(Captures.ALL.length);
    assertThat(split.encodeAndRelease()).isEqualTo(all);
  }

  @Provide
  Arbitrary<byte[]> junk() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
        RtspArbitraries.streams().map(RtspArbitraries::damaged));
  }

  @Property(tries = 1000)
  void arbitraryBytes_giveItemsOrOneFinalError_neverAnException_andLeakNothing(
      @ForAll("junk") byte[] bytes, @ForAll @Size(max = 10) List<Integer> cuts) {
    Splitting.Split split = split(bytes, cuts);
    List<RtspItem> items = split.items();
    for (int i = 0; i < items.size() - 1; i++) {
      assertThat(items.get(i).kind()).isNotEqualTo(RtspItem.Kind.ERROR);
    }
    split.release();
  }
}
