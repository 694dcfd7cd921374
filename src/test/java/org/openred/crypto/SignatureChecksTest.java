package org.openred.crypto;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class SignatureChecksTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  @DisplayName("thousands of checks at once, some forged, each get their own verdict on the caller's event loop")
  void manyChecksAtOnce(Vertx vertx, VertxTestContext test) throws Exception {
    SignatureChecks checks = new SignatureChecks(vertx);
    Ed25519.SigningKey key = new Ed25519.SigningKey(Ed25519.generatePrivateKey(RANDOM));
    Ed25519.SigningKey other = new Ed25519.SigningKey(Ed25519.generatePrivateKey(RANDOM));
    int count = 2000;
    Context context = vertx.getOrCreateContext();
    context.runOnContext(ignored -> {
      List<Future<byte[]>> verdicts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] message = ("request " + i).getBytes(StandardCharsets.UTF_8);
        byte[] signature = (i % 97 == 0 ? other : key).sign(message);
        verdicts.add(checks.keyThatSigned(List.of(key.publicKey()), () -> message, signature).andThen(done -> {
          if (Vertx.currentContext() != context) {
            test.failNow("completed off the caller's context");
          }
        }));
      }
      Future.all(verdicts).onComplete(test.succeeding(all -> test.verify(() -> {
        for (int i = 0; i < count; i++) {
          byte[] signer = verdicts.get(i).result();
          if (i % 97 == 0) {
            assertNull(signer, "forged " + i);
          } else {
            assertArrayEquals(key.publicKey(), signer, "genuine " + i);
          }
        }
        test.completeNow();
      })));
    });
    assertTrue(test.awaitCompletion(60, TimeUnit.SECONDS));
  }

  @Test
  @DisplayName("a rotated key: the second candidate that signed is the one answered")
  void secondCandidate(Vertx vertx, VertxTestContext test) {
    SignatureChecks checks = new SignatureChecks(vertx);
    Ed25519.SigningKey old = new Ed25519.SigningKey(Ed25519.generatePrivateKey(RANDOM));
    Ed25519.SigningKey current = new Ed25519.SigningKey(Ed25519.generatePrivateKey(RANDOM));
    byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
    checks.keyThatSigned(List.of(old.publicKey(), current.publicKey()), () -> message, current.sign(message))
        .onComplete(test.succeeding(signer -> test.verify(() -> {
          assertArrayEquals(current.publicKey(), signer);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a message that cannot be built fails its own check only; no keys answers null; bad lengths answer null")
  void failuresStayTheirOwn(Vertx vertx, VertxTestContext test) {
    SignatureChecks checks = new SignatureChecks(vertx);
    Ed25519.SigningKey key = new Ed25519.SigningKey(Ed25519.generatePrivateKey(RANDOM));
    byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
    List<Future<byte[]>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(checks.keyThatSigned(List.of(key.publicKey()), () -> message, key.sign(message)));
    }
    Future<byte[]> broken = checks.keyThatSigned(List.of(key.publicKey()), () -> {
      throw new IllegalStateException("digest mismatch");
    }, key.sign(message));
    Future<byte[]> noKeys = checks.keyThatSigned(List.of(), () -> message, key.sign(message));
    Future<byte[]> shortSignature = checks.keyThatSigned(List.of(key.publicKey()), () -> message, Arrays.copyOf(key.sign(message), 10));
    Future<byte[]> shortKey = checks.keyThatSigned(List.of(new byte[5]), () -> message, key.sign(message));
    Future.join(new ArrayList<>(List.of(broken, noKeys, shortSignature, shortKey, Future.all(all)))).onComplete(done -> test.verify(() -> {
      assertEquals("digest mismatch", broken.cause().getMessage());
      assertNull(noKeys.result());
      assertNull(shortSignature.result());
      assertNull(shortKey.result());
      all.forEach(each -> assertArrayEquals(key.publicKey(), each.result()));
      test.completeNow();
    }));
  }
}
