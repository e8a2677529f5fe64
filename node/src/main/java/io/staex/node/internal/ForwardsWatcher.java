package io.staex.node.internal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import io.staex.conf.ForwardConfig;
import io.staex.conf.ForwardFile;
import io.staex.conf.ForwardFiles;
import io.staex.conf.HostPort;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a {@code forwards-dir} and reports its valid forwards whenever they change.
 *
 * <p>Flow, on one thread ({@code RoutineForwardsWatch}): wait for a {@link WatchService} event
 * or the next periodic rescan (WatchService misses events on some file systems: network and
 * container mounts); after an event, wait until the folder has been quiet for the debounce time
 * (an editor's save is a burst of create/modify/rename); then {@link ForwardFiles#load} the whole
 * folder again. When the result differs from the last one, each newly broken file is logged once
 * (WARN, with the conf module's file:line:key messages) and recorded in the {@link ErrorLog},
 * and the listener gets the full new set of valid forwards. Valid files stay in force whatever
 * the others contain.
 *
 * <p>The first load happens in {@link #start}, on the caller's thread, so the node starts with
 * its forwards known.
 */
public final class ForwardsWatcher implements AutoCloseable {
  /** Receives the forwards after every change; called on the watcher's thread. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Takes the forwards as they are now.
     *
     * @param forwards every forward of every valid file, in file order
     * @param failed the files ignored because of problems
     */
    void forwardsChanged(Set<ForwardConfig> forwards, List<ForwardFile> failed);
  }

  private static final Logger log = LoggerFactory.getLogger(ForwardsWatcher.class);

  private final Path dir;
  private final Set<HostPort> taken;
  private final Listener listener;
  private final ErrorLog errors;
  private final Duration debounce;
  private final Duration rescan;
  private final WatchService watch;
  private final Thread thread;
  // Owned by the watcher's thread (and by start before the thread runs).
  private ForwardFiles last;
  private boolean folderMissingReported;
  private volatile boolean closed;

  private ForwardsWatcher(Path dir, Set<HostPort> taken, Listener listener, ErrorLog errors,
      Duration debounce, Duration rescan, WatchService watch) {
    this.dir = dir;
    this.taken = Set.copyOf(taken);
    this.listener = listener;
    this.errors = errors;
    this.debounce = debounce;
    this.rescan = rescan;
    this.watch = watch;
    this.thread = new Thread(this::routineWatch, "RoutineForwardsWatch " + dir.getFileName());
    this.thread.setDaemon(true);
  }

  /**
   * Loads {@code dir} once (the listener is called with its forwards before this returns), then
   * watches it.
   *
   * @param taken listen addresses the files must not use ({@code NodeConfig.listenAddresses()})
   * @throws IOException if the folder cannot be read or watched now
   */
  public static ForwardsWatcher start(Path dir, Set<HostPort> taken, Listener listener,
      ErrorLog errors, Duration debounce, Duration rescan) throws IOException {
    Objects.requireNonNull(listener, "listener");
    WatchService watch = FileSystems.getDefault().newWatchService();
    try {
      dir.register(watch, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
      ForwardsWatcher w =
          new ForwardsWatcher(dir, taken, listener, errors, debounce, rescan, watch);
      w.apply(ForwardFiles.load(dir, w.taken));
      w.thread.start();
      return w;
    } catch (IOException | RuntimeException e) {
      watch.close();
      throw e;
    }
  }

  private void routineWatch() {
    long nextRescan = System.nanoTime() + rescan.toNanos();
    long due = Long.MAX_VALUE;
    while (!closed) {
      long now = System.nanoTime();
      long wait = Math.max(0, Math.min(nextRescan, due) - now);
      WatchKey key;
      try {
        key = watch.poll(wait, TimeUnit.NANOSECONDS);
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      now = System.nanoTime();
      if (key != null) {
        key.pollEvents();
        key.reset();
        due = now + debounce.toNanos();
      }
      if (!closed && (now >= due || now >= nextRescan)) {
        due = Long.MAX_VALUE;
        nextRescan = now + rescan.toNanos();
        reload();
      }
    }
  }

  private void reload() {
    try {
      ForwardFiles files = ForwardFiles.load(dir, taken);
      folderMissingReported = false;
      apply(files);
    } catch (IOException e) {
      if (!folderMissingReported) {
        folderMissingReported = true;
        String message = "forwards-dir " + dir + ": cannot be read (" + e
            + "); keeping the last forwards";
        log.warn(message);
        errors.warn(message);
      }
    } catch (RuntimeException e) {
      log.error("forwards-dir {}: reload failed", dir, e);
      errors.error("forwards-dir " + dir + ": reload failed: " + e);
    }
  }

  private void apply(ForwardFiles files) {
    if (files.equals(last)) {
      return;
    }
    Map<Path, ForwardFile> before = new HashMap<>();
    if (last != null) {
      last.files().forEach(f -> before.put(f.path(), f));
    }
    for (ForwardFile f : files.failed()) {
      if (!f.equals(before.get(f.path()))) {
        String message = "forward file ignored: " + String.join("; ",
            f.problems().stream().map(Object::toString).toList());
        log.warn(message);
        errors.warn(message);
      }
    }
    last = files;
    listener.forwardsChanged(new LinkedHashSet<>(files.forwards()), files.failed());
  }

  /** Stops watching; the listener is not called after this returns. */
  @Override
  public void close() {
    closed = true;
    try {
      watch.close();
    } catch (IOException e) {
      log.debug("closing the watch service of {}", dir, e);
    }
    thread.interrupt();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
