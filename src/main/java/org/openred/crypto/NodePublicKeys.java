package org.openred.crypto;

import io.vertx.core.json.JsonObject;

/** What the world may know of a node's keys: its id, signing key and agreement key. */
public record NodePublicKeys(String nodeId, String signingKeyId, String signingPublicKey, String signingValidUntil,
                             String agreementPublicKey) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("node_id", nodeId)
        .put("sig", new JsonObject().put("key_id", signingKeyId).put("public_key", signingPublicKey).put("valid_until", signingValidUntil))
        .put("dh", new JsonObject().put("public_key", agreementPublicKey));
  }

  public static NodePublicKeys fromJson(JsonObject json) {
    JsonObject sig = json.getJsonObject("sig");
    return new NodePublicKeys(json.getString("node_id"), sig.getString("key_id"), sig.getString("public_key"),
        sig.getString("valid_until"), json.getJsonObject("dh").getString("public_key"));
  }
}
