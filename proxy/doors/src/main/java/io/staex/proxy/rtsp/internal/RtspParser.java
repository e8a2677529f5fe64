package io.staex.proxy.rtsp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import io.staex.proxy.rtsp.internal.RtspError.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits one direction of an RTSP 1.0 connection into {@link RtspItem}s: messages (start line,
 * headers, Content-Length body, every byte kept) and {@code $}-framed interleaved frames, fed in
 * chunks of any size (one byte at a time works).
 *
 * <pre>
 *   ITEM ──'$'──▶ wait for 4 + length bytes ──▶ InterleavedFrame ──▶ ITEM
 *     │  CR, LF between items: skipped
 *     └─other──▶ HEAD (lines up to the empty one) ──▶ BODY (Content-Length) ──▶ RtspMessage
 *   any problem ──▶ one RtspError, then FAILED: all further input is discarded
 * </pre>
 *
 * <p>Error contract: never throws on input; bytes that are neither a {@code $} frame nor an RTSP
 * message, or a head or body over {@link RtspLimits}, give one {@link RtspError} and the parser
 * stays failed. Garbage is recognised early: the first byte of a start line must be a token
 * character, control bytes other than CR LF HT are refused where they arrive.
 *
 * <p>Two ways in: {@link #decode} follows {@link ByteToMessageDecoder}'s contract (reads
 * whole items from a cumulation the caller owns and leaves the rest); {@link #feed} owns its
 * cumulation and takes over each chunk. Interleaved payloads are retained slices of the input:
 * the receiver of an {@link InterleavedFrame} releases it. Not safe for concurrent use.
 */
public final class RtspParser {
  private enum State { ITEM, HEAD, BODY, FAILED }

  private enum Verdict { MORE, DONE, TOO_LARGE, GARBAGE }

  private final RtspLimits limits;
  private State state = State.ITEM;
  /** Bytes consumed before the current item, for error messages. */
  private long position;
  /** HEAD: bytes of the head already checked, counted from the reader index. */
  private int scanned;
  /** HEAD: where the current line starts, counted from the reader index. */
  private int lineStart;
  private boolean inStartLine;
  private boolean inMethod;
  private boolean lastWasCr;
  /** HEAD: what {@link #scan} found; read right after the scan. */
  private Verdict verdict = Verdict.MORE;
  private final ByteProcessor scanner = this::scan;
  /** BODY: the message read so far and the lengths of its head and body. */
  private RtspMessage head;
  private int headLength;
  private int bodyLength;
  /** {@link #feed}'s unread bytes, or null. */
  private ByteBuf cumulation;

  public RtspParser(RtspLimits limits) {
    this.limits = limits;
  }

  public RtspParser() {
    this(RtspLimits.DEFAULT);
  }

  public boolean failed() {
    return state == State.FAILED;
  }

  /**
   * Takes over {@code chunk}, adds every item it completes to {@code out}. Call {@link #release}
   * when the stream ends.
   */
  public void feed(ByteBuf chunk, List<? super RtspItem> out) {
    cumulation = cumulation == null
        ? chunk : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(chunk.alloc(), cumulation, chunk);
    decode(cumulation, out);
    if (!cumulation.isReadable()) {
      cumulation.release();
      cumulation = null;
    } else if (cumulation.refCnt() == 1) {
      // Only when no frame payload shares the memory: discarding moves the bytes.
      cumulation.discardSomeReadBytes();
    }
  }

  /** Releases the bytes of an unfinished item held by {@link #feed}. */
  public void release() {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
  }

  /**
   * Reads every complete item from {@code in}'s readable bytes into {@code out}, moving the
   * reader index past them; an incomplete item's bytes stay unread for the next call, with more
   * bytes appended. Never retains or releases {@code in} except through frame payload slices.
   */
  public void decode(ByteBuf in, List<? super RtspItem> out) {
    boolean progress = true;
    while (progress && in.isReadable()) {
      progress = switch (state) {
        case ITEM -> item(in, out);
        case HEAD -> head(in, out);
        case BODY -> body(in, out);
        case FAILED -> false;
      };
    }
    if (state == State.FAILED) {
      in.skipBytes(in.readableBytes());
    }
  }

  private boolean item(ByteBuf in, List<? super RtspItem> out) {
    byte first = in.getByte(in.readerIndex());
    if (first == '\r' || first == '\n') {
      in.skipBytes(1);
      position++;
      return true;
    }
    if (first == '$') {
      return interleaved(in, out);
    }
    state = State.HEAD;
    scanned = 0;
    lineStart = 0;
    inStartLine = true;
    inMethod = true;
    lastWasCr = false;
    return true;
  }

  private boolean interleaved(ByteBuf in, List<? super RtspItem> out) {
    int at = in.readerIndex();
    if (in.readableBytes() < InterleavedFrame.HEADER_SIZE) {
      return false;
    }
    int length = in.getUnsignedShort(at + 2);
    if (in.readableBytes() < InterleavedFrame.HEADER_SIZE + length) {
      return false;
    }
    int channel = in.getUnsignedByte(at + 1);
    in.skipBytes(InterleavedFrame.HEADER_SIZE);
    out.add(new InterleavedFrame(channel, in.readRetainedSlice(length)));
    position += InterleavedFrame.HEADER_SIZE + length;
    return true;
  }

  private boolean head(ByteBuf in, List<? super RtspItem> out) {
    int base = in.readerIndex();
    verdict = Verdict.MORE;
    in.forEachByte(base + scanned, in.writerIndex() - base - scanned, scanner);
    return switch (verdict) {
      case MORE -> false;
      case DONE -> headDone(in, out);
      case TOO_LARGE -> fail(out, Reason.HEAD_TOO_LARGE, "RTSP head at stream offset "
          + position + ": more than " + limits.maxHead()
          + " bytes without an empty line (expected: at most " + limits.maxHead() + ")");
      case GARBAGE -> fail(out, Reason.GARBAGE, "not RTSP: byte 0x"
          + Integer.toHexString(in.getUnsignedByte(base + scanned - 1)) + " at stream offset "
          + (position + scanned - 1) + " after " + RtspText.quote(in.toString(base + lineStart,
              scanned - 1 - lineStart, StandardCharsets.ISO_8859_1))
          + " (expected: '$' or an RTSP start line, text headers)");
    };
  }

  /** One byte of the head: false (and a verdict) to stop at the head's end or a problem. */
  private boolean scan(byte value) {
    if (scanned >= limits.maxHead()) {
      verdict = Verdict.TOO_LARGE;
      return false;
    }
    int c = value & 0xff;
    boolean afterCr = lastWasCr;
    lastWasCr = c == '\r';
    scanned++;
    if (c == '\n') {
      int length = scanned - lineStart;
      boolean empty = length == 1 || (length == 2 && afterCr);
      boolean end = empty && !inStartLine;
      inStartLine = false;
      inMethod = false;
      lineStart = scanned;
      verdict = end ? Verdict.DONE : Verdict.MORE;
      return !end;
    }
    if (afterCr || (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f
        || (inMethod && !startLineChar(c))) {
      verdict = Verdict.GARBAGE;
      return false;
    }
    return true;
  }

  private boolean startLineChar(int c) {
    if (c == ' ') {
      inMethod = false;
      return scanned > 1;
    }
    return RtspText.isTokenChar(c) || c == '/';
  }

  private boolean headDone(ByteBuf in, List<? super RtspItem> out) {
    String text = in.toString(in.readerIndex(), scanned, StandardCharsets.ISO_8859_1);
    RtspHead.Result r = RtspHead.read(text, position, limits);
    if (r.error() != null) {
      return fail(out, r.error());
    }
    head = r.message();
    headLength = scanned;
    bodyLength = r.bodyLength();
    state = State.BODY;
    return true;
  }

  private boolean body(ByteBuf in, List<? super RtspItem> out) {
    if (in.readableBytes() < headLength + bodyLength) {
      return false;
    }
    in.skipBytes(headLength);
    String body = in.readCharSequence(bodyLength, StandardCharsets.ISO_8859_1).toString();
    out.add(new RtspMessage(head.startLine(), head.startEol(), head.headers(), head.endOfHead(),
        body));
    position += headLength + bodyLength;
    head = null;
    state = State.ITEM;
    return true;
  }

  private boolean fail(List<? super RtspItem> out, Reason reason, String message) {
    return fail(out, new RtspError(reason, message));
  }

  private boolean fail(List<? super RtspItem> out, RtspError error) {
    out.add(error);
    state = State.FAILED;
    head = null;
    return false;
  }
}
