package org.openred.discovery;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;
import org.openred.crypto.Ed25519;
import org.openred.crypto.NodeId;
import org.openred.crypto.X25519;
import org.openred.kernel.Problem;
import org.openred.web.StrictJson;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A node's key document, {@code /.well-known/openred} (PROTOCOL.md section 3), checked on parse. */
public record KeyDocument(String domain, String nodeId, String federationUrl, List<Key> keys, String dhKey) {

  public record Key(String keyId, String publicKey, Instant validUntil) {
  }

  /** The current signing key: the one whose fingerprint is the node_id. */
  public String signingKey() {
    return keys.stream().filter(k -> NodeId.of(B64u.decode(k.publicKey())).equals(nodeId)).findFirst()
        .map(Key::publicKey).orElseThrow();
  }

  public List<byte[]> validKeys(Instant now) {
    return keys.stream().filter(k -> k.validUntil().isAfter(now)).map(k -> B64u.decode(k.publicKey())).toList();
  }

  public boolean lists(String publicKey) {
    return keys.stream().anyMatch(k -> k.publicKey().equals(publicKey));
  }

  public JsonObject toJson() {
    JsonArray keyArray = new JsonArray();
    keys.forEach(k -> keyArray.add(new JsonObject().put("keyid", k.keyId()).put("alg", "ed25519")
        .put("public_key", k.publicKey()).put("valid_until", k.validUntil().toString())));
    return new JsonObject().put("domain", domain).put("node_id", nodeId).put("federation_url", federationUrl)
        .put("keys", keyArray).put("dh_key", new JsonObject().put("alg", "x25519").put("public_key", dhKey));
  }

  public static KeyDocument parse(Buffer body) {
    try {
      return parse(StrictJson.parseObject(body));
    } catch (Problem | ClassCastException | IllegalArgumentException | DateTimeParseException | NullPointerException e) {
      throw invalid(e.getMessage());
    }
  }

  static KeyDocument parse(JsonObject json) {
    String domain = json.getString("domain").toLowerCase(Locale.ROOT);
    String nodeId = json.getString("node_id");
    if (!NodeId.isWellFormed(nodeId)) {
      throw invalid("node_id is not 32 base32 characters");
    }
    List<Key> keys = new ArrayList<>();
    JsonArray array = json.getJsonArray("keys");
    if (array == null || array.isEmpty() || array.size() > 16) {
      throw invalid("keys must list 1 to 16 keys");
    }
    for (int i = 0; i < array.size(); i++) {
      JsonObject key = array.getJsonObject(i);
      if (!"ed25519".equals(key.getString("alg"))) {
        throw invalid("only ed25519 keys are accepted");
      }
      String publicKey = key.getString("public_key");
      B64u.decode(publicKey, Ed25519.PUBLIC_KEY_SIZE, "public_key");
      keys.add(new Key(key.getString("keyid"), publicKey, Instant.parse(key.getString("valid_until"))));
    }
    if (keys.stream().noneMatch(k -> NodeId.of(B64u.decode(k.publicKey())).equals(nodeId))) {
      throw invalid("no listed key has the node_id as its fingerprint");
    }
    JsonObject dh = json.getJsonObject("dh_key");
    if (dh == null || !"x25519".equals(dh.getString("alg"))) {
      throw invalid("dh_key must be an x25519 key");
    }
    B64u.decode(dh.getString("public_key"), X25519.KEY_SIZE, "dh_key");
    return new KeyDocument(domain, nodeId, json.getString("federation_url"), List.copyOf(keys), dh.getString("public_key"));
  }

  private static Problem invalid(String detail) {
    return new Problem(502, "invalid-key-document", "the key document is invalid: " + detail);
  }
}
