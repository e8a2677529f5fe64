package io.staex.crypto;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The Wycheproof vectors in {@code src/test/resources/wycheproof/} (see its README: copied
 * unchanged from C2SP Wycheproof, Apache 2.0), read with typesafe-config, whose parser takes
 * JSON as it is.
 *
 * <p>Each file is {@code testGroups[].tests[]}; a test has a {@code tcId}, a {@code comment},
 * {@code flags}, hex inputs and a {@code result} of {@code valid}, {@code invalid} or
 * {@code acceptable}.
 */
public final class Wycheproof {
  private static final HexFormat HEX = HexFormat.of();

  private Wycheproof() {}

  /** What the vector says an implementation must do with it. */
  public enum Result { VALID, INVALID, ACCEPTABLE }

  /** One test group: its parameters (key size, public key, ...) and its tests. */
  public record Group(Config parameters, List<Vector> tests) {
    public int integer(String path) {
      return parameters.getInt(path);
    }

    public byte[] hex(String path) {
      return HEX.parseHex(parameters.getString(path));
    }
  }

  /** One test vector. */
  public record Vector(int tcId, Result result, List<String> flags, Config fields) {
    public byte[] hex(String name) {
      return HEX.parseHex(fields.getString(name));
    }

    public int integer(String name) {
      return fields.getInt(name);
    }

    public boolean hasFlag(String flag) {
      return flags.contains(flag);
    }

    /** How a failure names this vector. */
    @Override
    public String toString() {
      return "tcId " + tcId + " (" + result.name().toLowerCase(Locale.ROOT) + ", " + flags + ", \""
          + fields.getString("comment") + "\")";
    }
  }

  /** The groups of {@code file}, a name in {@code src/test/resources/wycheproof/}. */
  public static List<Group> groups(String file) {
    return load(file).getConfigList("testGroups").stream()
        .map(g -> new Group(g.withoutPath("tests"),
            g.getConfigList("tests").stream().map(Wycheproof::vector).toList()))
        .toList();
  }

  /** {@code numberOfTests} as the file states it, to check that every vector was seen. */
  public static int numberOfTests(String file) {
    return load(file).getInt("numberOfTests");
  }

  private static Vector vector(Config t) {
    return new Vector(
        t.getInt("tcId"),
        Result.valueOf(t.getString("result").toUpperCase(Locale.ROOT)),
        t.getStringList("flags"),
        t);
  }

  private static Config load(String file) {
    String resource = "/wycheproof/" + file;
    try (InputStream in = Wycheproof.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath");
      }
      Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
      return ConfigFactory.parseReader(
          reader, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON).setOriginDescription(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
