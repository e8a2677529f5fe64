package io.staex.proxy.frame;

import io.netty.buffer.ByteBuf;
import io.staex.crypto.Address;
import io.staex.crypto.AddressFormatException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A node's 32-byte public key as a frame header carries it: raw bytes, <em>not</em> checked to
 * be a valid Ed25519 point.
 *
 * <p>Why not {@link Address}: {@link Address#of} validates the point, which costs about 65 µs
 * per key on the build machine; a packet header has two keys and up to {@link
 * FrameLimits#MAX_ROUTE_HOPS} more, read at every hop. A relay only needs to compare keys with
 * its neighbours' and its view's, so frames keep keys raw; a key that is not a point simply
 * matches no node. {@link #toAddress()} validates when an end needs a real {@link Address}
 * (once per session, not per packet).
 */
public final class NodeKey implements Comparable<NodeKey> {
  /** Bytes of a key. */
  public static final int SIZE = Address.KEY_SIZE;

  private final byte[] key;

  private NodeKey(byte[] key) {
    this.key = key;
  }

  /** The key of {@code address}. */
  public static NodeKey of(Address address) {
    return new NodeKey(address.publicKey().toByteArray());
  }

  /**
   * A copy of a 32-byte key.
   *
   * @throws IllegalArgumentException if {@code key} is not {@link #SIZE} bytes
   */
  public static NodeKey copyOf(byte[] key) {
    if (key.length != SIZE) {
      throw new IllegalArgumentException("key: " + key.length + " bytes (expected: " + SIZE + ")");
    }
    return new NodeKey(key.clone());
  }

  /** The key at {@code buf[index..index+32)}, read with absolute gets. */
  static NodeKey readFrom(ByteBuf buf, int index) {
    byte[] key = new byte[SIZE];
    buf.getBytes(index, key);
    return new NodeKey(key);
  }

  /** Writes the 32 bytes to {@code out}. */
  public void writeTo(ByteBuf out) {
    out.writeBytes(key);
  }

  /** Whether {@code buf[index..index+32)} holds this key. */
  boolean matches(ByteBuf buf, int index) {
    for (int i = 0; i < SIZE; i++) {
      if (buf.getByte(index + i) != key[i]) {
        return false;
      }
    }
    return true;
  }

  /** A fresh copy of the 32 bytes. */
  public byte[] toByteArray() {
    return key.clone();
  }

  /**
   * The address of this key, checking that it is a valid Ed25519 public key (about 65 µs).
   *
   * @throws AddressFormatException NOT_A_KEY if it is not
   */
  public Address toAddress() {
    return Address.of(key);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NodeKey && Arrays.equals(key, ((NodeKey) other).key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  /** Unsigned lexicographic order of the bytes. */
  @Override
  public int compareTo(NodeKey other) {
    return Arrays.compareUnsigned(key, other.key);
  }

  /** The first 8 bytes in hex (keys are public; enough to tell nodes apart in a log). */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(key, 0, 8) + "…";
  }
}
