package io.staex.crypto.internal.noise;

import io.staex.crypto.internal.SlotCache;
import java.util.Arrays;

/**
 * DH(s, rs) of two static keys, remembered: the {@code ss} of every IK handshake between the
 * same two nodes is the same 32 bytes, and a node meets the same few peers again and again (a
 * user's first contact with a gateway each time its session went idle; issue 15). WireGuard
 * keeps it per peer likewise ({@code precomputed_static_static}). It saves one of the four
 * X25519 multiplications on each side of a session handshake.
 *
 * <p>What it keeps is as secret as the static key it comes from, which the node holds for its
 * whole life anyway (it keeps no copy of that key); it never leaves this class, callers get a
 * copy (which they zero). An entry is found by both public keys: a key pair's caller vouches
 * that its halves belong together ({@link NoiseKeyPair#of}). A low-order remote key is refused
 * by the DH and never kept. Direct-mapped by the remote key: at most 256 entries, and a flood
 * of new peers only evicts.
 */
final class StaticShared {
  static final SlotCache<Entry> ENTRIES = new SlotCache<>(256);

  /** One pair's secret; immutable once published, so a racing read sees a whole one or none. */
  static final class Entry {
    final byte[] localPublic;
    final byte[] remotePublic;
    final byte[] shared;

    Entry(byte[] localPublic, byte[] remotePublic, byte[] shared) {
      this.localPublic = localPublic;
      this.remotePublic = remotePublic;
      this.shared = shared;
    }
  }

  private StaticShared() {}

  /** Curve25519.dh(local, remote), from an entry when this pair met lately. */
  static byte[] dh(NoiseKeyPair local, NoisePublicKey remote) throws NoiseException {
    byte[] localPrivate = local.privateKey(); // throws if destroyed, as the DH would
    byte[] localPublic = local.publicKey().rawBytes();
    byte[] remotePublic = remote.rawBytes();
    Entry e = ENTRIES.get(remotePublic);
    if (e != null && Arrays.equals(e.remotePublic, remotePublic)
        && Arrays.equals(e.localPublic, localPublic)) {
      return e.shared.clone();
    }
    byte[] shared = Curve25519.dh(localPrivate, remotePublic); // refuses a low-order key
    ENTRIES.put(remotePublic, new Entry(localPublic.clone(), remotePublic.clone(), shared.clone()));
    return shared;
  }

  /** Whether an entry for this pair is held (tests). */
  static boolean holds(NoiseKeyPair local, NoisePublicKey remote) {
    Entry e = ENTRIES.get(remote.rawBytes());
    return e != null && Arrays.equals(e.remotePublic, remote.rawBytes())
        && Arrays.equals(e.localPublic, local.publicKey().rawBytes());
  }
}
