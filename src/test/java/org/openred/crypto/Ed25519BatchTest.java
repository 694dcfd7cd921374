package org.openred.crypto;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ed25519BatchTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** RFC 8032 section 7.1, tests 1 to 3: public key, message, signature. */
  private static final String[][] RFC_8032 = {
      {"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
          "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
  };

  private static List<Ed25519Batch.Check> rfcVectors() {
    List<Ed25519Batch.Check> checks = new ArrayList<>();
    for (String[] vector : RFC_8032) {
      checks.add(new Ed25519Batch.Check(Hex.bytes(vector[0]), Hex.bytes(vector[1]), Hex.bytes(vector[2])));
    }
    return checks;
  }

  @Test
  @DisplayName("a batch of the RFC 8032 test vectors holds, and fails when any one of them is changed")
  void rfcVectorsAsABatch() {
    List<Ed25519Batch.Check> checks = rfcVectors();
    checks.addAll(rfcVectors());
    assertTrue(Ed25519Batch.allValid(checks));
    for (int i = 0; i < checks.size(); i++) {
      List<Ed25519Batch.Check> changed = new ArrayList<>(checks);
      Ed25519Batch.Check check = changed.get(i);
      byte[] message = (new String(check.message(), StandardCharsets.ISO_8859_1) + "x").getBytes(StandardCharsets.ISO_8859_1);
      changed.set(i, new Ed25519Batch.Check(check.publicKey(), message, check.signature()));
      assertFalse(Ed25519Batch.allValid(changed), "message " + i + " changed");
    }
  }

  @Test
  @DisplayName("random batches of valid signatures under few and many keys hold, at every size")
  void randomValidBatches() {
    List<Ed25519.SigningKey> keys = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      keys.add(new Ed25519.SigningKey(Ed25519.generatePrivateKey(RANDOM)));
    }
    for (int size = 1; size <= 70; size += size < 10 ? 1 : 13) {
      List<Ed25519Batch.Check> checks = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        Ed25519.SigningKey key = keys.get(i % (size % 2 == 0 ? 1 : keys.size()));
        byte[] message = new byte[RANDOM.nextInt(600)];
        RANDOM.nextBytes(message);
        checks.add(new Ed25519Batch.Check(key.publicKey(), message, key.sign(message)));
      }
      assertTrue(Ed25519Batch.allValid(checks), "batch of " + size);
      boolean[] all = new boolean[size];
      java.util.Arrays.fill(all, true);
      assertArrayEquals(all, Ed25519Batch.verifyEach(checks));
    }
  }

  @Test
  @DisplayName("one bad signature in a batch fails it, and verifyEach names exactly that one")
  void oneBadSignature() {
    Ed25519.SigningKey key = new Ed25519.SigningKey(Ed25519.generatePrivateKey(RANDOM));
    Ed25519.SigningKey other = new Ed25519.SigningKey(Ed25519.generatePrivateKey(RANDOM));
    Random pick = new Random(7);
    for (String kind : List.of("message", "r", "s", "s-plus-l", "other-key", "r-off-curve", "r-non-canonical", "small-order-key", "truncated")) {
      List<Ed25519Batch.Check> checks = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        byte[] message = ("envelope " + i).getBytes(StandardCharsets.UTF_8);
        checks.add(new Ed25519Batch.Check(key.publicKey(), message, key.sign(message)));
      }
      int bad = pick.nextInt(checks.size());
      Ed25519Batch.Check good = checks.get(bad);
      byte[] signature = good.signature().clone();
      byte[] publicKey = good.publicKey();
      byte[] message = good.message();
      switch (kind) {
        case "message" -> message = "another envelope".getBytes(StandardCharsets.UTF_8);
        case "r" -> signature[3] ^= 1;
        case "s" -> signature[40] ^= 1;
        case "s-plus-l" -> addOrder(signature);
        case "other-key" -> publicKey = other.publicKey();
        case "r-off-curve" -> System.arraycopy(offCurve(), 0, signature, 0, 32);
        case "r-non-canonical" -> System.arraycopy(Hex.bytes("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 0, signature, 0, 32);
        case "small-order-key" -> publicKey = Hex.bytes("0100000000000000000000000000000000000000000000000000000000000000");
        case "truncated" -> signature = java.util.Arrays.copyOf(signature, 63);
        default -> throw new AssertionError(kind);
      }
      checks.set(bad, new Ed25519Batch.Check(publicKey, message, signature));
      assertFalse(Ed25519Batch.allValid(checks), kind);
      boolean[] verdicts = Ed25519Batch.verifyEach(checks);
      for (int i = 0; i < verdicts.length; i++) {
        assertEquals(i != bad, verdicts[i], kind + " at " + i);
      }
    }
  }

  @Test
  @DisplayName("a small-order key cannot vouch for any message, though its forged signatures satisfy the cofactored equation")
  void smallOrderKeyRefused() {
    // A = R = the identity, s = 0: [8]([0]B − R − [k]A) = O for every message.
    byte[] identity = Hex.bytes("0100000000000000000000000000000000000000000000000000000000000000");
    byte[] forged = new byte[64];
    System.arraycopy(identity, 0, forged, 0, 32);
    List<Ed25519Batch.Check> checks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      checks.add(new Ed25519Batch.Check(identity, new byte[] {(byte) i}, forged));
    }
    assertArrayEquals(new boolean[8], Ed25519Batch.verifyEach(checks));
    assertFalse(Ed25519Batch.allValid(checks));
  }

  @Test
  @DisplayName("wNAF digits are odd, bounded, spaced, and add up to the scalar")
  void wnafDigits() {
    Random random = new Random(11);
    for (int i = 0; i < 500; i++) {
      BigInteger scalar = new BigInteger(253, random);
      for (int width : new int[] {4, 5, 7}) {
        byte[] naf = Ed25519Batch.wnaf(scalar, width);
        BigInteger sum = BigInteger.ZERO;
        int last = -width;
        for (int bit = 0; bit < naf.length; bit++) {
          if (naf[bit] != 0) {
            assertTrue((naf[bit] & 1) == 1 && Math.abs(naf[bit]) < (1 << (width - 1)), "digit " + naf[bit]);
            assertTrue(bit - last >= width, "spacing");
            last = bit;
            sum = sum.add(BigInteger.valueOf(naf[bit]).shiftLeft(bit));
          }
        }
        assertEquals(scalar, sum);
      }
    }
  }

  private static void addOrder(byte[] signature) {
    byte[] l = Hex.bytes("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    int carry = 0;
    for (int i = 0; i < 32; i++) {
      int sum = (signature[32 + i] & 0xff) + (l[i] & 0xff) + carry;
      signature[32 + i] = (byte) sum;
      carry = sum >> 8;
    }
  }

  /** A y for which (y² − 1)/(d·y² + 1) is not a square: no point has it. */
  private static byte[] offCurve() {
    for (int y = 2; ; y++) {
      byte[] encoded = new byte[32];
      encoded[0] = (byte) y;
      if (Ed25519Batch.decodeNegated(encoded, 0) == null) {
        return encoded;
      }
    }
  }
}
