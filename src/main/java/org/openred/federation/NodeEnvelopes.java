package org.openred.federation;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.openred.crypto.B64u;
import org.openred.crypto.CryptoClient;

import java.util.List;

/**
 * Envelopes from this node (PROTOCOL.md section 5.1): made with its node id and domain, signed by
 * the crypto sandbox, many in one request. What every verticle that sends to other nodes uses.
 */
public final class NodeEnvelopes {
  private final Vertx vertx;
  private final CryptoClient crypto;
  private final String nodeId;
  private final String domain;

  private NodeEnvelopes(Vertx vertx, CryptoClient crypto, String nodeId, String domain) {
    this.vertx = vertx;
    this.crypto = crypto;
    this.nodeId = nodeId;
    this.domain = domain;
  }

  /** Asks the sandbox for the node's id once; the verticle keeps the answer. */
  public static Future<NodeEnvelopes> load(Vertx vertx, String domain) {
    CryptoClient crypto = new CryptoClient(vertx);
    return crypto.publicKeys().map(keys -> new NodeEnvelopes(vertx, crypto, keys.nodeId(), domain));
  }

  /** A new, unsigned envelope from this node; {@code fromUsername} may be null (the node itself). */
  public JsonObject create(String type, String fromUsername, JsonObject to, JsonObject payload) {
    JsonObject from = new JsonObject().put("node_id", nodeId).put("domain", domain);
    if (fromUsername != null) {
      from.put("username", fromUsername);
    }
    return new JsonObject().put("version", "1").put("id", java.util.UUID.randomUUID().toString()).put("type", type)
        .put("from", from).put("to", to)
        .put("timestamp", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
        .put("payload", payload);
  }

  /**
   * Has the sandbox sign every envelope (one request for all of them); answers them, signed in place.
   * Their canonical forms are made on a worker: a group holds up to a thousand envelopes.
   */
  public Future<List<JsonObject>> signAll(List<JsonObject> envelopes) {
    if (envelopes.isEmpty()) {
      return Future.succeededFuture(envelopes);
    }
    return vertx.executeBlocking(() -> envelopes.stream().map(Envelope::signingInput).toList(), false)
        .compose(crypto::signAll)
        .map(signatures -> {
          for (int i = 0; i < envelopes.size(); i++) {
            envelopes.get(i).put("signature", B64u.encode(signatures.get(i)));
          }
          return envelopes;
        });
  }
}
