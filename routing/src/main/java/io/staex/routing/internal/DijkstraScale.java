package io.staex.routing.internal;

import io.staex.crypto.Address;
import io.staex.crypto.Identity;
import io.staex.routing.ParentLink;
import java.io.PrintStream;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A timing harness, not a test: how long a full recomputation of {@link ShortestPaths} takes for
 * the root of a large network, whose view is the whole network. Run by {@code
 * bench/routing-dijkstra.sh}.
 *
 * <pre>
 *   java ... io.staex.routing.internal.DijkstraScale [vertices [fanOut [crossPercent [runs [warmUp]]]]]
 * </pre>
 *
 * Builds a tree of {@code vertices} (default 100 000) with {@code fanOut} children per node
 * (default 10), where {@code crossPercent} of the nodes (default 5) name a random second parent
 * (a cross link, which may close a cycle); costs are random 1~4. The owner is the root. Then it
 * recomputes all paths {@code warmUp} times (default 20), times {@code runs} more (default 50),
 * and prints the median and spread, plus the live heap after building. Graph and costs come from
 * a fixed seed; the addresses do too, but generating them (Ed25519) takes seconds.
 */
public final class DijkstraScale {
  private static final long SEED = 20300101L;
  private static final int ADDRESS_CHUNK = 1024;

  private DijkstraScale() {}

  public static void main(String[] args) {
    run(args, System.out);
  }

  /** The whole harness, reporting to {@code out} (the program's own output, not a log). */
  static void run(String[] args, PrintStream out) {
    int vertices = argument(args, 0, "vertices", 100_000, 2);
    int fanOut = argument(args, 1, "fanOut", 10, 1);
    int crossPercent = argument(args, 2, "crossPercent", 5, 0);
    int runs = argument(args, 3, "runs", 50, 1);
    int warmUp = argument(args, 4, "warmUp", 20, 0);
    out.printf("java %s (%s), %d cpus%n", System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors());

    long start = System.nanoTime();
    Address[] addresses = addresses(vertices);
    out.printf("addresses: %d in %.1f s; live heap %.1f MB%n",
        vertices, seconds(start), liveHeapMegabytes());

    start = System.nanoTime();
    Topology topology = new Topology(addresses[0]);
    int crossLinks = build(topology, addresses, fanOut, crossPercent);
    ShortestPaths paths = new ShortestPaths(topology);
    paths.recompute();
    long reachable = Arrays.stream(addresses).filter(a -> paths.distanceTo(a).isPresent()).count();
    out.printf("graph: %d vertices, fan-out %d, %d cross links, %d reachable; built in %.1f s;"
            + " live heap %.1f MB (addresses included)%n",
        topology.size(), fanOut, crossLinks, reachable, seconds(start), liveHeapMegabytes());

    for (int i = 0; i < warmUp; i++) {
      paths.recompute();
    }
    double[] millis = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      paths.recompute();
      millis[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(millis);
    out.printf("full recomputation, %d runs after %d warm-up: median %.2f ms,"
            + " min %.2f ms, p90 %.2f ms, max %.2f ms%n",
        runs, warmUp, millis[runs / 2], millis[0], millis[runs * 9 / 10], millis[runs - 1]);
    List<Address> deepest = paths.pathTo(addresses[vertices - 1]).orElseThrow();
    out.printf("path to the last vertex: %d hops, cost %d%n",
        deepest.size(), paths.distanceTo(addresses[vertices - 1]).orElseThrow());
  }

  /** Node i's first parent is (i - 1) / fanOut; some get a random second one. */
  private static int build(Topology topology, Address[] addresses, int fanOut, int crossPercent) {
    SplittableRandom random = new SplittableRandom(SEED);
    int crossLinks = 0;
    for (int i = 1; i < addresses.length; i++) {
      int parent = (i - 1) / fanOut;
      List<ParentLink> parents = new ArrayList<>(2);
      parents.add(new ParentLink(addresses[parent], random.nextInt(1, 5)));
      if (random.nextInt(100) < crossPercent) {
        int second = random.nextInt(addresses.length);
        if (second != i && second != parent) {
          parents.add(new ParentLink(addresses[second], random.nextInt(1, 5)));
          crossLinks++;
        }
      }
      topology.setParents(addresses[i], parents);
    }
    return crossLinks;
  }

  /** Distinct addresses from seeded generators, chunk by chunk on all cores. */
  private static Address[] addresses(int count) {
    Address[] addresses = new Address[count];
    IntStream.range(0, (count + ADDRESS_CHUNK - 1) / ADDRESS_CHUNK).parallel().forEach(chunk -> {
      SecureRandom random = seeded(SEED + chunk);
      for (int i = chunk * ADDRESS_CHUNK; i < Math.min(count, (chunk + 1) * ADDRESS_CHUNK); i++) {
        addresses[i] = Identity.generate(random).address();
      }
    });
    return addresses;
  }

  private static SecureRandom seeded(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA1PRNG is part of every JDK", e);
    }
  }

  private static int argument(String[] args, int i, String name, int otherwise, int least) {
    int value = args.length > i ? Integer.parseInt(args[i]) : otherwise;
    if (value < least) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + least + ")");
    }
    return value;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double liveHeapMegabytes() {
    Runtime runtime = Runtime.getRuntime();
    runtime.gc();
    return (runtime.totalMemory() - runtime.freeMemory()) / 1e6;
  }
}
