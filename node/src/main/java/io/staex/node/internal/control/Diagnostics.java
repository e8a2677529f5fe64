package io.staex.node.internal.control;

/**
 * What the control socket's diagnostic requests ask the node ({@code ping}, {@code trace},
 * {@code resolve}); each answer is one JSON object (see {@code docs/node.md}, Diagnostics), or
 * an {@code error: ...} line for a request the node cannot take. Called on the control socket's
 * thread; may block up to the timeout given.
 */
public interface Diagnostics {
  /** For a node without diagnostics (tests of the protocol alone). */
  Diagnostics NONE = new Diagnostics() {
    @Override
    public String ping(String target, long timeoutMillis) {
      return "error: this node answers no diagnostics\n";
    }

    @Override
    public String trace(String target) {
      return ping(target, 0);
    }

    @Override
    public String resolve(String name) {
      return ping(name, 0);
    }
  };

  /** One ping of {@code target} (a name or an address), waiting at most {@code timeoutMillis}. */
  String ping(String target, long timeoutMillis);

  /** The path this node would use to {@code target}, and why. */
  String trace(String target);

  /** What {@code name} resolves to here, and where the answer came from. */
  String resolve(String name);
}
