package io.staex.conf.internal;

import com.typesafe.config.Config;
import io.staex.conf.ForwardConfig;
import io.staex.conf.ForwardFile;
import io.staex.conf.ForwardFiles;
import io.staex.conf.HostPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads the files of a {@code forwards-dir}; see {@link ForwardFiles}. */
public final class ForwardFilesReader {
  private ForwardFilesReader() {}

  public static List<ForwardFile> read(Path dir, Set<HostPort> taken) throws IOException {
    Map<HostPort, String> used = new LinkedHashMap<>();
    for (HostPort address : taken) {
      used.put(address, "the node's configuration");
    }
    List<ForwardFile> out = new ArrayList<>();
    for (Path file : files(dir)) {
      Problems problems = new Problems();
      Map<HostPort, String> claimed = new LinkedHashMap<>(used);
      List<ForwardConfig> forwards = readFile(file, problems, claimed);
      if (problems.isEmpty()) {
        used = claimed;
        out.add(new ForwardFile(file, forwards, List.of()));
      } else {
        out.add(new ForwardFile(file, List.of(), problems.list()));
      }
    }
    return out;
  }

  /** Regular, non-hidden {@code *.conf} files directly in {@code dir}, by name. */
  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> {
            String name = p.getFileName().toString();
            return name.endsWith(ForwardFiles.EXTENSION) && !name.startsWith(".")
                && Files.isRegularFile(p);
          })
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static List<ForwardConfig> readFile(
      Path file, Problems problems, Map<HostPort, String> claimed) {
    Config parsed = HoconFiles.parse(file, problems);
    Config config = parsed == null ? null : HoconFiles.resolve(parsed, file.toString(), problems);
    if (config == null) {
      return List.of();
    }
    Values values = new Values(problems);
    Section top =
        Section.of(
            new Setting("", config.root()), Schema.FORWARD_FILE,
            "forwards = [ " + ForwardEntries.ENTRY + " ]", values);
    Setting list = top.require("forwards", "forwards = [ " + ForwardEntries.ENTRY + ", ... ]");
    return list == null ? List.of() : ForwardEntries.read(list, values, claimed);
  }
}
