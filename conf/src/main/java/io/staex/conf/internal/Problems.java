package io.staex.conf.internal;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import io.staex.conf.BadConfigException;
import io.staex.conf.ConfigProblem;
import io.staex.conf.ConfigProblem.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one file, to report all of them together. Not thread-safe. */
public final class Problems {
  private final List<ConfigProblem> list = new ArrayList<>();

  public void add(Setting at, Reason reason, String detail) {
    add(at.origin(), at.key(), reason, detail);
  }

  public void add(ConfigOrigin origin, String key, Reason reason, String detail) {
    list.add(new ConfigProblem(file(origin), origin.lineNumber(), key, reason, detail));
  }

  public void add(ConfigProblem problem) {
    list.add(problem);
  }

  /** A typesafe-config exception, located by its origin when it has one. */
  public void add(ConfigException e, String file, Reason reason) {
    ConfigOrigin origin = e.origin();
    String message = e.getMessage();
    if (origin == null) {
      list.add(new ConfigProblem(file, -1, "", reason, message));
      return;
    }
    String prefix = origin.description() + ": ";
    if (message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    list.add(new ConfigProblem(file(origin), origin.lineNumber(), "", reason, message));
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  /** The problems by file and line; those of one line in the order found. */
  public List<ConfigProblem> list() {
    List<ConfigProblem> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparing(ConfigProblem::file).thenComparingInt(ConfigProblem::line));
    return List.copyOf(sorted);
  }

  public void throwIfAny() throws BadConfigException {
    if (!list.isEmpty()) {
      throw new BadConfigException(list());
    }
  }

  /** The file an origin names: its path, the resource name, or its description. */
  public static String file(ConfigOrigin origin) {
    if (origin.filename() != null) {
      return origin.filename();
    }
    if (origin.resource() != null) {
      return origin.resource();
    }
    return origin.description();
  }
}
