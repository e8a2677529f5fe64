package io.staex.node;

import io.staex.node.internal.cli.StaexCommand;
import java.util.Map;

/** The {@code staex} program: one executable for every node role and the key tools. */
public final class Main {
  /**
   * Netty's buffer allocator, set before Netty loads; a {@code -D} on the command line wins.
   * The pooled allocator with one arena (one event loop, see {@code threads}) and 1 MiB chunks:
   * with the launcher's memory limits the adaptive default fell back to a fresh, zeroed direct
   * buffer for every 64 KiB record and socket read. On a one-relay chain (3 × 1 GiB, 2 cores)
   * the pooled one moved 265–291 MB/s at 4.1 CPU s/GiB against 204–238 MB/s at 4.9, for the
   * same 78 MB idle RSS (docs/node.md).
   */
  static final Map<String, String> ALLOCATOR = Map.of(
      "io.netty.allocator.type", "pooled",
      "io.netty.allocator.numDirectArenas", "1",
      "io.netty.allocator.numHeapArenas", "1",
      "io.netty.allocator.maxOrder", "7");

  private Main() {}

  public static void main(String[] args) {
    ALLOCATOR.forEach((key, value) -> {
      if (System.getProperty(key) == null) {
        System.setProperty(key, value);
      }
    });
    System.exit(StaexCommand.commandLine().execute(args));
  }
}
