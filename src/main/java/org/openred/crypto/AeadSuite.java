package org.openred.crypto;

/**
 * An AEAD suite by its wire name (seed 001's crypto methods, made standard): a 32-byte key, a
 * 12-byte nonce, the 16-byte tag appended. The built-ins are {@link Aead}'s; a module may add one,
 * which the node can then negotiate like them.
 */
public interface AeadSuite {
  String wireName();

  byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad);

  /** Throws {@link Aead.AeadFailure} when the key, nonce, aad or ciphertext do not match. */
  byte[] open(byte[] key, byte[] nonce, byte[] ciphertext, byte[] aad);
}
