package org.openred.federation.outbox;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.openred.bus.Addresses;
import org.openred.bus.Failures;
import org.openred.config.FederationDomain;
import org.openred.federation.Envelope;
import org.openred.federation.EnvelopeTypes;
import org.openred.federation.NodeEnvelopes;
import org.openred.node.NodeServices;
import org.openred.web.Problem;


/**
 * {@link Addresses#FEDERATION_SEND}: {type, from_username?, to: {domain, username?}, payload} ->
 * builds the ORF envelope, has the sandbox sign JCS(envelope), queues it durably, answers {id}.
 * Domain verticles that change rows use {@link NodeEnvelopes} and {@link Outbox#enqueueAll} in
 * their own transaction instead.
 */
public final class SendVerticle extends VerticleBase {
  private static final int MAX_GROUP = 1000;
  private final NodeServices services;
  private final java.util.List<Pending> pending = new java.util.ArrayList<>();
  private boolean flushing;
  private NodeEnvelopes outgoing;

  /** A queued send waiting for the next group commit. */
  private record Pending(Message<JsonObject> message, String destination, JsonObject envelope) {
  }

  public SendVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    return NodeEnvelopes.load(vertx, services.config().domain()).compose(loaded -> {
      outgoing = loaded;
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
    JsonObject envelope = outgoing.create(body.getString("type"), body.getString("from_username"), to.put("domain", destination),
        body.getJsonObject("payload", new JsonObject()));
    try {
      EnvelopeTypes.route(envelope);
    } catch (Problem problem) {
      Failures.fail(message, problem.status(), problem.type(), problem.getMessage());
      return;
    }
    pending.add(new Pending(message, destination, envelope));
    if (!flushing) {
      flushing = true;
      vertx.runOnContext(ignored -> flush());
    }
  }

  /**
   * Group commit: everything queued since the last flush is signed in one sandbox request and
   * written in one transaction; the senders are answered once it committed.
   */
  private void flush() {
    if (pending.isEmpty()) {
      flushing = false;
      return;
    }
    java.util.List<Pending> group = new java.util.ArrayList<>(pending.subList(0, Math.min(MAX_GROUP, pending.size())));
    pending.subList(0, group.size()).clear();
    outgoing.signAll(group.stream().map(Pending::envelope).toList())
        .compose(signed -> services.database().pool().withTransaction(conn -> Outbox.enqueueAll(conn,
            group.stream().map(p -> new Outbox.Entry(p.destination(), p.envelope())).toList())))
        .onComplete(result -> {
          if (result.succeeded()) {
            group.stream().map(Pending::destination).distinct()
                .forEach(destination -> vertx.eventBus().send(Addresses.FEDERATION_OUTBOX_NUDGE, destination));
            group.forEach(p -> p.message().reply(new JsonObject().put("id", p.envelope().getString("id"))));
          } else {
            group.forEach(p -> Failures.fail(p.message(), 500, "internal-error", "the envelope could not be queued"));
          }
          flush();
        });
  }

}
