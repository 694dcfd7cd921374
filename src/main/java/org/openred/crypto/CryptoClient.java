package org.openred.crypto;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;

/** Typed, Future-returning calls to the crypto sandbox over the local event bus. */
public final class CryptoClient {
  private final Vertx vertx;

  public CryptoClient(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<NodePublicKeys> publicKeys() {
    return call(Addresses.CRYPTO_PUBLIC_KEYS, new JsonObject()).map(NodePublicKeys::fromJson);
  }

  /** An Ed25519 signature by the node's current signing key. */
  public Future<byte[]> sign(byte[] data) {
    return call(Addresses.CRYPTO_SIGN, new JsonObject().put("data", B64u.encode(data)))
        .map(reply -> B64u.decode(reply.getString("signature")));
  }

  /** Ed25519 signatures of many inputs in one request, in order. */
  public Future<java.util.List<byte[]>> signAll(java.util.List<byte[]> data) {
    io.vertx.core.json.JsonArray batch = new io.vertx.core.json.JsonArray();
    data.forEach(item -> batch.add(B64u.encode(item)));
    return call(Addresses.CRYPTO_SIGN, new JsonObject().put("batch", batch)).map(reply -> {
      java.util.List<byte[]> signatures = new java.util.ArrayList<>();
      reply.getJsonArray("signatures").forEach(signature -> signatures.add(B64u.decode((String) signature)));
      return signatures;
    });
  }

  /** Seals a value for storage under the at-rest subkey of {@code purpose}, bound to {@code aad}. */
  public Future<String> seal(String purpose, byte[] plaintext, byte[] aad) {
    return call(Addresses.CRYPTO_SEAL, new JsonObject().put("purpose", purpose)
        .put("plaintext", B64u.encode(plaintext)).put("aad", B64u.encode(aad)))
        .map(reply -> reply.getString("sealed"));
  }

  public Future<byte[]> open(String purpose, String sealed, byte[] aad) {
    return call(Addresses.CRYPTO_OPEN, new JsonObject().put("purpose", purpose).put("sealed", sealed).put("aad", B64u.encode(aad)))
        .map(reply -> B64u.decode(reply.getString("plaintext")));
  }

  /** HKDF-SHA256 over X25519(node agreement key, {@code peerPublicKey}). */
  public Future<byte[]> agree(byte[] peerPublicKey, byte[] salt, byte[] info, int length) {
    return call(Addresses.CRYPTO_AGREE, new JsonObject().put("public_key", B64u.encode(peerPublicKey))
        .put("salt", B64u.encode(salt)).put("info", B64u.encode(info)).put("length", length))
        .map(reply -> B64u.decode(reply.getString("key")));
  }

  private Future<JsonObject> call(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(reply -> reply.body());
  }
}
