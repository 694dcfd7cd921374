package org.openred.crypto;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrimitivesVectorsTest {

  @ParameterizedTest(name = "RFC 8032 section 7.1 test {index}")
  @DisplayName("Ed25519 reproduces the RFC 8032 test vectors")
  @MethodSource("org.openred.crypto.Rfc8032#vectors")
  void ed25519Rfc8032(String secret, String publicKey, String message, String signature) {
    byte[] sk = Hex.bytes(secret);
    byte[] msg = Hex.bytes(message);
    assertEquals(publicKey, Hex.of(Ed25519.publicKey(sk)));
    assertEquals(signature, Hex.of(Ed25519.sign(sk, msg)));
    assertTrue(Ed25519.verify(Hex.bytes(publicKey), msg, Hex.bytes(signature)));
  }

  @Test
  @DisplayName("Ed25519 refuses tampered, truncated, padded and non-canonical signatures")
  void ed25519Refusals() {
    byte[] pk = Hex.bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    byte[] sig = Hex.bytes("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    byte[] flipped = sig.clone();
    flipped[10] ^= 1;
    assertFalse(Ed25519.verify(pk, new byte[0], flipped));
    assertFalse(Ed25519.verify(pk, new byte[] {1}, sig));
    assertFalse(Ed25519.verify(pk, new byte[0], Arrays.copyOf(sig, 63)));
    assertFalse(Ed25519.verify(pk, new byte[0], Arrays.copyOf(sig, 65)));
    assertFalse(Ed25519.verify(new byte[32], new byte[0], sig));
    assertFalse(Ed25519.verify(pk, new byte[0], Rfc8032.plusOrder(sig)));
  }

  @Test
  @DisplayName("X25519 reproduces RFC 7748 sections 5.2 and 6.1")
  void x25519Rfc7748() {
    byte[] alice = Hex.bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bob = Hex.bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Hex.of(X25519.publicKey(alice)));
    assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Hex.of(X25519.publicKey(bob)));
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertEquals(shared, Hex.of(X25519.agree(alice, X25519.publicKey(bob))));
    assertEquals(shared, Hex.of(X25519.agree(bob, X25519.publicKey(alice))));
    assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        Hex.of(X25519.agree(Hex.bytes("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
            Hex.bytes("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))));
  }

  @Test
  @DisplayName("X25519 refuses all-zero output from small-order peer keys, and wrong sizes")
  void x25519SmallOrder() {
    byte[] mine = X25519.generatePrivateKey(new SecureRandom());
    assertThrows(IllegalArgumentException.class, () -> X25519.agree(mine, new byte[32]));
    byte[] one = new byte[32];
    one[0] = 1;
    assertThrows(IllegalArgumentException.class, () -> X25519.agree(mine, one));
    assertThrows(IllegalArgumentException.class, () -> X25519.agree(mine,
        Hex.bytes("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")));
    assertThrows(IllegalArgumentException.class, () -> X25519.agree(mine, new byte[31]));
  }

  @Test
  @DisplayName("HKDF-SHA256 reproduces RFC 5869 test cases 1 and 3")
  void hkdfRfc5869() {
    byte[] ikm = Hex.bytes("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        Hex.of(Hkdf.sha256(ikm, Hex.bytes("000102030405060708090a0b0c"), Hex.bytes("f0f1f2f3f4f5f6f7f8f9"), 42)));
    assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        Hex.of(Hkdf.sha256(ikm, new byte[0], new byte[0], 42)));
  }

  @Test
  @DisplayName("AEAD suites round-trip and refuse a changed ciphertext, aad, nonce or key")
  void aeadSuites() {
    SecureRandom random = new SecureRandom();
    for (Aead suite : Aead.values()) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      byte[] aad = "row-1|v1".getBytes(StandardCharsets.UTF_8);
      byte[] sealed = suite.sealWithNonce(key, "secret".getBytes(StandardCharsets.UTF_8), aad, random);
      assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), suite.openWithNonce(key, sealed, aad));
      byte[] tampered = sealed.clone();
      tampered[tampered.length - 1] ^= 1;
      assertThrows(Aead.AeadFailure.class, () -> suite.openWithNonce(key, tampered, aad));
      assertThrows(Aead.AeadFailure.class, () -> suite.openWithNonce(key, sealed, "row-2|v1".getBytes(StandardCharsets.UTF_8)));
      byte[] otherKey = key.clone();
      otherKey[0] ^= 1;
      assertThrows(Aead.AeadFailure.class, () -> suite.openWithNonce(otherKey, sealed, aad));
      assertThrows(Aead.AeadFailure.class, () -> suite.openWithNonce(key, Arrays.copyOf(sealed, 20), aad));
      assertEquals(suite, Aead.byWireName(suite.wireName()));
    }
    assertThrows(IllegalArgumentException.class, () -> Aead.byWireName("xor-rot13"));
  }

  @Test
  @DisplayName("AES-256-GCM matches the NIST GCM test case 14 (256-bit zero key, one zero block)")
  void aesGcmKnownAnswer() {
    byte[] out = Aead.AES_256_GCM.seal(new byte[32], new byte[12], new byte[16], new byte[0]);
    assertEquals("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919", Hex.of(out));
  }

  @Test
  @DisplayName("ChaCha20-Poly1305 reproduces RFC 8439 section 2.8.2")
  void chachaRfc8439() {
    byte[] key = Hex.bytes("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    byte[] nonce = Hex.bytes("070000004041424344454647");
    byte[] aad = Hex.bytes("50515253c0c1c2c3c4c5c6c7");
    byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
        + "sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    byte[] sealed = Aead.CHACHA20_POLY1305.seal(key, nonce, plaintext, aad);
    assertEquals("1ae10b594f09e26a7e902ecbd0600691", Hex.of(Arrays.copyOfRange(sealed, sealed.length - 16, sealed.length)));
    assertEquals("d31a8d34648e60db7b86afbc53ef7ec2", Hex.of(Arrays.copyOf(sealed, 16)));
  }

  @Test
  @DisplayName("base64url is strict: no padding, no standard alphabet, exact lengths")
  void base64url() {
    assertEquals("-_8", B64u.encode(new byte[] {(byte) 0xfb, (byte) 0xff}));
    assertArrayEquals(new byte[] {(byte) 0xfb, (byte) 0xff}, B64u.decode("-_8"));
    assertThrows(IllegalArgumentException.class, () -> B64u.decode("+/8="));
    assertThrows(IllegalArgumentException.class, () -> B64u.decode("AAA="));
    assertThrows(IllegalArgumentException.class, () -> B64u.decode("A"));
    assertThrows(IllegalArgumentException.class, () -> B64u.decode("AA AA"));
    assertThrows(IllegalArgumentException.class, () -> B64u.decode("AAAA", 32, "key"));
  }

  @ParameterizedTest(name = "base32({0}) = {1}")
  @DisplayName("node_id base32 follows RFC 4648 section 10, lowercase and unpadded")
  @CsvSource({"'', ''", "f, my", "fo, mzxq", "foo, mzxw6", "foob, mzxw6yq", "fooba, mzxw6ytb", "foobar, mzxw6ytboi"})
  void base32Rfc4648(String input, String expected) {
    assertEquals(expected, NodeId.base32(input.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  @DisplayName("node_id is 32 base32 characters of SHA-256(public key)[0..20]")
  void nodeId() {
    byte[] pk = Hex.bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    String id = NodeId.of(pk);
    assertEquals(32, id.length());
    assertTrue(NodeId.isWellFormed(id));
    assertEquals(NodeId.base32(Arrays.copyOf(NodeId.sha256(pk), 20)), id);
    assertThrows(IllegalArgumentException.class, () -> NodeId.of(new byte[31]));
  }
}
