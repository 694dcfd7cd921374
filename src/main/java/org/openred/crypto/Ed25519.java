package org.openred.crypto;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ed25519 (RFC 8032) through BouncyCastle, about seven times faster than the JDK 17 provider here.
 * Keys are parsed once: a {@link SigningKey} keeps its public point (BouncyCastle would otherwise
 * recompute it, a second scalar multiplication, at every signature) and verification keeps the
 * decoded points of the public keys it met (peers' keys recur on every request).
 */
public final class Ed25519 {
  public static final int PUBLIC_KEY_SIZE = 32;
  public static final int PRIVATE_KEY_SIZE = 32;
  public static final int SIGNATURE_SIZE = 64;
  private static final int PARSED_KEYS_MAX = 4096;
  private static final ConcurrentHashMap<ByteBuffer, Ed25519PublicKeyParameters> PARSED = new ConcurrentHashMap<>();

  private Ed25519() {
  }

  /** A private key ready to sign many messages; safe to share between threads. */
  public static final class SigningKey {
    private final Ed25519PrivateKeyParameters key;

    public SigningKey(byte[] privateKey) {
      key = new Ed25519PrivateKeyParameters(privateKey, 0);
      key.generatePublicKey(); // computed once here, reused by every sign()
    }

    public byte[] sign(byte[] message) {
      byte[] signature = new byte[SIGNATURE_SIZE];
      key.sign(org.bouncycastle.math.ec.rfc8032.Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
      return signature;
    }

    public byte[] publicKey() {
      return key.generatePublicKey().getEncoded();
    }
  }

  public static byte[] generatePrivateKey(SecureRandom random) {
    return new Ed25519PrivateKeyParameters(random).getEncoded();
  }

  public static byte[] publicKey(byte[] privateKey) {
    return new SigningKey(privateKey).publicKey();
  }

  public static byte[] sign(byte[] privateKey, byte[] message) {
    return new SigningKey(privateKey).sign(message);
  }

  /** False for a wrong signature, a key or signature of the wrong size, or a malformed key: never throws on input. */
  /**
   * Whether a public key is a canonical encoding of a point of the prime-order subgroup: refuses the
   * identity, the small-order points (all-zero bytes among them) and mixed-order points, under which
   * one signature could verify for many messages (ATTACKS 12). A full check, about one scalar multiplication.
   */
  public static boolean isStrongPublicKey(byte[] publicKey) {
    return publicKey != null && publicKey.length == PUBLIC_KEY_SIZE
        && org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(publicKey, 0);
  }

  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || signature == null || publicKey.length != PUBLIC_KEY_SIZE || signature.length != SIGNATURE_SIZE) {
      return false;
    }
    try {
      return parsed(publicKey).verify(org.bouncycastle.math.ec.rfc8032.Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Ed25519PublicKeyParameters parsed(byte[] publicKey) {
    Ed25519PublicKeyParameters known = PARSED.get(ByteBuffer.wrap(publicKey));
    if (known != null) {
      return known;
    }
    Ed25519PublicKeyParameters fresh = new Ed25519PublicKeyParameters(publicKey, 0);
    if (PARSED.size() >= PARSED_KEYS_MAX) {
      PARSED.clear(); // a crude bound: whoever sends many keys only costs re-parsing, never memory
    }
    PARSED.put(ByteBuffer.wrap(publicKey.clone()), fresh);
    return fresh;
  }
}
