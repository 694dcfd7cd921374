package org.openred.crypto;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme: what gets signed is the canonical form, so two
 * implementations that parse and re-serialize the same object agree byte for byte.
 */
public final class Jcs {
  private Jcs() {
  }

  public static byte[] canonicalize(Object json) {
    return canonicalString(json).getBytes(StandardCharsets.UTF_8);
  }

  public static String canonicalString(Object json) {
    StringBuilder out = new StringBuilder(256);
    write(json, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof JsonObject object) {
      writeObject(object.getMap(), out);
    } else if (value instanceof Map<?, ?> map) {
      writeObject(map, out);
    } else if (value instanceof JsonArray array) {
      writeArray(array.getList(), out);
    } else if (value instanceof List<?> list) {
      writeArray(list, out);
    } else if (value instanceof CharSequence text) {
      writeString(text.toString(), out);
    } else if (value instanceof Boolean bool) {
      out.append(bool ? "true" : "false");
    } else if (value instanceof Number number) {
      out.append(formatNumber(toDouble(number)));
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getSimpleName());
    }
  }

  private static void writeObject(Map<?, ?> map, StringBuilder out) {
    List<String> keys = new ArrayList<>(map.size());
    for (Object key : map.keySet()) {
      keys.add((String) key);
    }
    // RFC 8785 section 3.2.3: sort by UTF-16 code units, which is exactly String.compareTo.
    keys.sort(String::compareTo);
    out.append('{');
    boolean first = true;
    for (String key : keys) {
      if (!first) {
        out.append(',');
      }
      first = false;
      writeString(key, out);
      out.append(':');
      write(map.get(key), out);
    }
    out.append('}');
  }

  private static void writeArray(List<?> list, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      write(list.get(i), out);
    }
    out.append(']');
  }

  private static void writeString(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          throw new IllegalArgumentException("string holds a lone surrogate");
        }
        out.append(c).append(text.charAt(++i));
        continue;
      }
      if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException("string holds a lone surrogate");
      }
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static double toDouble(Number number) {
    if (number instanceof BigDecimal big) {
      return big.doubleValue();
    }
    if (number instanceof BigInteger big) {
      return big.doubleValue();
    }
    return number.doubleValue();
  }

  /** ECMAScript Number.prototype.toString, as RFC 8785 section 3.2.2.3 requires. */
  static String formatNumber(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("NaN and Infinity have no JSON form");
    }
    if (value == 0) {
      return "0";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      // Integers below 10^15 print exactly as their digits in ECMAScript: no search for the shortest form.
      return Long.toString((long) value);
    }
    String sign = value < 0 ? "-" : "";
    double abs = Math.abs(value);
    // Shortest decimal digits that read back as the same double (Java 17's Double.toString is not always shortest).
    String digits = null;
    int exponent = 0;
    for (int precision = 1; precision <= 17; precision++) {
      String candidate = String.format("%." + (precision - 1) + "e", abs);
      if (Double.parseDouble(candidate) == abs) {
        int e = candidate.indexOf('e');
        digits = candidate.substring(0, e).replace(".", "");
        exponent = Integer.parseInt(candidate.substring(e + 1));
        break;
      }
    }
    if (digits == null) {
      throw new IllegalStateException("no round-trip form for " + value);
    }
    digits = stripTrailingZeros(digits);
    int k = digits.length();
    int n = exponent + 1; // position of the decimal point relative to the digits, as in ECMA-262 7.1.12.1
    StringBuilder out = new StringBuilder(sign);
    if (k <= n && n <= 21) {
      out.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      int e = n - 1;
      out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return out.toString();
  }

  private static String stripTrailingZeros(String digits) {
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return digits.substring(0, end);
  }
}
