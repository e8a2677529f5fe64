package io.staex.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.conf.ForwardFile;
import io.staex.conf.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher against a real folder: each change reaches the listener within a few seconds,
 * whether the WatchService saw it or the periodic rescan did.
 */
class ForwardsWatcherTest {
  private static final String TO = "camera1.staex:80";

  /** One listener call. */
  record Call(Set<String> listens, List<ForwardFile> failed) {}

  @TempDir Path dir;
  private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  private final ErrorLog errors = new ErrorLog(Clock.systemUTC(), 20);
  private ForwardsWatcher watcher;

  @AfterEach
  void close() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private void start(Set<HostPort> taken) throws Exception {
    watcher = ForwardsWatcher.start(dir, taken, (forwards, failed) -> calls.add(new Call(
        forwards.stream().map(f -> f.listen().toString()).collect(Collectors.toSet()), failed)),
        errors, Duration.ofMillis(200), Duration.ofSeconds(2));
  }

  private void write(String file, int port) throws Exception {
    Files.writeString(dir.resolve(file),
        "forwards = [ { listen = \"127.0.0.1:" + port + "\", to = \"" + TO + "\" } ]\n");
  }

  private Call next() throws Exception {
    Call c = calls.poll(6, TimeUnit.SECONDS);
    assertThat(c).as("a listener call within 6 s").isNotNull();
    return c;
  }

  @Test
  void start_reportsTheFolderAsItIs() throws Exception {
    write("a.conf", 8001);
    start(Set.of());
    assertThat(calls.poll()).isEqualTo(new Call(Set.of("127.0.0.1:8001"), List.of()));
  }

  @Test
  void addChangeBrokenRemove_eachReachesTheListener() throws Exception {
    write("a.conf", 8001);
    start(Set.of());
    next();

    write("b.conf", 8002);
    assertThat(next().listens()).containsExactlyInAnyOrder("127.0.0.1:8001", "127.0.0.1:8002");

    write("b.conf", 8003);
    assertThat(next().listens()).containsExactlyInAnyOrder("127.0.0.1:8001", "127.0.0.1:8003");

    Files.writeString(dir.resolve("b.conf"), "forwards = [ { listen = \"127.0.0.1:8004\" } ]\n");
    Call broken = next();
    assertThat(broken.listens()).containsExactly("127.0.0.1:8001");
    assertThat(broken.failed()).extracting(ForwardFile::path).containsExactly(dir.resolve("b.conf"));
    assertThat(errors.events()).hasSize(1);
    assertThat(errors.events().get(0).message()).contains("b.conf:1").contains("to");

    Files.delete(dir.resolve("b.conf"));
    Call removed = next();
    assertThat(removed).isEqualTo(new Call(Set.of("127.0.0.1:8001"), List.of()));
    assertThat(errors.events()).as("the broken file was reported once").hasSize(1);
  }

  @Test
  void noChange_noCall_evenAcrossRescans() throws Exception {
    write("a.conf", 8001);
    start(Set.of());
    next();
    assertThat(calls.poll(2500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void burst_isOneCall() throws Exception {
    start(Set.of());
    next();
    for (int i = 0; i < 5; i++) {
      write("f" + i + ".conf", 8100 + i);
    }
    Call c = next();
    // A watch event and a rescan may split the burst in two, never more.
    if (c.listens().size() < 5) {
      c = next();
    }
    assertThat(c.listens()).hasSize(5);
    assertThat(calls.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void listenTakenByTheNode_fileIsBroken() throws Exception {
    write("a.conf", 8001);
    start(Set.of(HostPort.parse("127.0.0.1:8001")));
    Call c = next();
    assertThat(c.listens()).isEmpty();
    assertThat(c.failed()).hasSize(1);
    assertThat(errors.events().get(0).message()).contains("127.0.0.1:8001");
  }

  @Test
  void close_stopsCalls() throws Exception {
    start(Set.of());
    next();
    watcher.close();
    write("a.conf", 8001);
    assertThat(calls.poll(2500, TimeUnit.MILLISECONDS)).isNull();
  }
}
