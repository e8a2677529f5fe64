package io.staex.conf;

import io.staex.conf.HostPortFormatException.Reason;
import io.staex.conf.internal.Hosts;
import io.staex.conf.internal.Ports;
import io.staex.crypto.Address;
import io.staex.crypto.AddressFormatException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a port forward leads: a port of an overlay node, named either by its address ({@code
 * <address>.staex:80}) or by the name its certificate holds ({@code camera1.staex:554}).
 */
public sealed interface Target permits Target.ByAddress, Target.ByName {
  /** The overlay port, 1~65535. */
  int port();

  /** {@code <label>.staex}. */
  String hostName();

  /**
   * Parses {@code <address>.staex:port} or {@code <name>.staex:port}, case-insensitively: a
   * 55-character label must be a valid address (so a typo in one is caught by its checksum, not
   * taken for a name), any other a DNS label.
   *
   * @throws HostPortFormatException and no other exception for any non-null text
   */
  static Target parse(String text) {
    String s = text.strip();
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw new HostPortFormatException(
          Reason.PORT, text, "no port (expected: <address>.staex:port or <name>.staex:port)");
    }
    int port = Ports.parse(text, s.substring(colon + 1));
    String host = s.substring(0, colon).toLowerCase(Locale.ROOT);
    String suffix = "." + Address.DOMAIN;
    if (!host.endsWith(suffix)) {
      throw new HostPortFormatException(
          Reason.HOST, text,
          "'" + host + "' is not a " + suffix + " name (expected: <address>" + suffix
              + " or <name>" + suffix + ")");
    }
    String label = host.substring(0, host.length() - suffix.length());
    if (label.length() == Address.TEXT_LENGTH) {
      try {
        return new ByAddress(Address.parse(label), port);
      } catch (AddressFormatException e) {
        throw new HostPortFormatException(
            Reason.HOST, text, "a 55-character label is an address, and this one is not: "
                + e.getMessage());
      }
    }
    String problem = Hosts.labelProblem(label);
    if (problem != null) {
      throw new HostPortFormatException(
          Reason.HOST, text, "name '" + label + "' before " + suffix + ": " + problem);
    }
    return new ByName(label, port);
  }

  /** A node named by its address. */
  record ByAddress(Address address, int port) implements Target {
    public ByAddress {
      Objects.requireNonNull(address, "address");
      Ports.check(address.hostName() + ":" + port, port);
    }

    @Override
    public String hostName() {
      return address.hostName();
    }

    @Override
    public String toString() {
      return hostName() + ":" + port;
    }
  }

  /** A node named by its certified name: a lower-case DNS label that is not 55 characters long. */
  record ByName(String name, int port) implements Target {
    public ByName {
      Objects.requireNonNull(name, "name");
      String input = name + "." + Address.DOMAIN + ":" + port;
      Ports.check(input, port);
      String problem = Hosts.labelProblem(name);
      if (problem == null && name.length() == Address.TEXT_LENGTH) {
        problem = "55 characters, the length of an address (expected: a name of another length)";
      }
      if (problem != null) {
        throw new HostPortFormatException(Reason.HOST, input, "name '" + name + "': " + problem);
      }
    }

    @Override
    public String hostName() {
      return name + "." + Address.DOMAIN;
    }

    @Override
    public String toString() {
      return hostName() + ":" + port;
    }
  }
}
