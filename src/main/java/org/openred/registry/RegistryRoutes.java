package org.openred.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.openred.crypto.B64u;
import org.openred.crypto.NodePublicKeys;
import org.openred.crypto.SignatureChecks;
import org.openred.federation.Envelope;
import org.openred.federation.EnvelopeTypes;
import org.openred.node.NodeServices;
import org.openred.node.RouteModule;
import org.openred.kernel.Software;
import org.openred.web.HttpVerticle;
import org.openred.web.JsonExchange;
import org.openred.kernel.Problem;
import org.openred.web.SignedRequests;

import java.net.URI;
import java.util.List;

/**
 * The registry API (PROTOCOL.md section 6a) over HTTP: validates, checks signatures, and hands
 * the work to {@link RegistryVerticle} over the event bus.
 */
final class RegistryRoutes implements RouteModule {
  private final Vertx vertx;
  private final SignedRequests signatures;
  private final SignatureChecks envelopeChecks;
  private final EnvelopeForwarder forwarder;

  private final NodePublicKeys registryKeys;
  private final EnvelopeTypes types = EnvelopeTypes.protocol();

  RegistryRoutes(Vertx vertx, NodeServices services, NodePublicKeys registryKeys) {
    this.vertx = vertx;
    this.registryKeys = registryKeys;
    this.signatures = new SignedRequests(services);
    this.envelopeChecks = services.signatures();
    this.forwarder = new EnvelopeForwarder(vertx, services);
  }

  @Override
  public void mount(Router router) {
    JsonObject wellKnown = new JsonObject()
        .put("registry_id", registryKeys.nodeId())
        .put("keys", new JsonArray().add(new JsonObject().put("keyid", "registry").put("alg", "ed25519")
            .put("public_key", registryKeys.signingPublicKey()).put("valid_until", registryKeys.signingValidUntil())))
        .put("software", new JsonObject().put("name", "openred").put("version", Software.version()));
    router.get("/.well-known/openred-registry").handler(ctx -> JsonExchange.send(ctx, 200, wellKnown));
    router.post("/api/v1/nodes/register").handler(this::register);
    router.post("/api/v1/nodes/:id/heartbeat").handler(this::heartbeat);
    router.get("/api/v1/nodes/discover").handler(this::discover);
    router.get("/api/v1/nodes/:id/status").handler(this::status);
    router.post("/api/v1/messages/route").handler(this::route);
  }

  /**
   * Forwards an ORF envelope at once to the node of {@code to.domain}, signed by the registry, and
   * answers what that node answered. Nothing is stored. The sender must sign the request and the
   * envelope, and be the envelope's {@code from}.
   */
  private void route(RoutingContext ctx) {
    JsonObject envelope = ctx.get(HttpVerticle.JSON_BODY);
    if (envelope == null) {
      throw new Problem(400, "malformed-json", "the body must be an ORF envelope");
    }
    JsonObject from = envelope.getValue("from") instanceof JsonObject f ? f : null;
    JsonObject to = envelope.getValue("to") instanceof JsonObject t ? t : null;
    if (from == null || to == null || !(from.getValue("node_id") instanceof String) || !(to.getValue("domain") instanceof String)) {
      throw new Problem(400, "invalid-envelope", "from.node_id and to.domain are required");
    }
    String[] target = types.route(envelope);
    signatures.verify(ctx, keyId -> lookup(keyId).map(node -> node == null ? List.of()
            : List.of(B64u.decode(node.getJsonObject("keys").getString("sig")))))
        .compose(verified -> {
          if (!verified.keyId().equals(from.getString("node_id"))) {
            return Future.failedFuture(new Problem(403, "origin-mismatch", "the envelope's from.node_id is not the signer"));
          }
          return Envelope.signedBy(envelopeChecks, envelope, List.of(verified.publicKey()));
        })
        .compose(signer -> {
          if (signer == null) {
            return Future.failedFuture(new Problem(400, "envelope-signature-invalid", "the envelope signature does not verify"));
          }
          return vertx.eventBus().<JsonObject>request(RegistryAddresses.DISCOVER,
              new JsonObject().put("domain", to.getString("domain")));
        })
        .compose(reply -> {
          JsonArray nodes = reply.body().getJsonArray("nodes");
          if (nodes.isEmpty()) {
            return Future.failedFuture(new Problem(404, "unknown-node", "no node is registered for " + to.getString("domain")));
          }
          return forwarder.forward(URI.create(nodes.getJsonObject(0).getString("api_url")), target[0], target[1], ctx.body().buffer());
        })
        .onSuccess(answer -> {
          ctx.response().setStatusCode(answer.status());
          String type = answer.contentType();
          if (type != null) {
            ctx.response().putHeader("Content-Type", type);
          }
          ctx.response().end(answer.body());
        })
        .onFailure(ctx::fail);
  }

