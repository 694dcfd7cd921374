package org.openred.crypto;

import java.util.Base64;

/** base64url without padding (RFC 4648 section 5), the binary encoding of every OpenRed wire field. */
public final class B64u {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private B64u() {
  }

  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  /** Decodes strictly: padding, the standard alphabet's '+' and '/', and whitespace are refused. */
  public static byte[] decode(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing base64url value");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        throw new IllegalArgumentException("not base64url: unexpected character at " + i);
      }
    }
    if (text.length() % 4 == 1) {
      throw new IllegalArgumentException("not base64url: impossible length " + text.length());
    }
    return DECODER.decode(text);
  }

  /** Decodes and checks the length, for keys, nonces and signatures. */
  public static byte[] decode(String text, int expectedLength, String what) {
    byte[] bytes;
    try {
      bytes = decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage());
    }
    if (bytes.length != expectedLength) {
      throw new IllegalArgumentException(what + ": expected " + expectedLength + " bytes, got " + bytes.length);
    }
    return bytes;
  }
}
