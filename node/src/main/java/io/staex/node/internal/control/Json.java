package io.staex.node.internal.control;

/**
 * A minimal JSON writer (no dependency for one output format): objects, arrays, strings,
 * numbers, booleans, null. Commas are placed by the writer; the caller nests correctly.
 */
public final class Json {
  private final StringBuilder out = new StringBuilder();
  private boolean needComma;

  public Json beginObject() {
    comma();
    out.append('{');
    needComma = false;
    return this;
  }

  public Json endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  public Json beginArray() {
    comma();
    out.append('[');
    needComma = false;
    return this;
  }

  public Json endArray() {
    out.append(']');
    needComma = true;
    return this;
  }

  /** The name of the next member; a value must follow. */
  public Json name(String name) {
    comma();
    quote(name);
    out.append(':');
    needComma = false;
    return this;
  }

  public Json value(String s) {
    comma();
    if (s == null) {
      out.append("null");
    } else {
      quote(s);
    }
    needComma = true;
    return this;
  }

  public Json value(long n) {
    comma();
    out.append(n);
    needComma = true;
    return this;
  }

  public Json value(boolean b) {
    comma();
    out.append(b);
    needComma = true;
    return this;
  }

  public Json nullValue() {
    comma();
    out.append("null");
    needComma = true;
    return this;
  }

  public Json member(String name, String value) {
    return name(name).value(value);
  }

  public Json member(String name, long value) {
    return name(name).value(value);
  }

  public Json member(String name, boolean value) {
    return name(name).value(value);
  }

  private void comma() {
    if (needComma) {
      out.append(',');
    }
  }

  /** RFC 8259 string: quote, backslash and control characters escaped. */
  private void quote(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
