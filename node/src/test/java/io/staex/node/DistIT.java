package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool;
import io.staex.testing.ExternalTool.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages {@code dist/build.sh} makes, as a user gets them: the tarball and the .deb are
 * built once for the class (jlink takes a while), unpacked ({@code tar}, {@code dpkg -x} into a
 * scratch root) and run with an empty environment whose PATH has only the shell tools the
 * launcher uses: no {@code java}, no JAVA_HOME, no Maven.
 */
class DistIT {
  /** The programs the installed launcher may use; nothing else is on its PATH. */
  private static final List<String> LAUNCHER_TOOLS = List.of("bash", "dirname", "readlink",
      "sed", "cat", "cksum", "cut", "stat", "mkdir", "flock", "rm", "mv", "touch");

  @TempDir static Path work;
  private static Path tarball;
  private static Path deb;
  private static Path tools;
  private static String version;

  @BeforeAll
  static void build() throws Exception {
    ExternalTool.require("dpkg-deb", "dpkg");
    ExternalTool.require("asciidoctor");
    Path jar = Path.of(System.getProperty("staex.jar", "target/staex.jar")).toAbsolutePath();
    Path script = Path.of(System.getProperty("staex.dist", "../dist")).resolve("build.sh");
    Path out = work.resolve("out");
    Result built = ExternalTool.run(work, Duration.ofMinutes(15), null,
        List.of("bash", script.toString(), "--jar", jar.toString(), "--out", out.toString()));
    built.assertSuccess();
    tarball = only(out, "staex-*-linux-x86_64.tar.gz");
    deb = only(out, "staex_*_amd64.deb");
    version = tarball.getFileName().toString()
        .replaceFirst("^staex-", "").replaceFirst("-linux-x86_64\\.tar\\.gz$", "");

    tools = Files.createDirectories(work.resolve("tools"));
    for (String tool : LAUNCHER_TOOLS) {
      Files.createSymbolicLink(tools.resolve(tool), ExternalTool.require(tool, "coreutils"));
    }
  }

  @Test
  void tarball_runsOnItsOwnRuntime_withManPagesAndCompletion() throws Exception {
    Path unpacked = Files.createDirectories(work.resolve("tar"));
    ExternalTool.run(unpacked, "tar", "-xzf", tarball.toString()).assertSuccess();
    Path home = unpacked.resolve("staex-" + version);

    assertThat(home.resolve("bin/staex")).isExecutable();
    assertThat(home.resolve("staex.jar")).isRegularFile();
    assertThat(home.resolve("NOTICE")).isRegularFile();
    assertThat(home.resolve("runtime/legal")).isDirectory();
    assertThat(home.resolve("share/man/man1/staex.1")).content()
        .contains(".TH \"STAEX\" \"1\"").contains("staex " + version.replace("-", "\\-"));
    assertThat(home.resolve("share/man/man1/staex-run.1")).content()
        .contains("Run a node from its configuration file");
    assertThat(home.resolve("share/bash-completion/completions/staex")).content()
        .contains("complete -F _complete_staex").contains("keygen").contains("status");

    Result modules = ExternalTool.run(work, home.resolve("runtime/bin/java").toString(),
        "--list-modules").assertSuccess();
    assertThat(modules.stdout()).contains("java.base@", "jdk.unsupported@")
        .doesNotContain("java.desktop@", "jdk.compiler@", "java.sql@");

    Result v = launch(home.resolve("bin/staex"), List.of(), "--version").assertSuccess();
    assertThat(v.stdout()).startsWith("staex " + version + "\n");
  }

  @Test
  void deb_infoAndContents_areThoseOfAServicePackage() throws Exception {
    String info = ExternalTool.run(work, "dpkg-deb", "--info", deb.toString())
        .assertSuccess().stdout();
    assertThat(info).contains(" Package: staex\n", " Architecture: amd64\n", " Depends: libc6",
        " Version: " + version.replace('-', '~') + "\n", "postinst", "prerm", "postrm");
    Path control = Files.createDirectories(work.resolve("control"));
    ExternalTool.run(work, "dpkg-deb", "--control", deb.toString(), control.toString())
        .assertSuccess();
    assertThat(control.resolve("conffiles")).hasContent("/etc/staex/node.conf");
    for (String script : List.of("postinst", "prerm", "postrm")) {
      assertThat(control.resolve(script)).isExecutable();
      ExternalTool.run(work, "sh", "-n", control.resolve(script).toString()).assertSuccess();
    }
    assertThat(control.resolve("postinst")).content()
        .contains("useradd --system --gid staex").contains("--shell /usr/sbin/nologin");

    String contents = ExternalTool.run(work, "dpkg-deb", "--contents", deb.toString())
        .assertSuccess().stdout();
    assertThat(contents.lines().filter(l -> !l.contains(" root/root ")))
        .as("every file is root's").isEmpty();
    assertThat(contents).contains(
        " ./usr/bin/staex -> ../lib/staex/bin/staex\n",
        " ./usr/lib/staex/bin/staex\n",
        " ./usr/lib/staex/staex.jar\n",
        " ./usr/lib/staex/runtime/bin/java\n",
        " ./etc/staex/node.conf\n",
        " ./usr/lib/systemd/system/staex.service\n",
        " ./usr/share/man/man1/staex.1.gz\n",
        " ./usr/share/man/man1/staex-run.1.gz\n",
        " ./usr/share/bash-completion/completions/staex\n",
        " ./usr/share/doc/staex/copyright\n");
    assertThat(contents).as("nothing under /var, /run or /tmp: systemd makes those")
        .doesNotContain(" ./var/", " ./run/", " ./tmp/");
  }

