package org.openred.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A node's self-certifying id (PROTOCOL.md section 2): lowercase RFC 4648 base32, no padding,
 * of the first 20 bytes of SHA-256 of the raw Ed25519 public key; 32 characters.
 */
public final class NodeId {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private NodeId() {
  }

  public static String of(byte[] ed25519PublicKey) {
    if (ed25519PublicKey.length != Ed25519.PUBLIC_KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    return base32(Arrays.copyOf(sha256(ed25519PublicKey), 20));
  }

  public static boolean isWellFormed(String nodeId) {
    return nodeId != null && nodeId.matches("[a-z2-7]{32}");
  }

  static String base32(byte[] data) {
    StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
