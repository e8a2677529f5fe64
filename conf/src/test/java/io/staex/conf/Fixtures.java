package io.staex.conf;

import io.staex.crypto.Address;
import io.staex.testing.fixtures.Identities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Repeatable addresses and config files for the conf tests. */
final class Fixtures {
  private Fixtures() {}

  /** The same address for the same seed. */
  static Address address(long seed) {
    return Identities.address(seed);
  }

  /** Writes {@code text} to {@code dir/name}, creating folders, and returns the path. */
  static Path write(Path dir, String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** The 1-based line of the first line of {@code text} that contains {@code needle}. */
  static int lineOf(String text, String needle) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError("'" + needle + "' not in:\n" + text);
  }
}
