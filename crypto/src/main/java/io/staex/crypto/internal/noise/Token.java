package io.staex.crypto.internal.noise;

/**
 * A token of a handshake pattern (section 7.1): send or receive a key, or mix in one DH.
 * The DH tokens name the initiator's key first: {@code es} is DH(initiator's e, responder's s).
 */
public enum Token {
  /** An ephemeral public key, in clear. */
  E("e"),
  /** A static public key, encrypted once a key has been mixed in. */
  S("s"),
  /** DH(initiator e, responder e). */
  EE("ee"),
  /** DH(initiator e, responder s). */
  ES("es"),
  /** DH(initiator s, responder e). */
  SE("se"),
  /** DH(initiator s, responder s). */
  SS("ss");

  private final String notation;

  Token(String notation) {
    this.notation = notation;
  }

  /** Returns the token as the specification writes it, e.g. {@code es}. */
  public String notation() {
    return notation;
  }

  /** Whether this token mixes a DH result into the chaining key. */
  public boolean isDh() {
    return this != E && this != S;
  }

  /**
   * Parses the specification's notation.
   *
   * @throws IllegalArgumentException for anything but e, s, ee, es, se, ss
   */
  public static Token parse(String notation) {
    for (Token t : values()) {
      if (t.notation.equals(notation)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown token '" + notation + "' (expected one of: e, s, ee, es, se, ss)");
  }

  @Override
  public String toString() {
    return notation;
  }
}
