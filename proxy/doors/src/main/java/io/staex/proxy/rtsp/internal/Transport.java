package io.staex.proxy.rtsp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The value of a Transport header (RFC 2326 §12.39): transport specs in order of preference,
 * separated by commas, e.g. {@code RTP/AVP/TCP;unicast;interleaved=0-1,RTP/AVP;unicast;
 * client_port=5000-5001}. A request may offer several; a reply names the one chosen.
 *
 * @param specs at least one
 */
public record Transport(List<TransportSpec> specs) {

  public Transport {
    specs = List.copyOf(specs);
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("transport: no spec (expected: at least one)");
    }
  }

  /** The header value parsed; empty when any spec is not {@code protocol/profile[/lower]...}. */
  public static Optional<Transport> parse(String value) {
    List<TransportSpec> specs = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      Optional<TransportSpec> spec = TransportSpec.parse(part);
      if (spec.isEmpty()) {
        return Optional.empty();
      }
      specs.add(spec.get());
    }
    return Optional.of(new Transport(specs));
  }

  /** The header value: the specs joined by commas. */
  public String format() {
    return specs.stream().map(TransportSpec::format).collect(Collectors.joining(","));
  }

  /** The first (preferred, or for a reply the only) spec. */
  public TransportSpec first() {
    return specs.get(0);
  }

  /** The first spec that is (or is not) interleaved. */
  public Optional<TransportSpec> firstWhere(boolean interleaved) {
    return specs.stream().filter(s -> s.isInterleaved() == interleaved).findFirst();
  }

  /** Every spec mapped by {@code f}. */
  public Transport map(UnaryOperator<TransportSpec> f) {
    return new Transport(specs.stream().map(f).collect(Collectors.toList()));
  }

  /** Only {@code spec}: how a request is narrowed to the one transport the node will use. */
  public static Transport of(TransportSpec spec) {
    return new Transport(List.of(spec));
  }
}
