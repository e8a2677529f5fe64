package io.staex.proxy.exit;

import io.staex.crypto.Address;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.StreamHandler;
import io.staex.proxy.stream.Streams;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user side of exits: opens an exit stream to {@code host:port} through the first exit of
 * a list that takes it (the doors' {@code socks.exit}, in order). An exit whose stream is reset
 * before it connected for a reason that says the exit, not the destination, failed (unreachable,
 * its session ended, timed out, no exit there, a limit) is skipped for the next; a refusal of the
 * destination (NOT_ALLOWED, REFUSED) is the answer. Loop only.
 */
public final class ExitDialer {
  private static final Logger log = LoggerFactory.getLogger(ExitDialer.class);
  /** Reset reasons that try the next exit. */
  static final Set<ResetReason> FAIL_OVER = Set.of(ResetReason.UNREACHABLE,
      ResetReason.SESSION_ENDED, ResetReason.TIMEOUT, ResetReason.NO_SERVICE, ResetReason.LIMIT);

  private ExitDialer() {}

  /**
   * Opens through {@code exits} in order; {@code handler} hears the stream that connected, or
   * the last reset. {@code onAttempt} is told each stream as it is opened (a bridge binds it).
   */
  public static void open(Streams streams, List<Address> exits, String host, int port,
      StreamHandler handler, Consumer<Stream> onAttempt) {
    if (exits.isEmpty()) {
      throw new IllegalArgumentException("exits: none");
    }
    new Failover(streams, List.copyOf(exits), host, port,
        Objects.requireNonNull(handler, "handler"), onAttempt).next();
  }

  /** Delegates to the real handler; before connect, a failing exit is replaced by the next. */
  private static final class Failover implements StreamHandler {
    private final Streams streams;
    private final List<Address> exits;
    private final String host;
    private final int port;
    private final StreamHandler target;
    private final Consumer<Stream> onAttempt;
    private int index;
    private boolean connected;

    Failover(Streams streams, List<Address> exits, String host, int port, StreamHandler target,
        Consumer<Stream> onAttempt) {
      this.streams = streams;
      this.exits = exits;
      this.host = host;
      this.port = port;
      this.target = target;
      this.onAttempt = onAttempt;
    }

    void next() {
      Address exit = exits.get(index++);
      Stream s = streams.openHost(exit, host, port, this);
      onAttempt.accept(s);
    }

    @Override
    public void connected(Stream s) {
      connected = true;
      target.connected(s);
    }

    @Override
    public void data(Stream s, FrameBytes data) {
      target.data(s, data);
    }

    @Override
    public void datagram(Stream s, int channel, FrameBytes data) {
      target.datagram(s, channel, data);
    }

    @Override
    public void fin(Stream s) {
      target.fin(s);
    }

    @Override
    public void writable(Stream s) {
      target.writable(s);
    }

    @Override
    public void reset(Stream s, ResetReason reason) {
      if (!connected && index < exits.size() && FAIL_OVER.contains(reason)) {
        log.info("exit {} failed for {}:{} ({}); trying {}", s.peer().shortText(), host, port,
            reason, exits.get(index).shortText());
        next();
        return;
      }
      target.reset(s, reason);
    }
  }
}
