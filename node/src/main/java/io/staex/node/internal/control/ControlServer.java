package io.staex.node.internal.control;

import io.staex.node.NodeStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import io.staex.crypto.SignedRevocation;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's control endpoint: a Unix domain socket only the owner can use, answering {@link
 * ControlProtocol} requests.
 *
 * <p>Protection, in two layers. (1) The socket never exists with loose permissions at its
 * public path: it is bound inside a fresh directory created with mode 0700, set to 0600, and
 * only then hard-linked to the configured path (a link is atomic and refuses an existing path,
 * so a concurrent starter cannot be overwritten). (2) Every accepted connection's peer uid
 * ({@code SO_PEERCRED}) must be the socket file's owner, else it is closed unanswered.
 *
 * <p>Start-up: a path that exists and is not a socket is refused; a socket there that accepts a
 * connection belongs to a live node and is refused ("another node is running at ..."); one that
 * refuses is a dead node's and is removed.
 *
 * <p>Threading: one daemon thread ({@code RoutineControlAccept}) accepts and answers one
 * connection at a time; a client has {@link #REQUEST_TIMEOUT_MILLIS} to send its line. Answers
 * that need the relay block on its executor, which is why this is not on a Netty event loop.
 */
public final class ControlServer implements AutoCloseable {
  /** How long a client may take to send its request line. */
  static final long REQUEST_TIMEOUT_MILLIS = 2000;
  /** The longest socket path Linux accepts ({@code sun_path} is 108 bytes with its NUL). */
  static final int MAX_PATH_BYTES = 107;
  /** After answering, input still read and ignored at most. */
  private static final int DRAIN_BYTES = 64 * 1024;
  private static final long DRAIN_MILLIS = 200;

  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  private final Path path;
  private final ServerSocketChannel server;
  private final UserPrincipal owner;
  private final Object inode;
  private volatile Thread thread;

  private ControlServer(Path path, ServerSocketChannel server, UserPrincipal owner, Object inode) {
    this.path = path;
    this.server = server;
    this.owner = owner;
    this.inode = inode;
  }

  /**
   * Binds the socket at {@code path} (see the class comment); nothing is answered until {@link
   * #start}.
   *
   * @throws IOException with a message naming the path and what is wrong
   */
  public static ControlServer bind(Path path) throws IOException {
    Path target = path.toAbsolutePath().normalize();
    int length = target.toString().getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_PATH_BYTES) {
      throw new IOException("control socket " + target + ": path of " + length
          + " bytes (expected: at most " + MAX_PATH_BYTES + "; set staex.control.socket)");
    }
    Path folder = target.getParent();
    if (!Files.isDirectory(folder)) {
      throw new IOException("control socket " + target + ": folder " + folder + " does not exist");
    }
    removeStale(target);
    Path tmp = Files.createTempDirectory(folder, ".staex-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path bound = tmp.resolve("s");
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(bound));
      Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
      try {
        Files.createLink(target, bound);
      } catch (FileAlreadyExistsException e) {
        throw new IOException(
            "another node is running at " + target + " (it appeared while starting)");
      }
      UserPrincipal owner = Files.getOwner(target, LinkOption.NOFOLLOW_LINKS);
      Object inode = Files.getAttribute(target, "unix:ino", LinkOption.NOFOLLOW_LINKS);
      return new ControlServer(target, server, owner, inode);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    } finally {
      Files.deleteIfExists(bound);
      Files.deleteIfExists(tmp);
    }
  }

  private static void removeStale(Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    int mode = (Integer) Files.getAttribute(target, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & 0170000) != 0140000) {
      throw new IOException("control socket " + target
          + ": exists and is not a socket"
          + " (expected: a free path, or a socket left by a stopped node)");
    }
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(target))) {
      throw new IOException("another node is running at " + target);
    } catch (ConnectException e) {
      log.info("removing the stale control socket {} (no node answers there)", target);
      Files.deleteIfExists(target);
    }
  }

  /** The socket's path. */
  public Path path() {
    return path;
  }

  /** Starts answering requests with snapshots from {@code status}; refuses revocations. */
  public synchronized void start(Supplier<NodeStatus> status) {
    start(status, ControlProtocol.NO_REVOCATIONS);
  }

  /**
   * Starts answering requests with snapshots from {@code status}; {@code revoke} applies a
   * revocation handed over with {@code revoke <base64>} and returns the answer line.
   */
  public synchronized void start(
      Supplier<NodeStatus> status, Function<SignedRevocation, String> revoke) {
    start(status, revoke, ControlProtocol.NO_RELOAD, Diagnostics.NONE);
  }

  /** As {@link #start(Supplier, Function)}; {@code reload} answers {@code reload}. */
  public synchronized void start(Supplier<NodeStatus> status,
      Function<SignedRevocation, String> revoke, Supplier<String> reload) {
    start(status, revoke, reload, Diagnostics.NONE);
  }

  /**
   * As {@link #start(Supplier, Function)}, with {@code reload} answering {@code reload} and {@code
   * diagnostics} answering ping, trace and resolve (a ping holds the socket for up to its
   * timeout: one request at a time).
   */
  public synchronized void start(Supplier<NodeStatus> status,
      Function<SignedRevocation, String> revoke, Supplier<String> reload,
      Diagnostics diagnostics) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(revoke, "revoke");
    Objects.requireNonNull(reload, "reload");
    Objects.requireNonNull(diagnostics, "diagnostics");
    if (thread != null) {
      throw new IllegalStateException("started already");
    }
    Thread t = new Thread(
        () -> routineAccept(status, revoke, reload, diagnostics), "RoutineControlAccept");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void routineAccept(Supplier<NodeStatus> status,
      Function<SignedRevocation, String> revoke, Supplier<String> reload,
      Diagnostics diagnostics) {
    while (server.isOpen()) {
      try (SocketChannel client = server.accept()) {
        serve(client, status, revoke, reload, diagnostics);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.debug("control connection failed", e);
      }
    }
  }

  private void serve(SocketChannel client, Supplier<NodeStatus> status,
      Function<SignedRevocation, String> revoke, Supplier<String> reload,
      Diagnostics diagnostics) throws IOException {
    UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
    if (!peer.user().equals(owner)) {
      log.warn("control socket {}: refused a connection of user {} (only {} may connect)",
          path, peer.user().getName(), owner.getName());
      return;
    }
    String answer;
    try {
      Channels.Read r =
          Channels.read(client, ControlProtocol.MAX_REQUEST, '\n', REQUEST_TIMEOUT_MILLIS);
      if (r.overflow()) {
        answer = "error: request longer than " + ControlProtocol.MAX_REQUEST
            + " bytes (" + ControlProtocol.EXPECTED + ")\n";
      } else {
        answer = ControlProtocol.answer(
            new String(r.bytes(), StandardCharsets.UTF_8), status, revoke, reload,
            diagnostics);
      }
    } catch (SocketTimeoutException e) {
      answer = "error: no request line within " + REQUEST_TIMEOUT_MILLIS + " ms ("
          + ControlProtocol.EXPECTED + ")\n";
    } catch (RuntimeException e) {
      log.warn("control request failed", e);
      answer = "error: internal error: " + e + "\n";
    }
    Channels.writeAll(client, answer.getBytes(StandardCharsets.UTF_8));
    client.shutdownOutput();
    drain(client);
  }

  /**
   * Reads what the client still sends (a cut-off long line), briefly, so that closing with
   * unread input does not reset the connection before the client has read the answer.
   */
  private static void drain(SocketChannel client) {
    try {
      Channels.read(client, DRAIN_BYTES, -1, DRAIN_MILLIS);
    } catch (IOException e) {
      log.debug("control connection: {} while draining", e.toString());
    }
  }

  /** Stops answering and removes the socket file (if it is still this server's). */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      log.debug("closing the control socket", e);
    }
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(REQUEST_TIMEOUT_MILLIS + 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
          && inode.equals(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS))) {
        Files.delete(path);
      }
    } catch (IOException e) {
      log.warn("control socket {}: could not remove it: {}", path, e.toString());
    }
  }
}
