package org.openred.bench;

import org.openred.crypto.Ed25519;
import org.openred.crypto.Ed25519Batch;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one Ed25519 signature and one verification cost here (BouncyCastle through
 * {@link Ed25519}), over a 400-byte message, the size of a small envelope: medians of 7 rounds of
 * 20,000 each after a warm-up; then batch verification ({@link Ed25519Batch}) per signature, at
 * several batch sizes, all under one key as a peer node's requests and envelopes are. Run with
 * bench/ed25519.sh.
 */
public final class Ed25519Bench {
  private static final int ROUNDS = 7;
  private static final int PER_ROUND = 20_000;

  public static void main(String[] args) {
    Ed25519.SigningKey key = new Ed25519.SigningKey(Ed25519.generatePrivateKey(new SecureRandom()));
    byte[] publicKey = key.publicKey();
    byte[] message = new byte[400];
    byte[] signature = key.sign(message);
    double[] sign = new double[ROUNDS];
    double[] verify = new double[ROUNDS];
    int valid = 0;
    for (int round = -2; round < ROUNDS; round++) { // two warm-up rounds for the JIT
      long start = System.nanoTime();
      for (int i = 0; i < PER_ROUND; i++) {
        message[0] = (byte) i;
        signature = key.sign(message);
      }
      long signed = System.nanoTime();
      for (int i = 0; i < PER_ROUND; i++) {
        valid += Ed25519.verify(publicKey, message, signature) ? 1 : 0;
      }
      long verified = System.nanoTime();
      if (round >= 0) {
        sign[round] = (signed - start) / 1e3 / PER_ROUND;
        verify[round] = (verified - signed) / 1e3 / PER_ROUND;
      }
    }
    if (valid != (ROUNDS + 2) * PER_ROUND) {
      throw new IllegalStateException("a signature did not verify");
    }
    Arrays.sort(sign);
    Arrays.sort(verify);
    System.out.printf("machine: %d cores, %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    System.out.printf("Ed25519 (BouncyCastle), 400-byte message, medians of %d x %d: sign %.1f us, verify %.1f us%n",
        ROUNDS, PER_ROUND, sign[ROUNDS / 2], verify[ROUNDS / 2]);
    for (int size : new int[] {2, 4, 8, 16, 64}) {
      System.out.printf("Ed25519 batch verification, batches of %d under one key: %.1f us per signature%n", size, batched(key, size));
    }
  }

  /** Median cost per signature of verifying batches of {@code size}. */
  private static double batched(Ed25519.SigningKey key, int size) {
    List<Ed25519Batch.Check> batch = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      byte[] message = new byte[400];
      message[0] = (byte) i;
      batch.add(new Ed25519Batch.Check(key.publicKey(), message, key.sign(message)));
    }
    int batches = PER_ROUND / size;
    double[] perSignature = new double[ROUNDS];
    for (int round = -2; round < ROUNDS; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        if (!Ed25519Batch.allValid(batch)) {
          throw new IllegalStateException("a batch did not verify");
        }
      }
      if (round >= 0) {
        perSignature[round] = (System.nanoTime() - start) / 1e3 / (batches * size);
      }
    }
    Arrays.sort(perSignature);
    return perSignature[ROUNDS / 2];
  }
}
