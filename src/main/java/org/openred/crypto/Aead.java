package org.openred.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;

/**
 * The AEAD suites OpenRed speaks, by their wire names. The JDK's implementations are used
 * because they run on the CPU's AES instructions. Ciphertexts carry the 16-byte tag appended.
 */
public enum Aead implements AeadSuite {
  AES_256_GCM("aes-256-gcm"),
  CHACHA20_POLY1305("chacha20-poly1305");

  public static final int KEY_SIZE = 32;
  public static final int NONCE_SIZE = 12;
  public static final int TAG_SIZE = 16;

  private final String wireName;

  Aead(String wireName) {
    this.wireName = wireName;
  }

  @Override
  public String wireName() {
    return wireName;
  }

  public static Aead byWireName(String name) {
    for (Aead suite : values()) {
      if (suite.wireName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return suite;
      }
    }
    throw new IllegalArgumentException("unknown AEAD suite: " + name);
  }

  @Override
  public byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad) {
    try {
      return cipher(Cipher.ENCRYPT_MODE, key, nonce, aad).doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(wireName + " encryption failed", e);
    }
  }

  /** Throws {@link AeadFailure} when the key, nonce, aad or ciphertext do not match. */
  @Override
  public byte[] open(byte[] key, byte[] nonce, byte[] ciphertext, byte[] aad) {
    if (ciphertext.length < TAG_SIZE) {
      throw new AeadFailure("ciphertext shorter than its tag");
    }
    try {
      return cipher(Cipher.DECRYPT_MODE, key, nonce, aad).doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw new AeadFailure("authentication failed");
    } catch (GeneralSecurityException e) {
      throw new AeadFailure(wireName + " decryption failed");
    }
  }

  private Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] aad) throws GeneralSecurityException {
    if (key.length != KEY_SIZE) {
      throw new IllegalArgumentException(wireName + " takes a 32-byte key");
    }
    if (nonce.length != NONCE_SIZE) {
      throw new IllegalArgumentException(wireName + " takes a 12-byte nonce");
    }
    Cipher cipher;
    if (this == AES_256_GCM) {
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_SIZE * 8, nonce));
    } else {
      cipher = Cipher.getInstance("ChaCha20-Poly1305");
      cipher.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
    }
    if (aad != null && aad.length > 0) {
      cipher.updateAAD(aad);
    }
    return cipher;
  }

  /** Seals with a fresh random nonce and returns nonce ‖ ciphertext ‖ tag, the at-rest form. */
  public byte[] sealWithNonce(byte[] key, byte[] plaintext, byte[] aad, SecureRandom random) {
    byte[] nonce = new byte[NONCE_SIZE];
    random.nextBytes(nonce);
    byte[] sealed = seal(key, nonce, plaintext, aad);
    byte[] out = Arrays.copyOf(nonce, NONCE_SIZE + sealed.length);
    System.arraycopy(sealed, 0, out, NONCE_SIZE, sealed.length);
    return out;
  }

  public byte[] openWithNonce(byte[] key, byte[] nonceAndCiphertext, byte[] aad) {
    if (nonceAndCiphertext.length < NONCE_SIZE + TAG_SIZE) {
      throw new AeadFailure("sealed value too short");
    }
    byte[] nonce = Arrays.copyOfRange(nonceAndCiphertext, 0, NONCE_SIZE);
    byte[] ciphertext = Arrays.copyOfRange(nonceAndCiphertext, NONCE_SIZE, nonceAndCiphertext.length);
    return open(key, nonce, ciphertext, aad);
  }

  /** An AEAD open that did not authenticate. */
  public static final class AeadFailure extends RuntimeException {
    public AeadFailure(String message) {
      super(message, null, false, false);
    }
  }
}
