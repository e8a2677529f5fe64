package io.staex.proxy.rtsp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One transport specification of a Transport header (RFC 2326 §12.39):
 * {@code transport/profile[/lower-transport]} and parameters, kept in order as written (unknown
 * ones too), e.g. {@code RTP/AVP/TCP;unicast;interleaved=0-1}.
 *
 * @param protocol e.g. {@code RTP}
 * @param profile e.g. {@code AVP}
 * @param lowerTransport {@code TCP}, {@code UDP}, or empty (which means UDP)
 * @param params {@code name} or {@code name=value} each, as written
 */
public record TransportSpec(
    String protocol, String profile, String lowerTransport, List<String> params) {
  /** Parameters that only make sense for UDP delivery, dropped when turning to interleaved. */
  private static final Set<String> UDP_ONLY =
      Set.of("client_port", "server_port", "port", "destination", "source", "ttl");

  public TransportSpec {
    params = List.copyOf(params);
  }

  /** {@code RTP/AVP;unicast;client_port=5000-5001}; empty when it has no protocol/profile. */
  public static Optional<TransportSpec> parse(String text) {
    String[] parts = text.split(";", -1);
    String[] names = parts[0].strip().split("/", -1);
    if (names.length < 2 || names.length > 3 || !RtspText.isToken(names[0])
        || !RtspText.isToken(names[1]) || (names.length == 3 && !RtspText.isToken(names[2]))) {
      return Optional.empty();
    }
    List<String> params = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      if (p.isEmpty()) {
        return Optional.empty();
      }
      params.add(p);
    }
    String lower = names.length == 3 ? names[2] : "";
    return Optional.of(new TransportSpec(names[0], names[1], lower, params));
  }

  /** As it goes in a header: {@code RTP/AVP/TCP;unicast;interleaved=0-1}. */
  public String format() {
    StringBuilder b = new StringBuilder(protocol).append('/').append(profile);
    if (!lowerTransport.isEmpty()) {
      b.append('/').append(lowerTransport);
    }
    params.forEach(p -> b.append(';').append(p));
    return b.toString();
  }

  /** Whether the media go over the RTSP connection ({@code /TCP}). */
  public boolean isInterleaved() {
    return lowerTransport.equalsIgnoreCase("TCP");
  }

  /** The value of parameter {@code name} (any case); "" for a flag such as {@code unicast}. */
  public Optional<String> param(String name) {
    return params.stream().filter(p -> nameOf(p).equalsIgnoreCase(name))
        .map(p -> p.indexOf('=') < 0 ? "" : p.substring(p.indexOf('=') + 1).strip())
        .findFirst();
  }

  public Optional<Range> clientPorts() {
    return param("client_port").flatMap(Range::parse);
  }

  public Optional<Range> serverPorts() {
    return param("server_port").flatMap(Range::parse);
  }

  public Optional<Range> interleaved() {
    return param("interleaved").flatMap(Range::parse);
  }

  /** Parameter {@code name} set to {@code value} where it was, or appended. */
  public TransportSpec with(String name, String value) {
    List<String> list = new ArrayList<>(params);
    String param = name + "=" + value;
    for (int i = 0; i < list.size(); i++) {
      if (nameOf(list.get(i)).equalsIgnoreCase(name)) {
        list.set(i, param);
        return new TransportSpec(protocol, profile, lowerTransport, list);
      }
    }
    list.add(param);
    return new TransportSpec(protocol, profile, lowerTransport, list);
  }

  /** Without parameter {@code name} (any case). */
  public TransportSpec without(String name) {
    List<String> list = new ArrayList<>(params);
    list.removeIf(p -> nameOf(p).equalsIgnoreCase(name));
    return new TransportSpec(protocol, profile, lowerTransport, list);
  }

  public TransportSpec withLowerTransport(String lower) {
    return new TransportSpec(protocol, profile, lower, params);
  }

  /**
   * The same spec delivered interleaved on {@code channels}: {@code /TCP}, UDP-only parameters
   * (ports, destination, source, ttl) dropped, everything else kept.
   */
  public TransportSpec asInterleaved(Range channels) {
    TransportSpec s = withLowerTransport("TCP");
    for (String p : UDP_ONLY) {
      s = s.without(p);
    }
    return s.with("interleaved", channels.toString());
  }

  /**
   * The same spec delivered by UDP: lower transport {@code UDP} stays, {@code TCP} goes
   * (plain {@code RTP/AVP}), {@code interleaved} dropped, client and server ports set.
   */
  public TransportSpec asUdp(Range client, Range server) {
    TransportSpec s = isInterleaved() ? withLowerTransport("") : this;
    return s.without("interleaved").with("client_port", client.toString())
        .with("server_port", server.toString());
  }

  private static String nameOf(String param) {
    int eq = param.indexOf('=');
    return (eq < 0 ? param : param.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
  }
}
