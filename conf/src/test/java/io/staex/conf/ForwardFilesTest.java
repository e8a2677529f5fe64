package io.staex.conf;

import static io.staex.conf.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.conf.ConfigProblem.Reason;
import io.staex.crypto.Address;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardFilesTest {
  private static final Address CAMERA = Fixtures.address(200);

  @TempDir Path dir;

  private static String forwards(String... entries) {
    return "forwards = [\n" + String.join("\n", entries) + "\n]\n";
  }

  private static String entry(String listen, String to) {
    return "  { listen = \"" + listen + "\", to = \"" + to + "\" }";
  }

  @Test
  void oneBrokenFile_reportedAndIgnored_othersStayValid() throws Exception {
    Path a = write(dir, "a.conf", forwards(entry("127.0.0.1:8080", CAMERA + ".staex:80")));
    Path b = write(dir, "b.conf", forwards(entry("127.0.0.1:8081", "camera2.staex:80"),
        "  { listen = \"127.0.0.1:8082\", to = "));
    Path c = write(dir, "c.conf", forwards(
        entry("127.0.0.1:8554", "camera1.staex:554"), entry("[::1]:8554", "camera1.staex:554")));

    ForwardFiles files = ForwardFiles.load(dir, Set.of());

    assertThat(files.files()).extracting(ForwardFile::path).containsExactly(a, b, c);
    assertThat(files.forwards()).containsExactly(
        new ForwardConfig(HostPort.parse("127.0.0.1:8080"), new Target.ByAddress(CAMERA, 80)),
        new ForwardConfig(HostPort.parse("127.0.0.1:8554"), new Target.ByName("camera1", 554)),
        new ForwardConfig(HostPort.parse("[::1]:8554"), new Target.ByName("camera1", 554)));
    assertThat(files.failed()).hasSize(1);
    ForwardFile broken = files.failed().get(0);
    assertThat(broken.path()).isEqualTo(b);
    assertThat(broken.forwards()).isEmpty();
    assertThat(broken.problems()).singleElement().satisfies(p -> {
      assertThat(p.reason()).isEqualTo(Reason.SYNTAX);
      assertThat(p.file()).isEqualTo(b.toString());
      assertThat(p.line()).isPositive();
    });
  }

  @Test
  void protocolRtsp_inAForwardFile() throws Exception {
    write(dir, "cams.conf", forwards(
        "  { listen = \"127.0.0.1:8554\", to = \"camera1.staex:554\", protocol = rtsp }"));

    assertThat(ForwardFiles.load(dir, Set.of()).forwards()).containsExactly(new ForwardConfig(
        HostPort.parse("127.0.0.1:8554"), new Target.ByName("camera1", 554), Protocol.RTSP));
  }

  @Test
  void badEntry_namesFileLineKeyAndExpectation() throws Exception {
    Path file = write(dir, "cams.conf", forwards(
        entry("127.0.0.1:8080", "camera1.staex:80"), entry("127.0.0.1:70000", "camera2.staex:80")));

    ForwardFile result = ForwardFiles.load(dir, Set.of()).files().get(0);

    assertThat(result.isValid()).isFalse();
    assertThat(result.forwards()).isEmpty();
    assertThat(result.problems()).extracting(ConfigProblem::toString).containsExactly(
        file + ":3: forwards[1].listen: \"127.0.0.1:70000\" is not host:port: port 70000"
            + " (expected: 1~65535)");
  }

  @Test
  void listenUsedByTheNodeConfig_makesTheFileInvalid() throws Exception {
    Path file = write(dir, "a.conf", forwards(entry("127.0.0.1:1080", "camera1.staex:80")));

    ForwardFiles files = ForwardFiles.load(dir, Set.of(HostPort.parse("127.0.0.1:1080")));

    assertThat(files.forwards()).isEmpty();
    assertThat(files.failed().get(0).problems()).extracting(ConfigProblem::toString)
        .containsExactly(file + ":2: forwards[0].listen: \"127.0.0.1:1080\" is already used by"
            + " the node's configuration (expected: each listen address once)");
  }

  @Test
  void listenUsedByAnEarlierFile_makesTheLaterFileInvalid() throws Exception {
    Path first = write(dir, "10-first.conf", forwards(entry("127.0.0.1:8080", "camera1.staex:80")));
    Path second = write(dir, "20-second.conf", forwards(
        entry("127.0.0.1:9000", "camera2.staex:80"), entry("127.0.0.1:8080", "camera2.staex:80")));
    write(dir, "30-third.conf", forwards(entry("127.0.0.1:9000", "camera3.staex:80")));

    ForwardFiles files = ForwardFiles.load(dir, Set.of());

    assertThat(files.failed()).extracting(ForwardFile::path).containsExactly(second);
    assertThat(files.failed().get(0).problems()).extracting(ConfigProblem::toString)
        .containsExactly(second + ":3: forwards[1].listen: \"127.0.0.1:8080\" is already used"
            + " by forwards[0].listen (" + first + ":2) (expected: each listen address once)");
    // The broken file's 127.0.0.1:9000 was never taken, so the third file keeps it.
    assertThat(files.forwards()).extracting(f -> f.to().hostName())
        .containsExactly("camera1.staex", "camera3.staex");
  }

  @Test
  void onlyVisibleConfFilesDirectlyInTheFolder_read() throws Exception {
    write(dir, "a.conf", forwards(entry("127.0.0.1:8080", "camera1.staex:80")));
    write(dir, ".a.conf.swp", "garbage");
    write(dir, ".hidden.conf", "garbage");
    write(dir, "notes.txt", "garbage");
    write(dir, "sub/b.conf", "garbage");
    Files.createDirectories(dir.resolve("folder.conf"));

    ForwardFiles files = ForwardFiles.load(dir, Set.of());

    assertThat(files.files()).extracting(ForwardFile::path).containsExactly(dir.resolve("a.conf"));
    assertThat(files.failed()).isEmpty();
  }

  @Test
  void emptyFileOrTypo_reportedNotSilentlyEmpty() throws Exception {
    Path empty = write(dir, "a.conf", "");
    Path typo = write(dir, "b.conf", "forward = []");

    ForwardFiles files = ForwardFiles.load(dir, Set.of());

    assertThat(files.failed().get(0).problems()).extracting(ConfigProblem::reason)
        .containsExactly(Reason.MISSING_KEY);
    assertThat(files.failed().get(0).problems().get(0).toString())
        .startsWith(empty + ":1: forwards: is missing (expected: forwards = [");
    assertThat(files.failed().get(1).problems()).extracting(ConfigProblem::toString)
        .contains(typo + ":1: forward: unknown key, did you mean forwards? (expected one of:"
            + " forwards)");
  }

  @Test
  void emptyList_isAValidFileWithoutForwards() throws Exception {
    write(dir, "a.conf", "forwards = []");

    ForwardFiles files = ForwardFiles.load(dir, Set.of());

    assertThat(files.files()).singleElement().satisfies(f -> {
      assertThat(f.isValid()).isTrue();
      assertThat(f.forwards()).isEmpty();
    });
  }

  @Test
  void missingFolder_isAnIoError() {
    assertThatThrownBy(() -> ForwardFiles.load(dir.resolve("absent"), Set.of()))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void loadFromNodeConfig_usesItsFolderAndListenAddresses() throws Exception {
    write(dir, "forwards.d/a.conf", forwards(entry("127.0.0.1:8080", "camera1.staex:80")));
    write(dir, "forwards.d/b.conf", forwards(entry("127.0.0.1:9000", "camera2.staex:80")));
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", String.join("\n",
        "staex.forwards-dir = \"forwards.d\"",
        "staex.forwards = [ { listen = \"127.0.0.1:8080\", to = \"camera9.staex:80\" } ]")));

    ForwardFiles files = ForwardFiles.load(config);

    assertThat(files.failed()).extracting(ForwardFile::path)
        .containsExactly(dir.resolve("forwards.d/a.conf"));
    assertThat(files.forwards()).extracting(f -> f.to().hostName())
        .containsExactly("camera2.staex");
  }

  @Test
  void loadFromNodeConfigWithoutFolder_isEmpty() throws Exception {
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", ""));

    assertThat(ForwardFiles.load(config).files()).isEmpty();
  }

  @Test
  void sameFolderTwice_sameResult() throws Exception {
    write(dir, "a.conf", forwards(entry("127.0.0.1:8080", "camera1.staex:80")));
    write(dir, "b.conf", "broken {");

    assertThat(ForwardFiles.load(dir, Set.of())).isEqualTo(ForwardFiles.load(dir, Set.of()));
    assertThat(ForwardFiles.load(dir, Set.of()).files()).hasSize(2);
  }

  @Test
  void fileResult_isValidOrIgnoredNeverBoth() {
    ConfigProblem problem = new ConfigProblem("a.conf", 1, "", Reason.SYNTAX, "broken");
    ForwardConfig forward =
        new ForwardConfig(HostPort.parse("127.0.0.1:1"), Target.parse("camera1.staex:1"));

    assertThatThrownBy(() -> new ForwardFile(Path.of("a.conf"), List.of(forward), List.of(problem)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
