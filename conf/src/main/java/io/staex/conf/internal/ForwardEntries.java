package io.staex.conf.internal;

import io.staex.conf.ConfigProblem.Reason;
import io.staex.conf.ForwardConfig;
import io.staex.conf.HostPort;
import io.staex.conf.Protocol;
import io.staex.conf.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a list of forwards, {@code [ { listen = "127.0.0.1:8080", to = "<address>.staex:80" } ]},
 * the same in the node's file and in each file of {@code forwards-dir}.
 */
public final class ForwardEntries {
  static final String ENTRY = "{ listen = \"host:port\", to = \"<address or name>.staex:port\" }";

  private ForwardEntries() {}

  /**
   * The valid forwards of {@code list}; problems go to {@code values}.
   *
   * @param taken listen addresses already in use, to where they are used (for the message);
   *     this list's listen addresses are added to it
   */
  public static List<ForwardConfig> read(Setting list, Values values, Map<HostPort, String> taken) {
    List<Setting> entries = values.list(list, "a list of " + ENTRY);
    List<ForwardConfig> out = new ArrayList<>();
    if (entries == null) {
      return out;
    }
    for (Setting entry : entries) {
      Section e = Section.of(entry, Schema.FORWARD, ENTRY, values);
      if (e == null) {
        continue;
      }
      Setting listenSetting = e.require("listen", "the local host:port to accept connections on");
      HostPort listen = listenSetting == null ? null : values.hostPort(listenSetting);
      Setting toSetting = e.require("to", "<address>.staex:port or <name>.staex:port");
      Target to =
          toSetting == null
              ? null
              : values.parse(
                  toSetting, "a target", "<address>.staex:port or <name>.staex:port",
                  Target::parse);
      if (listen != null && !claim(listen, listenSetting, values, taken)) {
        listen = null;
      }
      Protocol protocol = protocol(e, values);
      if (listen != null && to != null && protocol != null) {
        out.add(new ForwardConfig(listen, to, protocol));
      }
    }
    return out;
  }

  /** The entry's {@code protocol} ({@code tcp} when not set), or null after a problem. */
  public static Protocol protocol(Section entry, Values values) {
    Optional<Setting> s = entry.get("protocol");
    return s.isEmpty() ? Protocol.TCP
        : values.parse(s.get(), "a protocol", Protocol.EXPECTED,
            text -> Protocol.parse(text).orElseThrow(
                () -> new IllegalArgumentException("expected: " + Protocol.EXPECTED)));
  }

  /**
   * Takes {@code address} for {@code s}, or records that it is taken already and returns false.
   */
  public static boolean claim(
      HostPort address, Setting s, Values values, Map<HostPort, String> taken) {
    String previous = taken.putIfAbsent(address, s.where());
    if (previous != null) {
      values.problems().add(
          s, Reason.DUPLICATE,
          s.rendered() + " is already used by " + previous
              + " (expected: each listen address once)");
      return false;
    }
    return true;
  }
}
