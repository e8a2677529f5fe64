package io.staex.conf.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueType;
import io.staex.conf.ConfigProblem.Reason;
import io.staex.conf.HostPort;
import io.staex.conf.HostPortFormatException;
import io.staex.crypto.Address;
import io.staex.crypto.AddressFormatException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Typed reads of {@link Setting}s that record a problem instead of throwing: each method returns
 * the value, or null after adding to {@link Problems} what was wrong, where and what was
 * expected. Callers read on after a null, so one pass finds every problem, and build records
 * only once {@link Problems#isEmpty()}.
 */
public final class Values {
  private static final Pattern ADDRESS_PREFIX = Pattern.compile("^address '.*?': ");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,10}");
  /** A number without unit, which typesafe-config would read as milliseconds. */
  private static final Pattern NUMBER = Pattern.compile("[-+]?[0-9]*\\.?[0-9]+");
  private static final String DURATION = "a duration with a unit, e.g. 500ms, 5s, 2m, 1h, 1d";

  private final Problems problems;

  public Values(Problems problems) {
    this.problems = problems;
  }

  public Problems problems() {
    return problems;
  }

  /** An object, or null. */
  public ConfigObject object(Setting s, String expected) {
    if (s.value().valueType() != ConfigValueType.OBJECT) {
      wrongType(s, expected);
      return null;
    }
    return (ConfigObject) s.value();
  }

  /** The elements of a list, or null. */
  public List<Setting> list(Setting s, String expected) {
    if (s.value().valueType() != ConfigValueType.LIST) {
      wrongType(s, expected);
      return null;
    }
    ConfigList list = (ConfigList) s.value();
    List<Setting> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      out.add(s.element(i, list.get(i)));
    }
    return out;
  }

  /** A string (quoted or not in the file), or null. */
  public String string(Setting s, String expected) {
    if (s.value().valueType() != ConfigValueType.STRING) {
      wrongType(s, expected);
      return null;
    }
    return (String) s.value().unwrapped();
  }

  /** A whole number in {@code min~max}, or null. */
  public Integer integer(Setting s, int min, int max) {
    String expected = range(min, max);
    Object raw = s.value().unwrapped();
    long value;
    if (raw instanceof Integer || raw instanceof Long) {
      value = ((Number) raw).longValue();
    } else if (raw instanceof String && INTEGER.matcher(((String) raw).strip()).matches()) {
      value = Long.parseLong(((String) raw).strip());
    } else if (raw instanceof Double) {
      invalid(s, "is not a whole number (expected: " + expected + ")");
      return null;
    } else {
      wrongType(s, "a whole number, " + expected);
      return null;
    }
    if (value < min || value > max) {
      invalid(s, "is out of range (expected: " + expected + ")");
      return null;
    }
    return (int) value;
  }

  /** A positive duration with a unit ({@code 5s}, {@code 2m}), or null. */
  public Duration duration(Setting s) {
    boolean bareNumber =
        s.value().valueType() == ConfigValueType.NUMBER
            || (s.value().valueType() == ConfigValueType.STRING
                && NUMBER.matcher(((String) s.value().unwrapped()).strip()).matches());
    if (bareNumber) {
      invalid(s, "has no unit (expected: " + DURATION + ")");
      return null;
    }
    if (s.value().valueType() != ConfigValueType.STRING) {
      wrongType(s, DURATION);
      return null;
    }
    Duration d;
    try {
      d = single(s).getDuration("v");
    } catch (ConfigException e) {
      invalid(s, "is not a duration (expected: " + DURATION + ")");
      return null;
    }
    if (d.isNegative() || d.isZero()) {
      invalid(s, "is not positive (expected: " + DURATION + ", greater than zero)");
      return null;
    }
    return d;
  }

  /** Bytes, 1 to 2^31 - 1: a number or text with a unit ({@code 256K}, {@code 4M}), or null. */
  public Integer bytes(Setting s) {
    return bytes(s, 1);
  }

  /** Bytes, {@code min} to 2^31 - 1, as {@link #bytes(Setting)}. */
  public Integer bytes(Setting s, int min) {
    String expected = "bytes, a number or a size such as 256K or 4M (powers of 1024), " + min
        + " to " + Integer.MAX_VALUE;
    ConfigValueType type = s.value().valueType();
    if (type != ConfigValueType.NUMBER && type != ConfigValueType.STRING) {
      wrongType(s, expected);
      return null;
    }
    long bytes;
    try {
      bytes = single(s).getBytes("v");
    } catch (ConfigException e) {
      invalid(s, "is not a size (expected: " + expected + ")");
      return null;
    }
    if (bytes < min || bytes > Integer.MAX_VALUE) {
      invalid(s, "is out of range (expected: " + expected + ")");
      return null;
    }
    return (int) bytes;
  }

  /** A non-empty path, resolved against {@code base}, or null. */
  public Path path(Setting s, Path base, String expected) {
    String text = string(s, expected);
    if (text == null) {
      return null;
    }
    if (text.isBlank()) {
      invalid(s, "is empty (expected: " + expected + ")");
      return null;
    }
    try {
      return base.resolve(text).normalize();
    } catch (InvalidPathException e) {
      invalid(s, "is not a path: " + e.getReason() + " (expected: " + expected + ")");
      return null;
    }
  }

  /** true or false, or null. */
  public Boolean bool(Setting s) {
    if (s.value().valueType() != ConfigValueType.BOOLEAN) {
      wrongType(s, "true or false");
      return null;
    }
    return (Boolean) s.value().unwrapped();
  }

  /** A list of host:port, or null if any is wrong. */
  public List<HostPort> hostPorts(Setting s) {
    List<Setting> items = list(s, "a list of host:port");
    if (items == null) {
      return null;
    }
    List<HostPort> out = new ArrayList<>();
    boolean ok = true;
    for (Setting item : items) {
      HostPort hp = hostPort(item);
      ok &= hp != null;
      out.add(hp);
    }
    return ok ? out : null;
  }

  /** A host:port, or null. */
  public HostPort hostPort(Setting s) {
    return parse(
        s, "host:port", "a host:port such as 127.0.0.1:8080 or [::1]:8080", HostPort::parse);
  }

  /** An address, or null. */
  public Address address(Setting s) {
    return parse(s, "an address", "a 55-character address", Address::parse);
  }

  /** A list of addresses, or null if any is wrong. */
  public List<Address> addresses(Setting s, String expected) {
    List<Setting> items = list(s, "a list of " + expected);
    if (items == null) {
      return null;
    }
    List<Address> out = new ArrayList<>();
    boolean ok = true;
    for (Setting item : items) {
      Address a = address(item);
      ok &= a != null;
      out.add(a);
    }
    return ok ? out : null;
  }

  /**
   * A string turned into a value by {@code parser}, whose IllegalArgumentException says what is
   * wrong; null after recording {@code "text" is not <what>: <reason>}.
   */
  public <T> T parse(Setting s, String what, String expected, Function<String, T> parser) {
    String text = string(s, expected);
    if (text == null) {
      return null;
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      invalid(s, "is not " + what + ": " + detail(e));
      return null;
    }
  }

  /** Records {@code <value> <detail>} as an invalid value. */
  public void invalid(Setting s, String detail) {
    problems.add(s, Reason.INVALID_VALUE, s.rendered() + " " + detail);
  }

  private void wrongType(Setting s, String expected) {
    ConfigValueType type = s.value().valueType();
    String found = type == ConfigValueType.NULL ? "is null" : s.rendered() + " is " + kind(type);
    problems.add(s, Reason.WRONG_TYPE, found + " (expected: " + expected + ")");
  }

  /** An exception's message without the value it repeats. */
  static String detail(IllegalArgumentException e) {
    if (e instanceof HostPortFormatException) {
      return ((HostPortFormatException) e).detail();
    }
    String message = String.valueOf(e.getMessage());
    if (e instanceof AddressFormatException) {
      return ADDRESS_PREFIX.matcher(message).replaceFirst("");
    }
    return message;
  }

  private static Config single(Setting s) {
    return ConfigFactory.empty().withValue("v", s.value());
  }

  private static String range(int min, int max) {
    return max == Integer.MAX_VALUE ? ">= " + min : min + "~" + max;
  }

  private static String kind(ConfigValueType type) {
    return switch (type) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case STRING -> "a string";
      default -> type.name().toLowerCase(Locale.ROOT);
    };
  }
}
