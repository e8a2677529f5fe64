package io.staex.node.internal.control;

/**
 * Lines of the Prometheus text format 0.0.4: a family's {@code HELP}/{@code TYPE} header and
 * single-sample families. Shared by the node's counters ({@link StatusMetrics}) and the JVM's
 * ({@code MetricsJvm}).
 */
public final class PromText {
  private PromText() {}

  /** The {@code # HELP} and {@code # TYPE} lines of family {@code name}. */
  public static void family(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** A gauge family with one unlabelled sample. */
  public static void gauge(StringBuilder out, String name, String help, long value) {
    family(out, name, "gauge", help);
    out.append(name).append(' ').append(value).append('\n');
  }

  /** A counter family with one unlabelled sample. */
  public static void counter(StringBuilder out, String name, String help, long value) {
    family(out, name, "counter", help);
    out.append(name).append(' ').append(value).append('\n');
  }
}
