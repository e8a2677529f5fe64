package io.staex.node.internal.control;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The {@code staex status} side of the control protocol. */
public final class ControlClient {
  /** The most bytes of an answer read (a status with many entries stays far below). */
  static final int MAX_ANSWER = 16 * 1024 * 1024;

  private ControlClient() {}

  /** No node answered at the socket path: none runs there, or it died. */
  public static final class NoNodeException extends IOException {
    NoNodeException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Sends {@code request} to the node at {@code socket} and returns its whole answer.
   *
   * @throws NoNodeException if nothing listens at {@code socket}
   * @throws IOException if the node does not answer within {@code timeoutMillis}, or I/O fails
   */
  public static String ask(Path socket, String request, long timeoutMillis) throws IOException {
    SocketChannel channel;
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoNodeException("no node is running at " + socket + " (is `staex run` started?)",
          new NoSuchFileException(socket.toString()));
    }
    try {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (ConnectException | NoSuchFileException e) {
      throw new NoNodeException(
          "no node is running at " + socket + " (is `staex run` started?)", e);
    }
    try (channel) {
      Channels.writeAll(channel, (request + "\n").getBytes(StandardCharsets.UTF_8));
      channel.shutdownOutput();
      Channels.Read r = Channels.read(channel, MAX_ANSWER, -1, timeoutMillis);
      return new String(r.bytes(), StandardCharsets.UTF_8);
    }
  }
}
