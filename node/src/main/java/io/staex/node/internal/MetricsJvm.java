package io.staex.node.internal;

import static io.staex.node.internal.control.PromText.family;
import static io.staex.node.internal.control.PromText.gauge;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;

/**
 * The JVM's memory, garbage collection and threads in the Prometheus text format 0.0.4, named
 * as the Prometheus Java client names them ({@code jvm_memory_used_bytes{area="heap"}} …), for
 * the metrics endpoint beside the node's own counters.
 */
public final class MetricsJvm {
  private MetricsJvm() {}

  /** The current values, one {@code # HELP} and {@code # TYPE} per family. */
  public static String render() {
    StringBuilder out = new StringBuilder();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    MemoryUsage heap = memory.getHeapMemoryUsage();
    MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
    family(out, "jvm_memory_used_bytes", "gauge", "Memory in use, by area.");
    area(out, "jvm_memory_used_bytes", "heap", heap.getUsed());
    area(out, "jvm_memory_used_bytes", "nonheap", nonHeap.getUsed());
    family(out, "jvm_memory_committed_bytes", "gauge", "Memory committed, by area.");
    area(out, "jvm_memory_committed_bytes", "heap", heap.getCommitted());
    area(out, "jvm_memory_committed_bytes", "nonheap", nonHeap.getCommitted());
    family(out, "jvm_memory_max_bytes", "gauge", "Most memory the area may use (-1: no limit).");
    area(out, "jvm_memory_max_bytes", "heap", heap.getMax());
    area(out, "jvm_memory_max_bytes", "nonheap", nonHeap.getMax());
    family(out, "jvm_memory_pool_used_bytes", "gauge", "Memory in use, by pool.");
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      out.append("jvm_memory_pool_used_bytes{pool=\"").append(escape(pool.getName()))
          .append("\"} ").append(pool.getUsage().getUsed()).append('\n');
    }
    family(out, "jvm_gc_collections_total", "counter", "Garbage collections, by collector.");
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      out.append("jvm_gc_collections_total{gc=\"").append(escape(gc.getName())).append("\"} ")
          .append(Math.max(0, gc.getCollectionCount())).append('\n');
    }
    family(out, "jvm_gc_collection_seconds_total", "counter",
        "Time spent in garbage collection, by collector.");
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      out.append("jvm_gc_collection_seconds_total{gc=\"").append(escape(gc.getName()))
          .append("\"} ").append(seconds(Math.max(0, gc.getCollectionTime()))).append('\n');
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    gauge(out, "jvm_threads_current", "Live threads.", threads.getThreadCount());
    gauge(out, "jvm_threads_daemon", "Live daemon threads.", threads.getDaemonThreadCount());
    gauge(out, "jvm_threads_peak", "Most live threads since the start.",
        threads.getPeakThreadCount());
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      family(out, "process_cpu_seconds_total", "counter", "CPU time used by the process.");
      out.append("process_cpu_seconds_total ")
          .append(seconds(unix.getProcessCpuTime() / 1_000_000)).append('\n');
      gauge(out, "process_open_fds", "Open file descriptors.", unix.getOpenFileDescriptorCount());
      gauge(out, "process_max_fds", "Most file descriptors the process may open.",
          unix.getMaxFileDescriptorCount());
    }
    family(out, "process_start_time_seconds", "gauge", "When the process started, Unix time.");
    out.append("process_start_time_seconds ")
        .append(seconds(ManagementFactory.getRuntimeMXBean().getStartTime())).append('\n');
    return out.toString();
  }

  private static void area(StringBuilder out, String name, String area, long value) {
    out.append(name).append("{area=\"").append(area).append("\"} ").append(value).append('\n');
  }

  /** Milliseconds as seconds with three decimals. */
  private static String seconds(long millis) {
    return millis / 1000 + "." + String.format(java.util.Locale.ROOT, "%03d", millis % 1000);
  }

  /** A label value: backslash, double quote and line feed escaped (text format 0.0.4). */
  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
