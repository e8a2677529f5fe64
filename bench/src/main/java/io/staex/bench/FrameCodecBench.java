package io.staex.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.staex.proxy.frame.EncodedPacket;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.LinkFrameCodec;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.frame.StreamFrameCodec;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The frame codecs of the proxy on a 16 KiB payload (the record size the relay is tuned for):
 * a link PACKET frame with a one-hop route, and a stream DATA frame, each encoded into a pooled
 * direct buffer (as a link writes them) and decoded from one (as read off a socket): {@code
 * readFrame} copies the payload into a value, {@code readPacket} is what a relay does instead
 * (the header decoded, the frame kept as a retained slice, then released).
 *
 * <p>Units as in {@link PayloadBench}: one op per payload byte, so {@code ops/us} are MB/s.
 */
public class FrameCodecBench extends PayloadBench {

  private final NodeKey destination = NodeKey.copyOf(filled(NodeKey.SIZE, 0x0d));
  private final NodeKey source = NodeKey.copyOf(filled(NodeKey.SIZE, 0x05));
  private LinkFrame.Packet packet;
  private StreamFrame.Data data;
  private ByteBuf encoded;
  private ByteBuf packetBytes;
  private ByteBuf dataBytes;

  @Setup
  public void setUp() {
    packet = LinkFrame.Packet.of(destination, source, List.of(destination),
        FrameBytes.copyOf(large));
    data = new StreamFrame.Data(7, FrameBytes.copyOf(large));
    encoded = PooledByteBufAllocator.DEFAULT.directBuffer(LARGE + 1024);
    packetBytes = PooledByteBufAllocator.DEFAULT.directBuffer(LARGE + 1024);
    LinkFrameCodec.encode(packet, packetBytes);
    dataBytes = PooledByteBufAllocator.DEFAULT.directBuffer(LARGE + 1024);
    StreamFrameCodec.encode(data, dataBytes);
  }

  @TearDown
  public void tearDown() {
    encoded.release();
    packetBytes.release();
    dataBytes.release();
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int linkPacketEncode_16384() {
    encoded.clear();
    LinkFrameCodec.encode(packet, encoded);
    return encoded.writerIndex();
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public LinkFrame linkPacketReadFrame_16384() throws FrameDecodeException {
    packetBytes.readerIndex(0);
    return LinkFrameCodec.readFrame(packetBytes);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int linkPacketReadPacket_16384() throws FrameDecodeException {
    packetBytes.readerIndex(0);
    EncodedPacket p = LinkFrameCodec.readPacket(packetBytes);
    int size = p.content().readableBytes();
    p.release();
    return size;
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int streamDataEncode_16384() {
    encoded.clear();
    StreamFrameCodec.encode(data, encoded);
    return encoded.writerIndex();
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public StreamFrame streamDataReadFrame_16384() throws FrameDecodeException {
    dataBytes.readerIndex(0);
    return StreamFrameCodec.readFrame(dataBytes);
  }
}
