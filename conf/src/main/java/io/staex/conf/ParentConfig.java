package io.staex.conf;

import io.staex.crypto.Address;
import java.util.Objects;

/**
 * One entry of {@code staex.parents}: where a parent listens and the key it must prove.
 *
 * @param address the parent's {@code staex.listen}
 * @param key the parent's node address, the Noise IK responder key
 */
public record ParentConfig(HostPort address, Address key) {
  public ParentConfig {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(key, "key");
  }
}
