/**
 * The Noise Protocol Framework, revision 34 (<a href="https://noiseprotocol.org/noise.html">noise.html</a>),
 * as pure state machines: bytes in, bytes out, no I/O, no clocks, no threads.
 *
 * <p>The objects follow the specification's names and sections one to one:
 * <ul>
 *   <li>{@link io.staex.crypto.internal.noise.CipherState} (section 5.1),
 *   <li>{@link io.staex.crypto.internal.noise.SymmetricState} (section 5.2),
 *   <li>{@link io.staex.crypto.internal.noise.HandshakeState} (section 5.3), built from a
 *       {@link io.staex.crypto.internal.noise.NoiseProtocol} such as {@code Noise_IK_25519_AESGCM_SHA256};
 *   <li>the functions of section 4: {@link io.staex.crypto.internal.noise.NoiseCipher} (AESGCM, ChaChaPoly),
 *       {@link io.staex.crypto.internal.noise.NoiseHash} (SHA256, SHA512, BLAKE2s, BLAKE2b) and X25519 only
 *       for DH;
 *   <li>handshake patterns (section 7) as data in {@link io.staex.crypto.internal.noise.HandshakePatterns}.
 * </ul>
 *
 * <p>Pre-shared keys (section 9), fallback and deferred patterns are not implemented.
 *
 * <p>Nothing here is safe for concurrent use; give each handshake and each cipher state one owner.
 */
package io.staex.crypto.internal.noise;
