package io.staex.conf.internal;

import io.staex.conf.HostPortFormatException;
import io.staex.conf.HostPortFormatException.Reason;

/** TCP/UDP port numbers as configured: 1~65535 (0, "any port", is never what a config means). */
public final class Ports {
  public static final int MIN = 1;
  public static final int MAX = 65535;

  private Ports() {}

  /** Refuses a port outside 1~65535. */
  public static int check(String input, int port) {
    if (port < MIN || port > MAX) {
      throw new HostPortFormatException(
          Reason.PORT, input, "port " + port + " (expected: " + MIN + "~" + MAX + ")");
    }
    return port;
  }

  /** Parses 1 to 5 ASCII digits into a port 1~65535. */
  public static int parse(String input, String text) {
    if (text.isEmpty()) {
      throw new HostPortFormatException(
          Reason.PORT, input, "no port after ':' (expected: " + MIN + "~" + MAX + ")");
    }
    if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new HostPortFormatException(
          Reason.PORT, input,
          "port '" + text + "' is not a number (expected: " + MIN + "~" + MAX + ")");
    }
    return check(input, Integer.parseInt(text));
  }
}