  @Test
  void deb_inAScratchRoot_runsWithoutAJdk_andKeepsItsCacheOutOfTheInstallation()
      throws Exception {
    Path root = Files.createDirectories(work.resolve("root"));
    ExternalTool.run(work, "dpkg", "-x", deb.toString(), root.toString()).assertSuccess();
    Path staex = root.resolve("usr/bin/staex");
    Set<Path> installed = files(root);
    Path cache = work.resolve("cache");

    Result v = launch(staex, List.of("JAVA_OPTS=-XshowSettings:properties"), "--version")
        .assertSuccess();
    assertThat(v.stdout()).startsWith("staex " + version + "\n");
    assertThat(v.stderr()).as("the bundled runtime runs it")
        .contains("java.home = " + root.resolve("usr/lib/staex/runtime"));

    Result demo = launch(staex, List.of("STAEX_CACHE_DIR=" + cache,
        "STAEX_TRAIN_ARGS=--mib 1 --streams 5 --rounds 1"), "demo", "--check", "--port", "0");
    assertThat(demo.exitCode()).as(demo.describe()).isZero();
    assertThat(demo.stdout()).as(demo.describe()).contains("Hello from the camera");
    try (Stream<Path> made = Files.list(cache)) {
      assertThat(made.map(p -> p.getFileName().toString()))
          .as("the start-up cache, made by the bundled runtime in the cache folder")
          .anyMatch(n -> n.matches("staex-jdk\\d+-\\d+\\.(aot|jsa)"));
    }
    assertThat(files(root)).as("nothing written into the installation").isEqualTo(installed);

    Result show = launch(staex, List.of(), "config", "show", "-c",
        root.resolve("etc/staex/node.conf").toString()).assertSuccess();
    assertThat(show.stdout()).as("the example config is valid")
        .contains("\"/run/staex/control.sock\"").contains("\"/var/lib/staex/node.key\"");
  }

  @Test
  void unit_passesSystemdAnalyzeVerify_andIsHardened() throws Exception {
    Path root = Files.createDirectories(work.resolve("unit-root"));
    ExternalTool.run(work, "dpkg", "-x", deb.toString(), root.toString()).assertSuccess();
    Path unit = root.resolve("usr/lib/systemd/system/staex.service");
    assertThat(unit).content().contains(
        "\nUser=staex\n", "\nStateDirectory=staex\n", "\nRuntimeDirectory=staex\n",
        "\nConfigurationDirectory=staex\n", "\nProtectSystem=strict\n", "\nProtectHome=yes\n",
        "\nPrivateTmp=yes\n", "\nNoNewPrivileges=yes\n", "\nCapabilityBoundingSet=\n",
        "\nAmbientCapabilities=\n", "\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n",
        "\nSystemCallFilter=@system-service\n", "\nRestart=on-failure\n",
        "\nExecStart=/usr/bin/staex run -c /etc/staex/node.conf\n",
        "\nExecReload=/usr/bin/staex reload --control /run/staex/control.sock\n");
    assertThat(root.resolve("etc/staex/node.conf")).content()
        .contains("control.socket = \"/run/staex/control.sock\"");

    Path analyze = ExternalTool.require("systemd-analyze", "systemd");
    // The unit as it is but for its command, the scratch root's /usr/bin/staex (this machine
    // has none): verify checks every setting's value and that the commands are executable.
    Path copy = Files.createDirectories(work.resolve("verify")).resolve("staex.service");
    Files.writeString(copy, Files.readString(unit)
        .replace("/usr/bin/staex", root.resolve("usr/bin/staex").toString()));
    Result verify = ExternalTool.run(work, analyze.toString(), "verify", "--man=no",
        copy.toString());
    assertThat(verify.exitCode()).as(verify.describe()).isZero();
    assertThat(verify.stderr()).as(verify.describe()).doesNotContain("staex.service");
  }

  /** {@code staex ARGS} by {@code launcher}, in an environment of {@code env} and PATH only. */
  private static Result launch(Path launcher, List<String> env, String... args) {
    List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=" + tools,
        "HOME=" + work.resolve("home")));
    command.addAll(env);
    command.add(launcher.toString());
    command.addAll(List.of(args));
    return ExternalTool.run(work, Duration.ofMinutes(5), null, command);
  }

  private static Set<Path> files(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.collect(Collectors.toSet());
    }
  }

  private static Path only(Path dir, String glob) throws IOException {
    List<Path> found = new ArrayList<>();
    try (var stream = Files.newDirectoryStream(dir, glob)) {
      stream.forEach(found::add);
    }
    assertThat(found).as(dir + "/" + glob).hasSize(1);
    return found.get(0);
  }
}
