package io.staex.node;

import io.staex.node.internal.cli.StaexCommand;

/** The {@code staex} program: one executable for every node role and the key tools. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(StaexCommand.commandLine().execute(args));
  }
}
