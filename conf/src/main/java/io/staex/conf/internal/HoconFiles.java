package io.staex.conf.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.staex.conf.ConfigProblem;
import io.staex.conf.ConfigProblem.Reason;
import java.nio.file.Files;
import java.nio.file.Path;

/** Parsing HOCON files into unresolved {@link Config}s, turning failures into problems. */
public final class HoconFiles {
  private HoconFiles() {}

  /**
   * Parses {@code file} as HOCON whatever its extension; includes are relative to it. Returns
   * null after recording why the file cannot be read or parsed.
   */
  public static Config parse(Path file, Problems problems) {
    String name = file.toString();
    if (!Files.exists(file)) {
      problems.add(new ConfigProblem(name, -1, "", Reason.UNREADABLE, "no such file"));
      return null;
    }
    if (!Files.isRegularFile(file)) {
      problems.add(new ConfigProblem(name, -1, "", Reason.UNREADABLE, "not a regular file"));
      return null;
    }
    if (!Files.isReadable(file)) {
      problems.add(new ConfigProblem(name, -1, "", Reason.UNREADABLE, "permission denied"));
      return null;
    }
    try {
      return ConfigFactory.parseFile(
          file.toFile(),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    } catch (ConfigException.IO e) {
      problems.add(e, name, Reason.UNREADABLE);
    } catch (ConfigException e) {
      problems.add(e, name, Reason.SYNTAX);
    }
    return null;
  }

  /**
   * Resolves substitutions ({@code ${staex.limits.max-links}}, {@code ${?STAEX_PORT}} from the
   * environment); null after recording one that cannot be resolved.
   */
  public static Config resolve(Config config, String file, Problems problems) {
    try {
      return config.resolve();
    } catch (ConfigException e) {
      problems.add(e, file, Reason.SYNTAX);
      return null;
    }
  }

  /** The defaults: this module's {@code reference.conf} (and any other on the class path). */
  public static Config reference() {
    return ConfigFactory.parseResources(
        HoconFiles.class, "/reference.conf",
        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
  }
}
