package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.conf.NodeConfig;
import io.staex.crypto.Address;
import io.staex.crypto.BadCertificateException;
import io.staex.crypto.KeyFiles;
import io.staex.crypto.Rejection;
import io.staex.node.NodeStatus.Direction;
import io.staex.testing.fixtures.Member;
import io.staex.testing.fixtures.TestNetwork;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two whole nodes in one JVM, started from config files, as {@code staex run} starts them. */
class NodeRuntimeTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  private final TestNetwork network = TestNetwork.seeded(1);
  private long nextSeed = 100;
  private final List<NodeRuntime> nodes = new ArrayList<>();

  @AfterEach
  void closeAll() {
    nodes.forEach(NodeRuntime::close);
  }

  private NodeRuntime start(Path conf) throws Exception {
    NodeRuntime n = NodeRuntime.start(NodeConfig.load(conf), Clock.systemUTC(), RANDOM);
    nodes.add(n);
    return n;
  }

  /** Writes {@code name}.key, .crt (valid from an hour ago for a day) and .conf; returns the conf. */
  private Path node(String name, String body) throws Exception {
    Member member = network.member(nextSeed++, name);
    KeyFiles.writePrivateKey(dir.resolve(name + ".key"), member.identity(), false);
    member.certificate().write(dir.resolve(name + ".crt"), false);
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(conf, "staex {\n  key = " + name + ".key\n  cert = " + name + ".crt\n"
        + "  routing { keepalive-interval = 500ms, missed-keepalives = 2 }\n" + body + "\n}\n");
    return conf;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(condition::getAsBoolean);
  }

  @Test
  void rootAndLeaf_inOneJvm_linkAndShowIt() throws Exception {
    int port = freePort();
    NodeRuntime root = start(node("root", "listen = \"127.0.0.1:" + port + "\""));
    Address rootAddress = root.address();
    NodeRuntime leaf = start(node("leaf",
        "parents = [ { address = \"127.0.0.1:" + port + "\", key = \"" + rootAddress + "\" } ]"));

    await("leaf's active parent is the root",
        () -> leaf.status().activeParent().equals(Optional.of(rootAddress)));
    await("root knows the leaf", () -> root.status().routes().viewSize() == 2);

    NodeStatus rs = root.status();
    assertThat(rs.listen()).contains("127.0.0.1:" + port);
    assertThat(rs.datagrams()).isEqualTo(new NodeStatus.DatagramStats(0, 0, 0, 0, 0));
    assertThat(rs.routes().known()).containsExactlyInAnyOrder(rootAddress, leaf.address());
    assertThat(rs.links()).singleElement().satisfies(l -> {
      assertThat(l.peer()).isEqualTo(leaf.address());
      assertThat(l.direction()).isEqualTo(Direction.CHILD);
    });
    assertThat(leaf.status().links()).singleElement().satisfies(l -> {
      assertThat(l.direction()).isEqualTo(Direction.PARENT);
      assertThat(l.up()).isTrue();
      assertThat(l.endpoint()).contains("127.0.0.1:" + port);
    });
    assertThat(leaf.status().name()).contains("leaf");

    root.close();
    await("leaf sees its parent down", () -> leaf.status().activeParent().isEmpty()
        && !leaf.status().links().get(0).up());
    assertThat(dir.resolve("root.sock")).doesNotExist();
    assertThat(dir.resolve("leaf.sock")).exists();
  }

  @Test
  void secondNodeOnTheSameSocket_refused_firstKeepsRunning() throws Exception {
    Path conf = node("root", "");
    NodeRuntime first = start(conf);

    assertThatThrownBy(() -> start(conf))
        .isInstanceOf(NodeStartException.class)
        .hasMessage("another node is running at " + dir.resolve("root.sock"))
        .extracting(e -> ((NodeStartException) e).reason())
        .isEqualTo(NodeStartException.Reason.CONTROL_SOCKET);
    assertThat(first.status().routes().viewSize()).isEqualTo(1);
  }

  @Test
  void certificateOfAnotherKey_refused_nothingLeft() throws Exception {
    node("other", "");
    Path conf = node("root", "cert = other.crt");

    assertThatThrownBy(() -> start(conf))
        .isInstanceOf(BadCertificateException.class)
        .hasMessageContaining("other.crt: certificate is for")
        .extracting(e -> ((BadCertificateException) e).rejection())
        .isEqualTo(Rejection.KEY_MISMATCH);
    assertThat(dir.resolve("root.sock")).doesNotExist();
  }

  @Test
  void expiredCertificate_refused() throws Exception {
    Path conf = node("root", "");
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));

    assertThatThrownBy(() -> NodeRuntime.start(NodeConfig.load(conf), later, RANDOM))
        .isInstanceOf(BadCertificateException.class)
        .hasMessageContaining("root.crt: expired");
  }

  @Test
  void listenInUse_refused_controlSocketRemoved() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path conf = node("root", "listen = \"127.0.0.1:" + taken.getLocalPort() + "\"");
      assertThatThrownBy(() -> start(conf))
          .isInstanceOf(NodeStartException.class)
          .hasMessageContaining("staex.listen: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
    assertThat(dir.resolve("root.sock")).doesNotExist();
  }

  @Test
  void forwardsDir_loadedAtStart_andShownInStatus() throws Exception {
    Files.createDirectory(dir.resolve("forwards.d"));
    Files.writeString(dir.resolve("forwards.d/cam.conf"),
        "forwards = [ { listen = \"127.0.0.1:9554\", to = \"camera1.staex:554\" } ]\n");
    NodeRuntime n = start(node("root", "forwards-dir = forwards.d"));

    assertThat(n.forwards()).extracting(f -> f.listen().toString()).containsExactly("127.0.0.1:9554");
    assertThat(n.status().forwards()).singleElement()
        .satisfies(f -> assertThat(f.origin()).isEqualTo("forwards-dir"));
  }

  @Test
  void missingForwardsDir_refused() throws Exception {
    Path conf = node("root", "forwards-dir = nowhere");
    assertThatThrownBy(() -> start(conf))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("staex.forwards-dir: " + dir.resolve("nowhere"));
  }
}
