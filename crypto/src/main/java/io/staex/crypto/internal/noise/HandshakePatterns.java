package io.staex.crypto.internal.noise;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-way (7.4) and fundamental interactive (7.5) handshake patterns of the specification,
 * revision 34, copied in its notation. PSK, fallback and deferred patterns are not included.
 */
public final class HandshakePatterns {

  /** By name, in the order the specification lists them. Immutable. */
  private static final Map<String, HandshakePattern> PATTERNS = catalog();

  private HandshakePatterns() {}

  private static Map<String, HandshakePattern> catalog() {
    Map<String, HandshakePattern> patterns = new LinkedHashMap<>();
    // One-way patterns (section 7.4).
    define(patterns, "N", "<- s", "...", "-> e, es");
    define(patterns, "K", "-> s", "<- s", "...", "-> e, es, ss");
    define(patterns, "X", "<- s", "...", "-> e, es, s, ss");
    // Fundamental interactive patterns (section 7.5).
    define(patterns, "NN", "-> e", "<- e, ee");
    define(patterns, "NK", "<- s", "...", "-> e, es", "<- e, ee");
    define(patterns, "NX", "-> e", "<- e, ee, s, es");
    define(patterns, "KN", "-> s", "...", "-> e", "<- e, ee, se");
    define(patterns, "KK", "-> s", "<- s", "...", "-> e, es, ss", "<- e, ee, se");
    define(patterns, "KX", "-> s", "...", "-> e", "<- e, ee, se, s, es");
    define(patterns, "XN", "-> e", "<- e, ee", "-> s, se");
    define(patterns, "XK", "<- s", "...", "-> e, es", "<- e, ee", "-> s, se");
    define(patterns, "XX", "-> e", "<- e, ee, s, es", "-> s, se");
    define(patterns, "IN", "-> e, s", "<- e, ee, se");
    define(patterns, "IK", "<- s", "...", "-> e, es, s, ss", "<- e, ee, se");
    define(patterns, "IX", "-> e, s", "<- e, ee, se, s, es");
    return Collections.unmodifiableMap(patterns);
  }

  /**
   * Returns the pattern with the given name.
   *
   * @throws IllegalArgumentException for a name that is not one of the patterns above
   */
  public static HandshakePattern named(String name) {
    HandshakePattern pattern = PATTERNS.get(name);
    if (pattern == null) {
      throw new IllegalArgumentException(
          "unknown or unsupported handshake pattern '" + name + "' (expected one of: "
              + String.join(", ", PATTERNS.keySet()) + ")");
    }
    return pattern;
  }

  /** Returns the names of all patterns, in the specification's order. */
  public static List<String> names() {
    return List.copyOf(PATTERNS.keySet());
  }

  private static void define(Map<String, HandshakePattern> patterns, String name, String... lines) {
    patterns.put(name, HandshakePattern.parse(name, String.join("\n", lines)));
  }
}
