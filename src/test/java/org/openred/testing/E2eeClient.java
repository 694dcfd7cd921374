package org.openred.testing;

import io.vertx.core.json.JsonObject;
import org.openred.crypto.Aead;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;
import org.openred.crypto.Hkdf;
import org.openred.crypto.Jcs;
import org.openred.crypto.X25519;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A client of PROTOCOL.md section 7, as a browser would be: the user's Ed25519 and X25519 keys,
 * session-key wrapping, message encryption and signatures. The server never sees what it holds.
 */
public final class E2eeClient {
  private static final SecureRandom RANDOM = new SecureRandom();
  public final String userId;
  private final byte[] sigPrivate = Ed25519.generatePrivateKey(RANDOM);
  private final byte[] dhPrivate = X25519.generatePrivateKey(RANDOM);

  public E2eeClient(String userId) {
    this.userId = userId;
  }

  /** {sig, dh} for PUT /keys. */
  public JsonObject publicKeys() {
    return new JsonObject().put("sig", B64u.encode(Ed25519.publicKey(sigPrivate))).put("dh", B64u.encode(X25519.publicKey(dhPrivate)));
  }

  public static byte[] newSessionKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return key;
  }

  /** eph.pub ‖ nonce ‖ AES-256-GCM(k, nonce, sessionKey, aad = conversationId|keyVersion|userId), k from HKDF over X25519. */
  public static String wrap(byte[] sessionKey, String conversationId, int keyVersion, String participantId, String participantDh) {
    byte[] eph = X25519.generatePrivateKey(RANDOM);
    byte[] k = Hkdf.sha256(X25519.agree(eph, B64u.decode(participantDh)), conversationId.getBytes(StandardCharsets.UTF_8),
        "openred/v1/session-key", 32);
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    byte[] sealed = Aead.AES_256_GCM.seal(k, nonce, sessionKey,
        (conversationId + "|" + keyVersion + "|" + participantId).getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[32 + 12 + sealed.length];
    System.arraycopy(X25519.publicKey(eph), 0, out, 0, 32);
    System.arraycopy(nonce, 0, out, 32, 12);
    System.arraycopy(sealed, 0, out, 44, sealed.length);
    return B64u.encode(out);
  }

  public byte[] unwrap(String encryptedSessionKey, String conversationId, int keyVersion) {
    byte[] blob = B64u.decode(encryptedSessionKey);
    byte[] k = Hkdf.sha256(X25519.agree(dhPrivate, Arrays.copyOfRange(blob, 0, 32)), conversationId.getBytes(StandardCharsets.UTF_8),
        "openred/v1/session-key", 32);
    return Aead.AES_256_GCM.open(k, Arrays.copyOfRange(blob, 32, 44), Arrays.copyOfRange(blob, 44, blob.length),
        (conversationId + "|" + keyVersion + "|" + userId).getBytes(StandardCharsets.UTF_8));
  }

  /** The message payload of section 7: {nonce, ciphertext, signature, associatedData}. */
  public JsonObject encrypt(byte[] sessionKey, String conversationId, int keyVersion, String messageId, String plaintext) {
    JsonObject ad = new JsonObject().put("conversationId", conversationId).put("senderId", userId).put("keyVersion", keyVersion)
        .put("messageId", messageId).put("sentAt", java.time.Instant.now().toString());
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    byte[] ciphertext = Aead.AES_256_GCM.seal(sessionKey, nonce, plaintext.getBytes(StandardCharsets.UTF_8), Jcs.canonicalize(ad));
    byte[] signed = concat(nonce, ciphertext, Jcs.canonicalize(ad));
    return new JsonObject().put("nonce", B64u.encode(nonce)).put("ciphertext", B64u.encode(ciphertext))
        .put("signature", B64u.encode(Ed25519.sign(sigPrivate, signed))).put("associatedData", ad);
  }

  /** Checks the sender's signature, then decrypts; throws when either fails. */
  public static String decrypt(JsonObject payload, byte[] sessionKey, String senderSig) {
    byte[] nonce = B64u.decode(payload.getString("nonce"));
    byte[] ciphertext = B64u.decode(payload.getString("ciphertext"));
    byte[] ad = Jcs.canonicalize(payload.getJsonObject("associatedData"));
    if (!Ed25519.verify(B64u.decode(senderSig), concat(nonce, ciphertext, ad), B64u.decode(payload.getString("signature")))) {
      throw new IllegalStateException("the sender's signature does not verify");
    }
    return new String(Aead.AES_256_GCM.open(sessionKey, nonce, ciphertext, ad), StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
