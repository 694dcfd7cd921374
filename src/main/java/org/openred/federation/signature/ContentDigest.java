package org.openred.federation.signature;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9530 Content-Digest: we send sha-256; we check sha-256 or sha-512, whichever is present. */
public final class ContentDigest {
  private ContentDigest() {
  }

  public static String sha256Header(byte[] body) {
    return "sha-256=:" + Base64.getEncoder().encodeToString(digest("SHA-256", body)) + ":";
  }

  /**
   * True when every supported digest in the header matches the body; throws when the header is
   * malformed or names only algorithms we do not support.
   */
  public static boolean matches(String header, byte[] body) {
    Map<String, byte[]> digests = parse(header);
    boolean checked = false;
    for (Map.Entry<String, byte[]> entry : digests.entrySet()) {
      String algorithm = switch (entry.getKey()) {
        case "sha-256" -> "SHA-256";
        case "sha-512" -> "SHA-512";
        default -> null;
      };
      if (algorithm == null) {
        continue;
      }
      checked = true;
      if (!MessageDigest.isEqual(digest(algorithm, body), entry.getValue())) {
        return false;
      }
    }
    if (!checked) {
      throw new MalformedSignatureException("Content-Digest names no supported algorithm (sha-256, sha-512)");
    }
    return true;
  }

  static Map<String, byte[]> parse(String header) {
    SignatureParams.Parser p = new SignatureParams.Parser(header);
    Map<String, byte[]> digests = new LinkedHashMap<>();
    while (true) {
      p.skipSpaces();
      String name = p.key();
      p.expect('=');
      if (digests.put(name, p.byteSequence()) != null) {
        throw new MalformedSignatureException("Content-Digest names " + name + " twice");
      }
      p.parameters();
      p.skipSpaces();
      if (p.atEnd()) {
        return digests;
      }
      p.expect(',');
    }
  }

  private static byte[] digest(String algorithm, byte[] body) {
    try {
      return MessageDigest.getInstance(algorithm).digest(body);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JRE", e);
    }
  }
}
