package io.staex.crypto.internal.noise;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One published Noise test vector, read from the line-oriented format documented at the top of
 * {@code src/test/resources/noise/vectors.txt}.
 */
final class NoiseVector {

  /** One message: what the sender passes in and the exact bytes on the wire. */
  @SuppressWarnings("ArrayRecordComponent") // read-only test data, never compared or hashed
  record Message(byte[] payload, byte[] ciphertext) {}

  final String name;
  final String source;
  final Map<String, byte[]> fields;
  final List<Message> messages;
  final int line;

  private NoiseVector(String name, String source, Map<String, byte[]> fields,
      List<Message> messages, int line) {
    this.name = name;
    this.source = source;
    this.fields = fields;
    this.messages = messages;
    this.line = line;
  }

  /** Returns a key or other hex field, or null if the vector has none. */
  byte[] field(String key) {
    byte[] value = fields.get(key);
    return value == null ? null : value.clone();
  }

  @Override
  public String toString() {
    return name + " [" + source + ", line " + line + "]";
  }

  /** Reads every vector of a classpath resource. */
  static List<NoiseVector> load(String resource) {
    InputStream in = NoiseVector.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("missing test resource " + resource);
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return parse(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<NoiseVector> parse(BufferedReader reader) throws IOException {
    HexFormat hex = HexFormat.of();
    List<NoiseVector> vectors = new ArrayList<>();
    String name = null;
    String source = null;
    Map<String, byte[]> fields = null;
    List<Message> messages = null;
    int start = 0;
    int lineNumber = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(" ", -1);
      String key = parts[0];
      if (key.equals("vector")) {
        name = parts[1];
        source = null;
        fields = new HashMap<>();
        messages = new ArrayList<>();
        start = lineNumber;
      } else if (name == null) {
        throw new IllegalArgumentException("line " + lineNumber + ": '" + key + "' outside a vector");
      } else if (key.equals("source")) {
        source = parts[1];
      } else if (key.equals("message")) {
        byte[] payload = parts[1].equals("-") ? new byte[0] : hex.parseHex(parts[1]);
        messages.add(new Message(payload, hex.parseHex(parts[2])));
      } else if (key.equals("end")) {
        vectors.add(new NoiseVector(name, source, fields, messages, start));
        name = null;
      } else {
        fields.put(key, hex.parseHex(parts[1]));
      }
    }
    if (name != null) {
      throw new IllegalArgumentException("vector " + name + " at line " + start + " has no end");
    }
    return vectors;
  }
}
