package io.staex.proxy.stream;

import io.staex.crypto.Certificate;

/**
 * Decides what an incoming stream reaches (the exposed services). Called on the stream layer's
 * event loop for each OPEN that passed the stream limits; must eventually call {@link
 * Stream#accept} or {@link Stream#refuse} (the open timeout resets it otherwise).
 */
public interface StreamAcceptor {
  /** {@code stream} asks for {@link Stream#port()}; {@code peer} is proven and trusted. */
  void open(Stream stream, Certificate peer);

  /**
   * {@code stream} asks for {@link Stream#host()}:{@link Stream#port()} beyond this node (an
   * OPEN_HOST: this node as an exit). By default refused with NO_SERVICE: this node is no exit.
   */
  default void openHost(Stream stream, Certificate peer) {
    stream.refuse(io.staex.proxy.frame.ResetReason.NO_SERVICE);
  }
}