  private void register(RoutingContext ctx) {
    JsonObject body = ctx.get(HttpVerticle.JSON_BODY);
    if (body == null) {
      throw new Problem(400, "malformed-json", "the body must be a JSON object");
    }
    Object nodeId = body.getValue("node_id");
    Object keys = body.getValue("keys");
    if (!(nodeId instanceof String id) || !(keys instanceof JsonObject keyObject) || !(keyObject.getValue("sig") instanceof String sig)) {
      throw new Problem(400, "invalid-field", "node_id and keys.sig are required");
    }
    byte[] sigKey;
    try {
      sigKey = B64u.decode(sig, 32, "keys.sig");
    } catch (IllegalArgumentException e) {
      throw new Problem(400, "invalid-field", e.getMessage());
    }
    if (!org.openred.crypto.NodeId.of(sigKey).equals(id)) {
      throw new Problem(400, "fingerprint-mismatch", "node_id is not the fingerprint of keys.sig");
    }
    // Proof of possession: the request must be signed by the key it registers.
    signatures.verify(ctx, keyId -> Future.succeededFuture(keyId.equals(id) ? List.of(sigKey) : List.of()))
        .compose(verified -> vertx.eventBus().<JsonObject>request(RegistryAddresses.REGISTER, body))
        .onSuccess(reply -> JsonExchange.send(ctx, reply.body().getBoolean("created") ? 201 : 200, reply.body().getJsonObject("node")))
        .onFailure(ctx::fail);
  }

  private void heartbeat(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    lookup(id)
        .compose(found -> found == null
            ? Future.failedFuture(new Problem(404, "unknown-node", "no node " + id + " is registered"))
            : signatures.verify(ctx, keyId -> lookup(keyId).map(node -> node == null ? List.of()
                : List.of(B64u.decode(node.getJsonObject("keys").getString("sig"))))))
        .compose(verified -> verified.keyId().equals(id) ? Future.succeededFuture()
            : Future.failedFuture(new Problem(403, "origin-mismatch", "a node may only heartbeat for itself")))
        .compose(ignored -> vertx.eventBus().<JsonObject>request(RegistryAddresses.HEARTBEAT, new JsonObject().put("node_id", id)))
        .onSuccess(reply -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void discover(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    int given = 0;
    for (String name : List.of("domain", "node_id", "q")) {
      List<String> values = ctx.queryParam(name);
      if (values.size() > 1) {
        throw new Problem(400, "invalid-query", name + " is given more than once");
      }
      if (!values.isEmpty()) {
        query.put(name, values.get(0));
        given++;
      }
    }
    if (given != 1) {
      throw new Problem(400, "invalid-query", "give exactly one of domain, node_id or q");
    }
    String limit = ctx.queryParams().get("limit");
    if (limit != null) {
      if (!limit.matches("[0-9]{1,3}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > RegistryVerticle.MAX_SEARCH) {
        throw new Problem(400, "invalid-query", "limit must be a whole number from 1 to " + RegistryVerticle.MAX_SEARCH);
      }
      query.put("limit", Integer.parseInt(limit));
    }
    vertx.eventBus().<JsonObject>request(RegistryAddresses.DISCOVER, query)
        .onSuccess(reply -> JsonExchange.send(ctx, 200, reply.body()))
        .onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    lookup(id).onSuccess(node -> {
      if (node == null) {
        ctx.fail(new Problem(404, "unknown-node", "no node " + id + " is registered"));
      } else {
        JsonExchange.send(ctx, 200, new JsonObject().put("status", node.getString("status")).put("last_seen", node.getString("last_seen")));
      }
    }).onFailure(ctx::fail);
  }

  private Future<JsonObject> lookup(String nodeId) {
    return vertx.eventBus().<JsonObject>request(RegistryAddresses.DISCOVER, new JsonObject().put("node_id", nodeId))
        .map(reply -> {
          JsonArray nodes = reply.body().getJsonArray("nodes");
          return nodes.isEmpty() ? null : nodes.getJsonObject(0);
        });
  }

}
