package io.staex.conf;

/**
 * Text that is not a valid {@link HostPort} or {@link Target}; {@link #reason()} says which part
 * is wrong and {@link #detail()} what was expected.
 */
public final class HostPortFormatException extends IllegalArgumentException {
  /** Which part of {@code host:port} was refused. */
  public enum Reason {
    /** No port, not a number, or outside 1~65535. */
    PORT,
    /** Not an IPv4 address, [IPv6 address] or host name, or (for targets) not a .staex name. */
    HOST
  }

  private final Reason reason;
  private final String detail;

  /**
   * @param input the refused text, quoted at the start of the message
   * @param detail what is wrong and what was expected, without the input
   */
  public HostPortFormatException(Reason reason, String input, String detail) {
    super("'" + abbreviate(input) + "': " + detail);
    this.reason = reason;
    this.detail = detail;
  }

  public Reason reason() {
    return reason;
  }

  /** What is wrong and what was expected, without repeating the input. */
  public String detail() {
    return detail;
  }

  private static String abbreviate(String s) {
    return s.length() <= 70 ? s : s.substring(0, 67) + "...";
  }
}
