package io.staex.node.internal.cli;

import ch.qos.logback.classic.Level;
import io.staex.conf.NodeConfig;
import io.staex.node.NodeRuntime;
import io.staex.node.internal.Warmup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code staex run -c node.conf}: runs a node in the foreground until SIGTERM or SIGINT.
 *
 * <p>Signals: TERM and INT are handled (not left to the JVM's default, which would exit with
 * 143/130): the node closes in order and the command returns 0. HUP reloads the configuration
 * file, as {@code staex reload} does ({@link NodeRuntime#reload}), on a thread of its own so
 * that the JVM's signal thread is not held while the file is checked. A shutdown hook closes
 * the node on any other way out, so the control socket is removed whatever happens short of
 * SIGKILL.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a node from its configuration file, in the foreground, until SIGTERM or Ctrl-C;",
      "SIGHUP reloads the file (as `staex reload`).",
      "Logs go to stderr at staex.log.level (info by default; -vv for debug), as text or, with",
      "staex.log.format = json, one JSON object a line. `staex status` shows what it does and",
      "why a parent is down. `staex config check` checks first."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The node's configuration (HOCON; see conf/src/main/resources/reference.conf).")
  Path config;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ch.qos.logback.classic.Logger root = Verbosity.atLeastInfo();
    NodeConfig nodeConfig = NodeConfig.load(config);
    // log.level decides, unless -v or -vv asked for more.
    Level configured = Level.toLevel(nodeConfig.logLevel(), Level.INFO);
    if (!verboseGiven() || configured.levelInt < root.getLevel().levelInt) {
      root.setLevel(configured);
    }
    LogFormat.use(nodeConfig.logFormat());
    NodeRuntime node =
        NodeRuntime.start(nodeConfig, config, Clock.systemUTC(), new SecureRandom());
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(node::close, "RoutineShutdownHook");
    Runtime.getRuntime().addShutdownHook(hook);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    try {
      SignalHandler before = Signal.handle(new Signal("HUP"), s -> {
        Thread reload = new Thread(() -> {
          log.info("SIGHUP: reloading {}", config);
          node.reload(); // logs what changed, or at WARN why nothing did
        }, "RoutineReloadOnHup");
        reload.setDaemon(true);
        reload.start();
      });
      if (before == SignalHandler.SIG_IGN) {
        // the JVM keeps a signal ignored that was ignored when it started (nohup does that)
        log.warn("SIGHUP was ignored when this node started (nohup?) and stays ignored:"
            + " use `staex reload` to reload");
      }
    } catch (IllegalArgumentException e) { // the JVM runs with -Xrs, or uses HUP itself
      log.warn("SIGHUP cannot be caught here ({}): use `staex reload` to reload", e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("node " + node.address() + " running");
    out.flush();
    // After the node is up (it never delays readiness) and only here: no other command runs it.
    Warmup warmup = nodeConfig.warmup() ? Warmup.start(Warmup.DEFAULT) : null;
    if (warmup == null) {
      log.debug("warm-up: off (staex.warmup = false, the default)");
    }
    try {
      stop.await();
    } finally {
      log.info("stopping");
      if (warmup != null) {
        warmup.stop();
      }
      node.close();
    }
    return ExitCodes.OK;
  }

  /** Whether -v or -vv was on the command line (before or after {@code run}). */
  private boolean verboseGiven() {
    for (CommandLine.ParseResult pr = spec.root().commandLine().getParseResult(); pr != null;
        pr = pr.subcommand()) {
      if (pr.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
