package org.openred.federation.outbox;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.openred.bus.Addresses;
import org.openred.bus.Failures;
import org.openred.config.FederationDomain;
import org.openred.crypto.B64u;
import org.openred.crypto.CryptoClient;
import org.openred.crypto.NodePublicKeys;
import org.openred.federation.Envelope;
import org.openred.node.NodeServices;
import org.openred.web.Problem;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * {@link Addresses#FEDERATION_SEND}: {type, from_username?, to: {domain, username?}, payload} ->
 * builds the ORF envelope, has the sandbox sign JCS(envelope), queues it durably, answers {id}.
 * Domain verticles that change rows use {@link #build} and {@link Outbox#enqueue} in their own
 * transaction instead.
 */
public final class SendVerticle extends VerticleBase {
  private final NodeServices services;
  private CryptoClient crypto;
  private NodePublicKeys keys;

  public SendVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    crypto = new CryptoClient(vertx);
    return crypto.publicKeys().compose(loaded -> {
      keys = loaded;
      return vertx.eventBus().<JsonObject>consumer(Addresses.FEDERATION_SEND, this::send).completion();
    });
  }

  private void send(Message<JsonObject> message) {
    JsonObject body = message.body();
    JsonObject to = body.getJsonObject("to");
    String destination = to == null ? null : FederationDomain.normalise(to.getString("domain"));
    if (destination == null) {
      Failures.fail(message, 400, "invalid-envelope", "to.domain is required");
      return;
    }
    JsonObject envelope = build(body.getString("type"), body.getString("from_username"), to.put("domain", destination),
        body.getJsonObject("payload", new JsonObject()));
    try {
      Envelope.route(envelope);
    } catch (Problem problem) {
      Failures.fail(message, problem.status(), problem.type(), problem.getMessage());
      return;
    }
    sign(envelope)
        .compose(signed -> Outbox.enqueue(services.database().pool(), destination, signed).map(signed))
        .onSuccess(signed -> {
          vertx.eventBus().send(Addresses.FEDERATION_OUTBOX_NUDGE, destination);
          message.reply(new JsonObject().put("id", signed.getString("id")));
        })
        .onFailure(failure -> Failures.fail(message, 500, "internal-error", "the envelope could not be queued"));
  }

  public JsonObject build(String type, String fromUsername, JsonObject to, JsonObject payload) {
    JsonObject from = new JsonObject().put("node_id", keys.nodeId()).put("domain", services.config().domain());
    if (fromUsername != null) {
      from.put("username", fromUsername);
    }
    return new JsonObject().put("version", "1").put("id", UUID.randomUUID().toString()).put("type", type)
        .put("from", from).put("to", to)
        .put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("payload", payload);
  }

  public Future<JsonObject> sign(JsonObject envelope) {
    return crypto.sign(Envelope.signingInput(envelope)).map(signature -> envelope.put("signature", B64u.encode(signature)));
  }
}
