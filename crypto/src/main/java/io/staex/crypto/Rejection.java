package io.staex.crypto;

/** Why a certificate or a peer was refused: one value per reason. */
public enum Rejection {
  /** The bytes are not a staex certificate (bad DER, wrong algorithm, missing field). */
  MALFORMED,
  /** The network key's signature does not verify: the certificate was altered or forged. */
  BAD_SIGNATURE,
  /** Past its not-after time. */
  EXPIRED,
  /** Before its not-before time. */
  NOT_YET_VALID,
  /** Signed by a network that is not trusted here (and the node key is not pinned). */
  WRONG_NETWORK,
  /** The certificate, its node key or its network key is on the revocation list. */
  REVOKED,
  /** Valid and trusted, but lacks a role this purpose requires. */
  MISSING_ROLE,
  /** The certificate is for another key than the one that proved itself in the handshake. */
  KEY_MISMATCH;

  /** Lower-case, hyphenated form for messages: {@code not-yet-valid}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
