package org.openred.federation.outbox;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.openred.config.FederationDomain;
import org.openred.federation.EnvelopeTypes;
import org.openred.federation.outbox.OutboxWriter;
import org.openred.kernel.Addresses;
import org.openred.kernel.Failures;
import org.openred.kernel.GroupCommit;
import org.openred.kernel.Problem;
import org.openred.node.NodeServices;

import java.util.List;

/**
 * {@link Addresses#FEDERATION_SEND}: {type, from_username?, to: {domain, username?}, payload} ->
 * builds the ORF envelope, has it signed and queued durably, answers {id}. Sends are group-committed:
 * those that arrive while a group is written are signed in one sandbox request and queued in one
 * transaction. A module that changes rows uses {@link OutboxWriter} in its own transaction instead.
 */
public final class SendVerticle extends VerticleBase {
  private static final int MAX_GROUP = 1000;
  private final NodeServices services;
  private final EnvelopeTypes types;
  private OutboxWriter outbox;
  private GroupCommit<Pending> commit;

  /** A send waiting for its group commit. */
  private record Pending(Message<JsonObject> message, JsonObject envelope) {
  }

  public SendVerticle(NodeServices services, EnvelopeTypes types) {
    this.services = services;
    this.types = types;
  }

  @Override
  public Future<?> start() {
    commit = new GroupCommit<>(context, MAX_GROUP, pending -> 1, this::write);
    return OutboxWriter.load(vertx, services).compose(loaded -> {
      outbox = loaded;
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
    JsonObject envelope = outbox.envelope(body.getString("type"), body.getString("from_username"), to.put("domain", destination),
        body.getJsonObject("payload", new JsonObject()));
    try {
      types.route(envelope);
    } catch (Problem problem) {
      Failures.fail(message, problem);
      return;
    }
    commit.add(new Pending(message, envelope));
  }

  private Future<Void> write(List<Pending> group) {
    return outbox.write(group.stream().map(Pending::envelope).toList(), conn -> Future.<Void>succeededFuture())
        .onSuccess(ignored -> group.forEach(p -> p.message().reply(new JsonObject().put("id", p.envelope().getString("id")))))
        .onFailure(failure -> group.forEach(p -> Failures.fail(p.message(), 500, "internal-error", "the envelope could not be queued")));
  }
}
