package io.staex.node.internal;

import io.staex.crypto.BadRevocationException;
import io.staex.crypto.Revocations;
import io.staex.crypto.RevocationsFile;
import io.staex.crypto.SignedRevocation;
import io.staex.crypto.TrustPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's signed revocations in {@code staex.trust.revocations-file}: {@link #load} applies
 * the file's at start; afterwards every revocation applied (from the network or {@code staex
 * revoke}) rewrites the file with the whole list, on a thread of its own so that the routing loop
 * never waits for a disk. Writes coalesce: a flood of revocations costs a few rewrites, the last
 * one holding them all.
 */
public final class RevocationsKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RevocationsKeeper.class);

  private final Path file;
  private final Revocations revocations;
  private final Consumer<String> onError;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "staex-revocations-file");
    t.setDaemon(true);
    return t;
  });

  private RevocationsKeeper(Path file, Revocations revocations, Consumer<String> onError) {
    this.file = file;
    this.revocations = revocations;
    this.onError = onError;
  }

  /**
   * Reads {@code file} (missing: none), applies each revocation in it to {@code policy}, and
   * keeps the file from then on. A revocation of a network no longer trusted, or beyond {@code
   * max-revocations}, is left out with a warning (the next rewrite drops it).
   *
   * @param onError hears a warning for {@code staex status} (a write that failed, a left-out
   *     entry), besides the log
   * @throws BadRevocationException naming the file and line, if the file does not parse or an
   *     entry's signature does not verify
   * @throws IOException if the file exists but cannot be read
   */
  public static RevocationsKeeper load(Path file, TrustPolicy policy, Consumer<String> onError)
      throws BadRevocationException, IOException {
    List<RevocationsFile.Entry> entries = RevocationsFile.read(file);
    int applied = 0;
    for (RevocationsFile.Entry e : entries) {
      SignedRevocation r = e.revocation();
      String where = file + ":" + e.line() + ": revocation of " + r.target() + " of network "
          + r.network();
      switch (policy.revoke(r)) {
        case APPLIED -> applied++;
        case KNOWN -> { }
        case BAD_SIGNATURE -> throw new BadRevocationException(
            where + ": the network's signature does not verify (the file was altered; remove"
                + " the entry, or the file, and restart)");
        case UNTRUSTED_NETWORK -> warn(onError, where + ": left out, the network is not trusted"
            + " here any more (staex.trust)");
        case FULL -> warn(onError, where + ": left out, " + policy.revocations().max()
            + " held already (staex.trust.max-revocations)");
        default -> throw new AssertionError(r);
      }
    }
    if (!entries.isEmpty()) {
      log.info("{} revocations applied from {}", applied, file);
    }
    RevocationsKeeper keeper = new RevocationsKeeper(file, policy.revocations(), onError);
    policy.revocations().onApplied(keeper::changed);
    if (applied != entries.size()) {
      keeper.changed(); // rewrite without what was left out
    }
    return keeper;
  }

  private static void warn(Consumer<String> onError, String message) {
    log.warn(message);
    onError.accept(message);
  }

  /** A revocation was applied: rewrite the file soon (once for a burst). */
  private void changed() {
    if (queued.compareAndSet(false, true)) {
      try {
        writer.execute(this::write);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        queued.set(false); // closing
      }
    }
  }

  private void write() {
    queued.set(false);
    List<SignedRevocation> all = revocations.all();
    try {
      RevocationsFile.write(file, all);
      log.debug("{} revocations written to {}", all.size(), file);
    } catch (IOException | RuntimeException e) {
      warn(onError, "staex.trust.revocations-file: cannot write " + file + " (" + e.getMessage()
          + "); the revocations held stay in force until the node stops");
    }
  }

  /** Stops listening; a rewrite already queued finishes first (up to a few seconds). */
  @Override
  public void close() {
    revocations.onApplied(null);
    writer.shutdown();
    try {
      if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("{}: the last rewrite did not finish within 5 s", file);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
