package io.staex.proxy.frame.internal;

import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.FrameDecodeException.Reason;
import java.util.function.ToIntFunction;

/**
 * The explicit reject path for a code byte: maps 1~255 to the enum constant with that code and
 * refuses every other value, naming it. Code 0 is never assigned, so zeroed memory is never a
 * frame.
 *
 * @param <E> the enum of codes
 */
public final class CodeTable<E extends Enum<E>> {
  private final String what;
  private final Object[] byCode = new Object[256];
  private final String expected;

  /**
   * @param what the code's name in messages, e.g. "stream frame type"
   * @param values all constants
   * @param code each constant's code, 1~255, distinct
   */
  public CodeTable(String what, E[] values, ToIntFunction<E> code) {
    this.what = what;
    StringBuilder codes = new StringBuilder();
    for (E value : values) {
      int c = code.applyAsInt(value);
      if (c < 1 || c > 255 || byCode[c] != null) {
        throw new AssertionError(what + " code " + c + " of " + value + " not 1~255 or taken");
      }
      byCode[c] = value;
      codes.append(codes.length() == 0 ? "" : ", ").append(c).append(' ').append(value);
    }
    this.expected = codes.toString();
  }

  /**
   * The constant with {@code code}.
   *
   * @throws FrameDecodeException UNKNOWN_CODE, naming the code and the known ones
   */
  @SuppressWarnings("unchecked")
  public E get(int code) throws FrameDecodeException {
    Object value = code >= 0 && code < byCode.length ? byCode[code] : null;
    if (value == null) {
      throw new FrameDecodeException(
          Reason.UNKNOWN_CODE, "unknown " + what + " " + code + " (expected: " + expected + ")");
    }
    return (E) value;
  }
}
