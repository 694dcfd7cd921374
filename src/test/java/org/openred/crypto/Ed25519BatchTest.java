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
  private static List<Ed25519Batch.Check> rfcVectors() {
    List<Ed25519Batch.Check> checks = new ArrayList<>();
    for (Rfc8032.Vector vector : Rfc8032.VECTORS) {
      checks.add(new Ed25519Batch.Check(Hex.bytes(vector.publicKey()), Hex.bytes(vector.message()), Hex.bytes(vector.signature())));
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
        case "s-plus-l" -> signature = Rfc8032.plusOrder(signature);
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
