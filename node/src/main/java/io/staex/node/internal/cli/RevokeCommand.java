package io.staex.node.internal.cli;

import io.staex.crypto.SignedRevocation;
import io.staex.node.internal.control.ControlProtocol;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code staex revoke FILE}: hands a signed revocation ({@code staex cert revoke}) to a running
 * node over its control socket; the node applies it and spreads it to the whole network.
 */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = {
      "Hand a signed revocation (from `staex cert revoke`) to a running node. The node checks",
      "it, applies it and sends it on; within seconds every node of the network closes the",
      "revoked node's links and sessions and refuses new ones. Any node will do."
    })
final class RevokeCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "The revocation file (PEM).")
  Path file;

  @ArgGroup(exclusive = true) NodeSocket where = new NodeSocket();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    SignedRevocation revocation = SignedRevocation.read(file);
    Path socket = where.socket();
    String answer = DiagnosticClient.answer(socket, ControlProtocol.revokeRequest(revocation),
        StatusCommand.TIMEOUT_MILLIS);
    PrintWriter out = spec.commandLine().getOut();
    out.print(answer);
    out.flush();
    return ExitCodes.OK;
  }
}
