package org.openred.federation.signature;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One member of a Signature-Input dictionary (RFC 9421 section 4.1): the covered components and
 * the parameters, parsed strictly as an RFC 8941 inner list. Serialises back to the exact
 * {@code @signature-params} value.
 */
public record SignatureParams(String label, List<String> components, Map<String, Object> parameters) {

  public Long created() {
    return parameters.get("created") instanceof Long value ? value : null;
  }

  public Long expires() {
    return parameters.get("expires") instanceof Long value ? value : null;
  }

  public String keyId() {
    return parameters.get("keyid") instanceof String value ? value : null;
  }

  public String alg() {
    return parameters.get("alg") instanceof String value ? value : null;
  }

  public String nonce() {
    return parameters.get("nonce") instanceof String value ? value : null;
  }

  /** The value after {@code "@signature-params": } in the signature base. */
  public String serialize() {
    StringBuilder out = new StringBuilder("(");
    for (int i = 0; i < components.size(); i++) {
      out.append(i == 0 ? "" : " ").append('"').append(components.get(i)).append('"');
    }
    out.append(')');
    parameters.forEach((name, value) -> {
      out.append(';').append(name);
      if (value instanceof Long number) {
        out.append('=').append(number);
      } else if (value instanceof String text) {
        out.append("=\"").append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else if (Boolean.FALSE.equals(value)) {
        out.append("=?0");
      }
    });
    return out.toString();
  }

  /** Parses a Signature-Input header that holds exactly one signature. */
  public static SignatureParams parseHeader(String header) {
    Parser p = new Parser(header);
    p.skipSpaces();
    String label = p.key();
    p.expect('=');
    SignatureParams params = p.innerList(label);
    p.skipSpaces();
    if (!p.atEnd()) {
      throw new MalformedSignatureException(p.atChar(',') ? "more than one signature in Signature-Input" : "trailing characters in Signature-Input");
    }
    return params;
  }

  /** Parses a Signature header of the form {@code label=:base64:}, exactly one member. */
  public static Map.Entry<String, byte[]> parseSignatureHeader(String header) {
    Parser p = new Parser(header);
    p.skipSpaces();
    String label = p.key();
    p.expect('=');
    byte[] value = p.byteSequence();
    p.parameters(); // parameters on the signature value are allowed and ignored
    p.skipSpaces();
    if (!p.atEnd()) {
      throw new MalformedSignatureException(p.atChar(',') ? "more than one signature in Signature" : "trailing characters in Signature");
    }
    return Map.entry(label, value);
  }

  /** A small strict parser for the RFC 8941 subset these headers use. */
  static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      if (text == null) {
        throw new MalformedSignatureException("missing header");
      }
      this.text = text;
    }

    boolean atEnd() {
      return pos >= text.length();
    }

    boolean atChar(char c) {
      return !atEnd() && text.charAt(pos) == c;
    }

    void skipSpaces() {
      while (!atEnd() && text.charAt(pos) == ' ') {
        pos++;
      }
    }

    void expect(char c) {
      if (!atChar(c)) {
        throw new MalformedSignatureException("expected '" + c + "' at position " + pos);
      }
      pos++;
    }

    String key() {
      int start = pos;
      if (atEnd() || !(Character.isLowerCase(text.charAt(pos)) || text.charAt(pos) == '*')) {
        throw new MalformedSignatureException("a key must start with a lowercase letter at position " + pos);
      }
      while (!atEnd()) {
        char c = text.charAt(pos);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
          pos++;
        } else {
          break;
        }
      }
      return text.substring(start, pos);
    }

    SignatureParams innerList(String label) {
      expect('(');
      List<String> components = new ArrayList<>();
      while (true) {
        skipSpaces();
        if (atChar(')')) {
          pos++;
          break;
        }
        String component = string();
        if (atChar(';')) {
          throw new MalformedSignatureException("component parameters are not supported: " + component);
        }
        if (components.contains(component)) {
          throw new MalformedSignatureException("component listed twice: " + component);
        }
        components.add(component);
        if (!atChar(' ') && !atChar(')')) {
          throw new MalformedSignatureException("expected a space or ')' at position " + pos);
        }
      }
      return new SignatureParams(label, List.copyOf(components), parameters());
    }

    Map<String, Object> parameters() {
      Map<String, Object> params = new LinkedHashMap<>();
      while (atChar(';')) {
        pos++;
        String name = key();
        Object value = Boolean.TRUE;
        if (atChar('=')) {
          pos++;
          value = bareItem();
        }
        if (params.put(name, value) != null) {
          throw new MalformedSignatureException("parameter given twice: " + name);
        }
      }
      return params;
    }

    private Object bareItem() {
      if (atChar('"')) {
        return string();
      }
      if (!atEnd() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '-')) {
        int start = pos;
        if (atChar('-')) {
          pos++;
        }
        while (!atEnd() && Character.isDigit(text.charAt(pos))) {
          pos++;
        }
        String digits = text.substring(start, pos);
        if (digits.equals("-") || digits.length() > 16 || atChar('.')) {
          throw new MalformedSignatureException("parameter value is not an integer of at most 15 digits");
        }
        return Long.parseLong(digits);
      }
      if (atChar('?')) {
        pos++;
        if (atChar('0') || atChar('1')) {
          return text.charAt(pos++) == '1';
        }
      }
      throw new MalformedSignatureException("unsupported parameter value at position " + pos);
    }

    String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (atEnd()) {
          throw new MalformedSignatureException("unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == '\\') {
          if (atEnd() || (text.charAt(pos) != '"' && text.charAt(pos) != '\\')) {
            throw new MalformedSignatureException("bad escape in string");
          }
          out.append(text.charAt(pos++));
        } else if (c == '"') {
          return out.toString();
        } else if (c < 0x20 || c > 0x7e) {
          throw new MalformedSignatureException("control or non-ASCII character in string");
        } else {
          out.append(c);
        }
      }
    }

    byte[] byteSequence() {
      expect(':');
      int end = text.indexOf(':', pos);
      if (end < 0) {
        throw new MalformedSignatureException("unterminated byte sequence");
      }
      String base64 = text.substring(pos, end);
      pos = end + 1;
      try {
        return java.util.Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new MalformedSignatureException("byte sequence is not base64");
      }
    }
  }
}
