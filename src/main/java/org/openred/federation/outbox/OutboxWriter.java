package org.openred.federation.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import org.openred.federation.NodeEnvelopes;
import org.openred.kernel.Addresses;
import org.openred.node.NodeServices;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How a change reaches other nodes (PROTOCOL.md section 5.3), the same for every module: its
 * envelopes are signed first (one sandbox request), then one transaction holds the change and the
 * envelopes' outbox rows, so both commit or neither does, then the delivery of each destination is
 * nudged. A change with no envelope for another node is just its transaction.
 */
public final class OutboxWriter {
  private final Vertx vertx;
  private final NodeServices services;
  private final NodeEnvelopes envelopes;

  private OutboxWriter(Vertx vertx, NodeServices services, NodeEnvelopes envelopes) {
    this.vertx = vertx;
    this.services = services;
    this.envelopes = envelopes;
  }

  /** Asks the sandbox for the node's id once; the verticle keeps the writer. */
  public static Future<OutboxWriter> load(Vertx vertx, NodeServices services) {
    return NodeEnvelopes.load(vertx, services.config().domain()).map(loaded -> new OutboxWriter(vertx, services, loaded));
  }

  /** A new, unsigned envelope from this node ({@code fromUsername} null: from the node itself) to {@code toDomain}. */
  public JsonObject envelope(String type, String fromUsername, String toDomain, JsonObject payload) {
    return envelopes.create(type, fromUsername, new JsonObject().put("domain", toDomain), payload);
  }

  public JsonObject envelope(String type, String fromUsername, JsonObject to, JsonObject payload) {
    return envelopes.create(type, fromUsername, to, payload);
  }

  /** Signs {@code outgoing}, runs {@code change} and queues them in one transaction, nudges their delivery; answers the change's result. */
  public <T> Future<T> write(List<JsonObject> outgoing, Function<SqlConnection, Future<T>> change) {
    return write(outgoing, change, result -> true);
  }

  /** The same, but the envelopes are queued only when the change's result says so (a repeated message changes nothing). */
  public <T> Future<T> write(List<JsonObject> outgoing, Function<SqlConnection, Future<T>> change, Predicate<T> send) {
    boolean[] sent = {false};
    return envelopes.signAll(outgoing).compose(signed -> services.database().pool()
            .withTransaction(conn -> change.apply(conn).compose(result -> {
              sent[0] = send.test(result);
              return sent[0] ? OutboxStore.enqueue(conn, signed).map(result) : Future.succeededFuture(result);
            })))
        .onSuccess(ignored -> {
          if (sent[0]) {
            outgoing.stream().map(OutboxWriter::destination).distinct()
                .forEach(destination -> vertx.eventBus().send(Addresses.FEDERATION_OUTBOX_NUDGE, destination));
          }
        });
  }

  static String destination(JsonObject envelope) {
    return envelope.getJsonObject("to").getString("domain");
  }
}
