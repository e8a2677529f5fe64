package io.staex.conf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.staex.conf.ConfigProblem.Reason;
import io.staex.conf.internal.HoconFiles;
import io.staex.conf.internal.Problems;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's configuration file as HOCON, merged with {@code reference.conf} and resolved: where
 * each key was set (for {@code staex config check}'s messages about things only a running node
 * would notice, such as a key file that is not safe) and the effective configuration with every
 * default filled in ({@code staex config show}, as {@code ssh -G} does). Read after {@link
 * NodeConfig#load} accepted the file.
 */
public final class ConfigSource {
  private static final Pattern ELEMENT = Pattern.compile("(.+)\\[(\\d+)]");
  /** Keys {@link #render} never prints: a password set is shown as {@link #REDACTED}. */
  private static final java.util.List<String> SECRETS =
      java.util.List.of("staex.socks.password", "staex.http-proxy.password");
  /** What {@link #render} prints for a secret that is set. */
  public static final String REDACTED = "<set>";

  private final Path file;
  private final Config merged;

  private ConfigSource(Path file, Config merged) {
    this.file = file;
    this.merged = merged;
  }

  /**
   * Parses and resolves {@code file} as {@link NodeConfig#load} does.
   *
   * @throws BadConfigException if it cannot be read, parsed or resolved
   */
  public static ConfigSource read(Path file) throws BadConfigException {
    Problems problems = new Problems();
    Config user = HoconFiles.parse(file, problems);
    problems.throwIfAny();
    Config merged =
        HoconFiles.resolve(user.withFallback(HoconFiles.reference()), file.toString(), problems);
    problems.throwIfAny();
    return new ConfigSource(file, merged);
  }

  /**
   * A problem located where {@code key} was set (its file and line; {@code reference.conf} for
   * a default), or at the file itself when the key is not found.
   *
   * @param key a full key as {@link ConfigProblem#key()} spells it: {@code staex.parents[1].key}
   */
  public ConfigProblem problem(String key, Reason reason, String detail) {
    Optional<ConfigValue> value = value(key);
    if (value.isEmpty()) {
      return new ConfigProblem(file.toString(), -1, key, reason, detail);
    }
    return new ConfigProblem(Problems.file(value.get().origin()),
        value.get().origin().lineNumber(), key, reason, detail);
  }

  /** The value at {@code key} (list elements as {@code name[i]}); empty when there is none. */
  private Optional<ConfigValue> value(String key) {
    ConfigValue at = merged.root();
    for (String part : key.split("\\.", -1)) {
      Matcher m = ELEMENT.matcher(part);
      String name = m.matches() ? m.group(1) : part;
      if (!(at instanceof ConfigObject object) || !object.containsKey(name)) {
        return Optional.empty();
      }
      at = object.get(name);
      if (m.matches()) {
        int index = Integer.parseInt(m.group(2));
        if (!(at instanceof ConfigList list) || index >= list.size()) {
          return Optional.empty();
        }
        at = list.get(index);
      }
    }
    return Optional.of(at);
  }

  /**
   * The effective configuration as HOCON that {@link NodeConfig#load} accepts back: the {@code
   * staex} section with every default filled in, substitutions resolved, and the paths made
   * absolute (so that the text means the same wherever it is saved), the control socket's and
   * the revocations file's included. Other top-level keys (only there for substitutions) are left out.
   * Passwords ({@code socks.password}, {@code http-proxy.password}) that are set are printed as
   * {@value #REDACTED}, never in clear: put them back before running the text.
   *
   * @param config what {@link NodeConfig#load} read from the same file
   */
  public String render(NodeConfig config) {
    Objects.requireNonNull(config, "config");
    Config effective = merged
        .withValue("staex.key", ConfigValueFactory.fromAnyRef(config.key().toString()))
        .withValue("staex.cert", ConfigValueFactory.fromAnyRef(config.cert().toString()))
        .withValue("staex.forwards-dir", ConfigValueFactory.fromAnyRef(
            config.forwardsDir().map(Path::toString).orElse("")))
        .withValue("staex.control.socket",
            ConfigValueFactory.fromAnyRef(config.control().socket().toString()))
        .withValue("staex.trust.revocations-file", ConfigValueFactory.fromAnyRef(
            config.trust().revocationsFile().map(Path::toString).orElse("")));
    for (String secret : SECRETS) {
      if (effective.hasPath(secret) && !effective.getString(secret).isEmpty()) {
        effective = effective.withValue(secret, ConfigValueFactory.fromAnyRef(REDACTED));
      }
    }
    ConfigRenderOptions options = ConfigRenderOptions.defaults()
        .setOriginComments(false).setComments(false).setJson(false).setFormatted(true);
    return effective.root().withOnlyKey("staex").render(options);
  }
}
