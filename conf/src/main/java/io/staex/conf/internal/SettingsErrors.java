package io.staex.conf.internal;

import io.staex.conf.ConfigProblem.Reason;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a settings record of another module ({@code RoutingSettings}, {@code SessionSettings},
 * {@code DnsSettings}, ...) whose constructor checks its own rules, and turns its
 * IllegalArgumentException into a problem at the file and line of the key that broke the rule,
 * in the file's own words: {@code state-lifetime: 20m} rather than {@code stateLifetime: PT20M},
 * {@code answer-ttl: 0s} rather than {@code dns.answer-ttl: 0s}.
 */
public final class SettingsErrors {
  private static final Pattern JAVA_DURATION = Pattern.compile("PT[-0-9.HMS]+");

  private SettingsErrors() {}

  /**
   * {@code build}'s result, or null after recording its complaint.
   *
   * @param fields the keys the record is built from, as written in the file, to their settings
   * @param javaNames names the record's messages use for keys whose camel case they are not
   *     ({@code window} for {@code stream-buffer-bytes}), to those keys
   */
  public static <T> T build(Supplier<T> build, Map<String, Setting> fields,
      Map<String, String> javaNames, Problems problems) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      String message = inFileTerms(String.valueOf(e.getMessage()), fields, javaNames);
      Setting at = blame(message, fields);
      String name = lastSegment(at.key());
      String detail =
          message.startsWith(name + ": ")
              ? message.substring(name.length() + 2)
              : at.rendered() + " breaks a rule: " + message;
      problems.add(at, Reason.INVALID_VALUE, detail);
      return null;
    }
  }

  /**
   * Java field names to file keys, keys with their section ({@code dns.pool-ttl}) to the bare
   * key, Java durations to HOCON durations.
   */
  static String inFileTerms(
      String message, Map<String, Setting> fields, Map<String, String> javaNames) {
    String out = message;
    for (Map.Entry<String, String> e : javaNames.entrySet()) {
      out = out.replaceAll("(?<![\\w.-])" + Pattern.quote(e.getKey()) + "(?![\\w-])",
          Matcher.quoteReplacement(e.getValue()));
    }
    for (String key : fields.keySet()) {
      out = out.replaceAll("(?<![\\w.-])" + Pattern.quote(camel(key)) + "(?![\\w-])", key);
      out = out.replaceAll("(?<![\\w.-])[a-z]+\\." + Pattern.quote(key) + "(?![\\w-])", key);
    }
    Matcher m = JAVA_DURATION.matcher(out);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String replacement;
      try {
        replacement = hocon(Duration.parse(m.group()));
      } catch (DateTimeParseException e) {
        replacement = m.group();
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * The key the message is about when it was set in the file; else the first key it mentions
   * that was, else the first key that was (a default broke a rule only because of a value
   * someone set).
   */
  static Setting blame(String message, Map<String, Setting> fields) {
    Setting named = null;
    for (Map.Entry<String, Setting> e : fields.entrySet()) {
      if (message.startsWith(e.getKey() + ":")) {
        named = e.getValue();
      }
    }
    if (named != null && !named.isDefault()) {
      return named;
    }
    for (Map.Entry<String, Setting> e : fields.entrySet()) {
      boolean mentioned =
          Pattern.compile("(?<![\\w-])" + Pattern.quote(e.getKey()) + "(?![\\w-])")
              .matcher(message)
              .find();
      if (mentioned && !e.getValue().isDefault()) {
        return e.getValue();
      }
    }
    if (named != null) {
      return named;
    }
    for (Setting s : fields.values()) {
      if (!s.isDefault()) {
        return s;
      }
    }
    return fields.values().iterator().next();
  }

  /** {@code keepalive-interval} to {@code keepaliveInterval}. */
  static String camel(String key) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '-') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  /** A duration as HOCON would write it: {@code 20m}, {@code 90s}, {@code 1500ms}. */
  static String hocon(Duration d) {
    if (d.isNegative()) {
      return "-" + hocon(d.negated());
    }
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException e) {
      return d.toDays() + "d";
    }
    long[] units = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L,
        1_000_000L, 1_000L};
    String[] names = {"d", "h", "m", "s", "ms", "us"};
    for (int i = 0; i < units.length; i++) {
      if (nanos != 0 && nanos % units[i] == 0) {
        return nanos / units[i] + names[i];
      }
    }
    return nanos == 0 ? "0s" : nanos + "ns";
  }

  private static String lastSegment(String key) {
    return key.substring(key.lastIndexOf('.') + 1);
  }
}
