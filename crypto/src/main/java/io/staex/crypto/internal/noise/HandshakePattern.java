package io.staex.crypto.internal.noise;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A handshake pattern (section 7) as data: the pre-message tokens of each side and the token list
 * of each message. Messages alternate, the initiator sending message 0, 2, 4, ...
 *
 * <p>Patterns are written in the specification's own notation and parsed by {@link #parse}, so
 * they can be checked against the specification by eye:
 *
 * <pre>
 *   &lt;- s
 *   ...
 *   -&gt; e, es, s, ss
 *   &lt;- e, ee, se
 * </pre>
 *
 * @param name the pattern name, e.g. {@code IK}
 * @param initiatorPreMessage keys the responder knows before the handshake ({@code -> s})
 * @param responderPreMessage keys the initiator knows before the handshake ({@code <- s})
 * @param messages the tokens of each handshake message, in order
 */
public record HandshakePattern(
    String name,
    List<Token> initiatorPreMessage,
    List<Token> responderPreMessage,
    List<List<Token>> messages) {

  private static final String INITIATOR_ARROW = "->";
  private static final String RESPONDER_ARROW = "<-";

  /** Validates and copies the lists. */
  public HandshakePattern {
    Objects.requireNonNull(name, "name");
    initiatorPreMessage = checkPreMessage(initiatorPreMessage);
    responderPreMessage = checkPreMessage(responderPreMessage);
    messages = messages.stream().map(List::copyOf).collect(Collectors.toUnmodifiableList());
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("pattern " + name + " has no messages");
    }
  }

  /**
   * Parses a pattern written in the specification's notation: optional pre-message lines, a
   * {@code ...} line after them, then one line per message starting with {@code ->} or
   * {@code <-}, the first from the initiator, alternating.
   *
   * @throws IllegalArgumentException naming the line that does not fit
   */
  public static HandshakePattern parse(String name, String notation) {
    List<String> lines = notation.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    int separator = lines.indexOf("...");
    List<Token> initiatorPre = List.of();
    List<Token> responderPre = List.of();
    for (String line : lines.subList(0, Math.max(separator, 0))) {
      if (line.startsWith(INITIATOR_ARROW) && initiatorPre.isEmpty() && responderPre.isEmpty()) {
        initiatorPre = tokens(name, line);
      } else if (line.startsWith(RESPONDER_ARROW) && responderPre.isEmpty()) {
        responderPre = tokens(name, line);
      } else {
        throw new IllegalArgumentException(
            "pattern " + name + ": pre-message line '" + line
                + "' (expected: at most one '->' line, then at most one '<-' line)");
      }
    }
    List<List<Token>> messages = new ArrayList<>();
    for (String line : lines.subList(separator + 1, lines.size())) {
      String expected = messages.size() % 2 == 0 ? INITIATOR_ARROW : RESPONDER_ARROW;
      if (!line.startsWith(expected)) {
        throw new IllegalArgumentException(
            "pattern " + name + ": message " + messages.size() + " is '" + line
                + "' (expected: a line starting with '" + expected + "')");
      }
      messages.add(tokens(name, line));
    }
    return new HandshakePattern(name, initiatorPre, responderPre, messages);
  }

  /** Whether this is a one-way pattern (N, K, X): a single message, from the initiator. */
  public boolean isOneWay() {
    return messages.size() == 1;
  }

  /** Returns who sends message {@code index}. */
  public Role sender(int index) {
    return index % 2 == 0 ? Role.INITIATOR : Role.RESPONDER;
  }

  /** Returns the pre-message tokens of {@code role}: the keys its peer knows in advance. */
  public List<Token> preMessage(Role role) {
    return role == Role.INITIATOR ? initiatorPreMessage : responderPreMessage;
  }

  /** Whether {@code role} sends its static key in a message or has it in a pre-message. */
  public boolean needsStaticKey(Role role) {
    if (preMessage(role).contains(Token.S)) {
      return true;
    }
    for (int i = 0; i < messages.size(); i++) {
      if (sender(i) == role && messages.get(i).contains(Token.S)) {
        return true;
      }
    }
    return false;
  }

  /** Writes the pattern back in the specification's notation. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(name).append(":\n");
    if (!initiatorPreMessage.isEmpty()) {
      out.append("  -> ").append(join(initiatorPreMessage)).append('\n');
    }
    if (!responderPreMessage.isEmpty()) {
      out.append("  <- ").append(join(responderPreMessage)).append('\n');
    }
    if (!initiatorPreMessage.isEmpty() || !responderPreMessage.isEmpty()) {
      out.append("  ...\n");
    }
    for (int i = 0; i < messages.size(); i++) {
      out.append(sender(i) == Role.INITIATOR ? "  -> " : "  <- ")
          .append(join(messages.get(i)))
          .append('\n');
    }
    return out.toString();
  }

  private static List<Token> tokens(String name, String line) {
    String body = line.substring(2).strip();
    if (body.isEmpty()) {
      throw new IllegalArgumentException("pattern " + name + ": line '" + line + "' has no tokens");
    }
    List<Token> tokens = new ArrayList<>();
    for (String t : body.split(",", -1)) {
      tokens.add(Token.parse(t.strip()));
    }
    return tokens;
  }

  private static List<Token> checkPreMessage(List<Token> tokens) {
    for (Token t : tokens) {
      if (t.isDh()) {
        throw new IllegalArgumentException(
            "pre-message token '" + t + "' (expected: only e and s)");
      }
    }
    return List.copyOf(tokens);
  }

  private static String join(List<Token> tokens) {
    return tokens.stream().map(Token::notation).collect(Collectors.joining(", "));
  }
}
