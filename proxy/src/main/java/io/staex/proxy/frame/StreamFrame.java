package io.staex.proxy.frame;

import java.util.Objects;

/**
 * A frame of the stream layer, inside a session record's plaintext; a record carries one or
 * more back to back. The layout is drawn once, in {@link StreamFrameCodec}.
 *
 * <p>Stream ids and credits are unsigned 32-bit values, held in {@code long}s; ports and
 * channels are unsigned 16-bit values, held in {@code int}s. Constructors refuse values outside
 * those ranges.
 */
public sealed interface StreamFrame permits StreamFrame.Open, StreamFrame.Data,
    StreamFrame.Window, StreamFrame.Fin, StreamFrame.Reset, StreamFrame.Datagram,
    StreamFrame.OpenHost {

  /** Longest host of an {@link OpenHost}: a DNS name's 253 characters, with room to spare. */
  int MAX_HOST_LENGTH = 255;

  /** Largest stream id, credit or window: 2^32 − 1. */
  long MAX_U32 = 0xFFFF_FFFFL;

  /** The type byte of this frame. */
  StreamFrameType type();

  /**
   * Opens stream {@code streamId} to {@code port} of the receiving node's exposed services.
   *
   * @param port 1~65535
   * @param initialWindow bytes the opener is ready to receive before its first {@link Window}
   */
  record Open(long streamId, int port, long initialWindow) implements StreamFrame {
    public Open {
      checkU32("stream id", streamId, 0);
      if (port < 1 || port > 0xFFFF) {
        throw new IllegalArgumentException("port: " + port + " (expected: 1~65535)");
      }
      checkU32("initial window", initialWindow, 0);
    }

    @Override
    public StreamFrameType type() {
      return StreamFrameType.OPEN;
    }
  }

  /**
   * Opens stream {@code streamId} to {@code host}:{@code port} beyond the receiving node, an
   * exit ({@code docs/exit.md}): the exit resolves the name itself and connects if its policy
   * allows. Otherwise as {@link Open}.
   *
   * @param host a DNS name or an IP literal (IPv6 without brackets): 1~{@link
   *     #MAX_HOST_LENGTH} characters of letters, digits and {@code . - _ :}
   * @param port 1~65535
   */
  record OpenHost(long streamId, String host, int port, long initialWindow)
      implements StreamFrame {
    public OpenHost {
      checkU32("stream id", streamId, 0);
      String problem = hostProblem(host);
      if (problem != null) {
        throw new IllegalArgumentException("host: " + problem);
      }
      if (port < 1 || port > 0xFFFF) {
        throw new IllegalArgumentException("port: " + port + " (expected: 1~65535)");
      }
      checkU32("initial window", initialWindow, 0);
    }

    @Override
    public StreamFrameType type() {
      return StreamFrameType.OPEN_HOST;
    }
  }

  /**
   * Why {@code host} cannot be an {@link OpenHost}'s host, or null: empty, longer than {@link
   * #MAX_HOST_LENGTH}, or a character other than ASCII letters, digits and {@code . - _ :}.
   */
  static String hostProblem(String host) {
    if (host == null || host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
      return (host == null ? "null" : host.length() + " characters")
          + " (expected: 1~" + MAX_HOST_LENGTH + " characters)";
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '_' || c == ':';
      if (!ok) {
        return "character " + (int) c + " at " + i + " (expected: letters, digits, . - _ :)";
      }
    }
    return null;
  }

  /**
   * Bytes of stream {@code streamId}, counted against the receiver's window.
   *
   * @param data 0~{@link FrameLimits#MAX_STREAM_DATA} bytes
   */
  record Data(long streamId, FrameBytes data) implements StreamFrame {
    public Data {
      checkU32("stream id", streamId, 0);
      checkData(data, FrameLimits.MAX_STREAM_DATA);
    }

    @Override
    public StreamFrameType type() {
      return StreamFrameType.DATA;
    }
  }

  /**
   * The sender may receive {@code credit} more bytes on stream {@code streamId}.
   *
   * @param credit 1~2^32 − 1 (a zero credit would say nothing)
   */
  record Window(long streamId, long credit) implements StreamFrame {
    public Window {
      checkU32("stream id", streamId, 0);
      checkU32("credit", credit, 1);
    }

    @Override
    public StreamFrameType type() {
      return StreamFrameType.WINDOW;
    }
  }

  /** The sender will send no more data on stream {@code streamId} (a TCP half-close). */
  record Fin(long streamId) implements StreamFrame {
    public Fin {
      checkU32("stream id", streamId, 0);
    }

    @Override
    public StreamFrameType type() {
      return StreamFrameType.FIN;
    }
  }

  /** Stream {@code streamId} is over, both ways, for {@code reason}. */
  record Reset(long streamId, ResetReason reason) implements StreamFrame {
    public Reset {
      checkU32("stream id", streamId, 0);
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public StreamFrameType type() {
      return StreamFrameType.RESET;
    }
  }

  /**
   * One datagram of stream {@code streamId} on its {@code channel} (an RTSP interleaved channel,
   * a SOCKS UDP association's client, …). Unlike {@link Data} it is not counted against the
   * stream's credit and may be dropped on the way (never once sealed: see {@code
   * docs/sessions.md}); the stream only scopes it.
   *
   * @param channel 0~65535
   * @param data 0~{@link FrameLimits#MAX_DATAGRAM} bytes
   */
  record Datagram(long streamId, int channel, FrameBytes data) implements StreamFrame {
    public Datagram {
      checkU32("stream id", streamId, 0);
      if (channel < 0 || channel > 0xFFFF) {
        throw new IllegalArgumentException("channel: " + channel + " (expected: 0~65535)");
      }
      checkData(data, FrameLimits.MAX_DATAGRAM);
    }

    @Override
    public StreamFrameType type() {
      return StreamFrameType.DATAGRAM;
    }
  }

  private static void checkU32(String name, long value, long min) {
    if (value < min || value > MAX_U32) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: " + min + "~" + MAX_U32 + ")");
    }
  }

  private static void checkData(FrameBytes data, int max) {
    Objects.requireNonNull(data, "data");
    if (data.size() > max) {
      throw new IllegalArgumentException(
          "data: " + data.size() + " bytes (expected: 0~" + max + ")");
    }
  }
}
