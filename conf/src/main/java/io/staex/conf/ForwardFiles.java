package io.staex.conf;

import io.staex.conf.internal.ForwardFilesReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The port forwards of a {@code forwards-dir}: every {@code *.conf} file in it (not in
 * subfolders, not hidden), each holding {@code forwards = [ { listen = "...", to = "..." } ]} in
 * the format of {@code staex.forwards}.
 *
 * <p>Each file stands alone: a broken one is reported in its {@link ForwardFile} and ignored,
 * and the others stay valid. Files are read in name order; a listen address already used by the
 * node's configuration or by an earlier valid file makes the later file invalid. This is a pure
 * function of the folder's content: the node watches the folder and calls {@link #load} again.
 *
 * @param files the files in name order
 */
public record ForwardFiles(List<ForwardFile> files) {
  /** The extension of forward files. */
  public static final String EXTENSION = ".conf";

  public ForwardFiles {
    files = List.copyOf(files);
  }

  /**
   * Reads every forward file in {@code dir}.
   *
   * @param taken listen addresses the files must not use again, normally {@link
   *     NodeConfig#listenAddresses()}
   * @throws IOException if the folder cannot be listed (including when it does not exist)
   */
  public static ForwardFiles load(Path dir, Set<HostPort> taken) throws IOException {
    return new ForwardFiles(ForwardFilesReader.read(dir, taken));
  }

  /** The files of {@code config}'s {@code forwards-dir}, or none when it has no such folder. */
  public static ForwardFiles load(NodeConfig config) throws IOException {
    if (config.forwardsDir().isEmpty()) {
      return new ForwardFiles(List.of());
    }
    return load(config.forwardsDir().get(), config.listenAddresses());
  }

  /** The forwards of all valid files, in file order. */
  public List<ForwardConfig> forwards() {
    return files.stream().flatMap(f -> f.forwards().stream()).collect(Collectors.toList());
  }

  /** The files that were ignored because of problems. */
  public List<ForwardFile> failed() {
    return files.stream().filter(f -> !f.isValid()).collect(Collectors.toList());
  }
}
