package io.staex.node.internal.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket for real: permissions, the protocol, stale and live sockets. */
class ControlServerTest {
  @TempDir Path dir;
  private ControlServer server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  private Path started() throws IOException {
    Path socket = dir.resolve("node.sock");
    server = ControlServer.bind(socket);
    server.start(StatusFixture::busy);
    return socket;
  }

  private static String raw(Path socket, byte[] request, boolean endOutput) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap(request));
      if (endOutput) {
        ch.shutdownOutput();
      }
      return new String(Channels.read(ch, 1 << 20, -1, 5000).bytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void socket_isOwnerOnly_andNothingIsLeftBeside() throws Exception {
    Path socket = started();

    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS))).isEqualTo("rw-------");
    int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    assertThat(mode & 0170000).as("a socket").isEqualTo(0140000);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(socket);
    }
  }

  @Test
  void status_answersEachFormat() throws Exception {
    Path socket = started();

    assertThat(ControlClient.ask(socket, "status", 5000)).startsWith("node      ");
    assertThat(ControlClient.ask(socket, "status json", 5000)).startsWith("{\"address\":").endsWith("}\n");
    assertThat(ControlClient.ask(socket, "metrics", 5000)).contains("staex_relay_forwarded_total 10");
    assertThat(raw(socket, "status\r\n".getBytes(StandardCharsets.US_ASCII), false))
        .startsWith("node      ");
  }

  @Test
  void unknownRequest_saysWhatIsExpected() throws Exception {
    Path socket = started();
    assertThat(ControlClient.ask(socket, "stats\u0007", 5000))
        .isEqualTo("error: unknown request 'stats?' (expected: status, status json, metrics,"
            + " revoke <revocation>, reload, ping <target> <ms>, trace <target>, resolve <name>)\n");
  }

  @Test
  void reload_answersWhatTheNodeSays_orThatItCannot() throws Exception {
    Path socket = started();
    assertThat(ControlClient.ask(socket, "reload", 5000))
        .isEqualTo("error: this node cannot reload\n");
    server.close();
    server = ControlServer.bind(socket);
    server.start(StatusFixture::busy, r -> "error: no\n", () -> "reloaded node.conf: x\n");
    assertThat(ControlClient.ask(socket, "reload", 5000)).isEqualTo("reloaded node.conf: x\n");
  }

  @Test
  void diagnostics_withoutThem_andMalformedPings_sayWhy() throws Exception {
    Path socket = started();
    assertThat(ControlClient.ask(socket, "trace camera1", 5000))
        .isEqualTo("error: this node answers no diagnostics\n");
    assertThat(ControlClient.ask(socket, "ping camera1", 5000))
        .startsWith("error: ping: expected 'ping <name or address> <timeout ms, 1~60000>'");
    assertThat(ControlClient.ask(socket, "ping camera1 0", 5000)).startsWith("error: ping:");
    assertThat(ControlClient.ask(socket, "ping camera1 60001", 5000)).startsWith("error: ping:");
    assertThat(ControlClient.ask(socket, "ping camera1 x", 5000)).startsWith("error: ping:");
  }

  @Test
  void diagnostics_areHandedTheirArguments() {
    Diagnostics echo = new Diagnostics() {
      @Override
      public String ping(String target, long timeoutMillis) {
        return "ping " + target + " " + timeoutMillis;
      }

      @Override
      public String trace(String target) {
        return "trace " + target;
      }

      @Override
      public String resolve(String name) {
        return "resolve " + name;
      }
    };
    assertThat(ControlProtocol.answer("ping  camera1   1500 ", () -> null,
        ControlProtocol.NO_REVOCATIONS, echo)).isEqualTo("ping camera1 1500");
    assertThat(ControlProtocol.answer("trace camera1.staex", () -> null,
        ControlProtocol.NO_REVOCATIONS, echo)).isEqualTo("trace camera1.staex");
    assertThat(ControlProtocol.answer("resolve cam", () -> null,
        ControlProtocol.NO_REVOCATIONS, echo)).isEqualTo("resolve cam");
  }

  @Test
  void oversizedLine_refused() throws Exception {
    Path socket = started();
    String answer = raw(socket, "x".repeat(10_000).getBytes(StandardCharsets.US_ASCII), true);
    assertThat(answer).startsWith("error: request longer than 256 bytes");
  }

  @Test
  void silentClient_timesOut_andTheNextIsServed() throws Exception {
    Path socket = started();
    try (SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      String answer = new String(Channels.read(silent, 4096, -1, 5000).bytes(),
          StandardCharsets.UTF_8);
      assertThat(answer).startsWith("error: no request line within");
    }
    assertThat(ControlClient.ask(socket, "status", 5000)).startsWith("node ");
  }

  @Test
  void staleSocket_isRemovedAndReplaced() throws Exception {
    Path socket = dir.resolve("node.sock");
    ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    dead.bind(UnixDomainSocketAddress.of(socket));
    dead.close(); // the file stays, nobody listens: a node that was killed

    server = ControlServer.bind(socket);
    server.start(StatusFixture::idle);

    assertThat(ControlClient.ask(socket, "status", 5000)).startsWith("node ");
  }

  @Test
  void liveSocket_refused_andLeftAlone() throws Exception {
    Path socket = started();

    assertThatThrownBy(() -> ControlServer.bind(socket))
        .isInstanceOf(IOException.class)
        .hasMessage("another node is running at " + socket);
    assertThat(ControlClient.ask(socket, "status", 5000)).startsWith("node ");
  }

  @Test
  void existingFile_refused() throws Exception {
    Path file = Files.writeString(dir.resolve("node.sock"), "mine");
    assertThatThrownBy(() -> ControlServer.bind(file))
        .hasMessageContaining("exists and is not a socket");
    assertThat(Files.readString(file)).isEqualTo("mine");
  }

  @Test
  void tooLongPath_refusedWithItsLength() {
    Path deep = dir.resolve("d".repeat(120) + ".sock");
    assertThatThrownBy(() -> ControlServer.bind(deep)).hasMessageContaining("(expected: at most 107");
  }

  @Test
  void close_removesTheSocket_andClientsSayNoNode() throws Exception {
    Path socket = started();
    server.close();
    server = null;

    assertThat(socket).doesNotExist();
    assertThatThrownBy(() -> ControlClient.ask(socket, "status", 5000))
        .isInstanceOf(ControlClient.NoNodeException.class)
        .hasMessage("no node is running at " + socket + " (is `staex run` started?)");
  }
}
