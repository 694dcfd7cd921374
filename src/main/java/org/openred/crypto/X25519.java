package org.openred.crypto;

import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

import java.security.SecureRandom;

/** X25519 (RFC 7748) through BouncyCastle. */
public final class X25519 {
  public static final int KEY_SIZE = 32;

  private X25519() {
  }

  public static byte[] generatePrivateKey(SecureRandom random) {
    return new X25519PrivateKeyParameters(random).getEncoded();
  }

  public static byte[] publicKey(byte[] privateKey) {
    return new X25519PrivateKeyParameters(privateKey, 0).generatePublicKey().getEncoded();
  }

  /** One scalar of this process, to try a public key with: any scalar works, every X25519 scalar is a multiple of 8. */
  private static final byte[] PROBE = generatePrivateKey(new SecureRandom());

  /**
   * Whether agreeing with this public key gives a secret: a small-order key (all zeros, 1, the order-8
   * points and their non-canonical twins) gives the all-zero output with every private key.
   */
  public static boolean isStrongPublicKey(byte[] publicKey) {
    try {
      agree(PROBE, publicKey);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The shared secret; refuses a peer key of the wrong size and a small-order peer key, whose
   * all-zero output would make the "shared" secret public (RFC 7748 section 6.1).
   */
  public static byte[] agree(byte[] privateKey, byte[] peerPublicKey) {
    if (peerPublicKey == null || peerPublicKey.length != KEY_SIZE) {
      throw new IllegalArgumentException("an X25519 public key has 32 bytes");
    }
    byte[] secret = new byte[KEY_SIZE];
    try {
      new X25519PrivateKeyParameters(privateKey, 0).generateSecret(new X25519PublicKeyParameters(peerPublicKey, 0), secret, 0);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("X25519 peer key is of small order");
    }
    int acc = 0;
    for (byte b : secret) {
      acc |= b;
    }
    if (acc == 0) {
      throw new IllegalArgumentException("X25519 peer key is of small order");
    }
    return secret;
  }
}
