import io.staex.node.internal.cli.StaexCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The testbed's keys and certificates in one JVM: {@code staex network create}, then for each
 * node {@code staex keygen} and {@code staex cert issue}, the same commands as the CLI's (one
 * JVM start per command took 4 s each on a loaded 2-core machine). Node I's certificate names it
 * {@code nodeI} (the soak's DNS queries and SOCKS fetches ask for {@code nodeI.staex}). Writes
 * nodeI.addr beside.
 *
 * <pre>java -cp node/target/staex.jar testbed/Keys.java DIR N</pre>
 */
public final class Keys {
  private Keys() {}

  static String staex(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = StaexCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    if (code != 0) {
      throw new IllegalStateException("staex " + String.join(" ", args) + " exited " + code + ": " + err);
    }
    return out.toString().trim();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    staex("network", "create", "--out", dir.resolve("network.key").toString());
    for (int i = 0; i < n; i++) {
      String key = dir.resolve("node" + i + ".key").toString();
      String address = staex("keygen", "--out", key);
      staex("cert", "issue", "--network-key", dir.resolve("network.key").toString(),
          "--node-key", key, "--name", "node" + i,
          "--out", dir.resolve("node" + i + ".crt").toString());
      Files.writeString(dir.resolve("node" + i + ".addr"), address + "\n");
    }
  }
}
