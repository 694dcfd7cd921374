package org.openred.federation.inbound;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.bus.Addresses;
import org.openred.bus.Failures;
import org.openred.federation.Envelope;
import org.openred.node.NodeServices;
import org.openred.web.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Receives envelopes whose HTTP signature was verified (PROTOCOL.md sections 5.1 and 5.3): checks
 * each, stores the new ones in one transaction (so a batch costs one commit), answers a repeated
 * envelope as the first time and a repeated transaction with its first answer, then publishes every
 * newly accepted envelope on {@link Addresses#FEDERATION_INBOUND} for the domain verticles.
 */
public final class InboundVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(InboundVerticle.class);
  public static final int MAX_BATCH = 100;

  private final NodeServices services;
  private FederationKeys keys;

  public InboundVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    keys = new FederationKeys(vertx, services);
    return vertx.eventBus().<JsonObject>consumer(Addresses.FEDERATION_RECEIVE, this::receive).completion();
  }

  /** {origin (null when routed by the registry), txn_id?, envelopes: [...]} -> {results: {id: {status, type?, detail?}}}. */
  private void receive(Message<JsonObject> message) {
    JsonObject body = message.body();
    String origin = body.getString("origin");
    String txnId = body.getString("txn_id");
    JsonArray envelopes = body.getJsonArray("envelopes");
    Future<JsonObject> answer = txnId == null ? process(origin, null, envelopes)
        : previousAnswer(origin, txnId).compose(previous -> previous != null ? Future.succeededFuture(previous)
            : process(origin, txnId, envelopes));
    answer.onSuccess(message::reply).onFailure(failure -> {
      LOG.error("Storing received envelopes from {} failed", origin, failure);
      Failures.fail(message, 503, "unavailable", "the envelopes could not be stored; retry later");
    });
  }

  private Future<JsonObject> previousAnswer(String origin, String txnId) {
    return SqlTemplate.forQuery(services.database().pool(),
            "SELECT answer FROM inbound_transactions WHERE origin = #{origin} AND txn_id = #{txn}")
        .execute(Map.of("origin", origin, "txn", txnId))
        .map(rows -> rows.size() == 0 ? null : new JsonObject(rows.iterator().next().getString("answer")));
  }

  private Future<JsonObject> process(String origin, String txnId, JsonArray envelopes) {
    Map<String, JsonObject> results = new LinkedHashMap<>();
    List<JsonObject> wellFormed = new ArrayList<>();
    for (int i = 0; i < envelopes.size(); i++) {
      Object item = envelopes.getValue(i);
      String key = item instanceof JsonObject e && e.getValue("id") instanceof String id ? id : "#" + i;
      if (!(item instanceof JsonObject envelope)) {
        results.put(key, problem(new Problem(400, "invalid-envelope", "an envelope must be an object")));
        continue;
      }
      try {
        Envelope.validate(envelope, origin, services.config().domain());
        wellFormed.add(envelope);
      } catch (Problem problem) {
        results.put(key, problem(problem));
      }
    }
    // Every envelope's own signature is checked, so what is stored stays verifiable once it left the
    // request; the sender's keys come from discovery (cached), the checks run on a worker.
    Map<String, Future<List<byte[]>>> senderKeys = new LinkedHashMap<>();
    for (JsonObject envelope : wellFormed) {
      String sender = envelope.getJsonObject("from").getString("domain").toLowerCase();
      senderKeys.computeIfAbsent(sender, keys::keys);
    }
    return Future.join(new ArrayList<>(senderKeys.values())).transform(ignored -> vertx.executeBlocking(() -> {
      List<JsonObject> verified = new ArrayList<>();
      for (JsonObject envelope : wellFormed) {
        Future<List<byte[]>> candidates = senderKeys.get(envelope.getJsonObject("from").getString("domain").toLowerCase());
        boolean valid = candidates.succeeded() && candidates.result().stream().anyMatch(k -> Envelope.signatureValid(envelope, k));
        if (valid) {
          verified.add(envelope);
        } else {
          results.put(envelope.getString("id"), problem(new Problem(400, "envelope-signature-invalid",
              "the envelope signature does not verify with its sender's key")));
        }
      }
      return verified;
    }, false)).compose(verified -> store(origin, txnId, verified, results));
  }

  private Future<JsonObject> store(String origin, String txnId, List<JsonObject> envelopes, Map<String, JsonObject> results) {
    String now = Instant.now().toString();
    List<JsonObject> fresh = new ArrayList<>();
    return services.database().pool().withTransaction(conn -> {
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject envelope : envelopes) {
        chain = chain.compose(ignored -> insert(conn, envelope, now).map(inserted -> {
          if (inserted) {
            fresh.add(envelope);
          }
          results.put(envelope.getString("id"), new JsonObject().put("status", 202));
          return null;
        }));
      }
      Future<JsonObject> answer = chain.map(ignored -> new JsonObject().put("results", new JsonObject(new LinkedHashMap<>(results))));
      if (txnId == null) {
        return answer;
      }
      return answer.compose(stored -> SqlTemplate.forUpdate(conn, "INSERT INTO inbound_transactions (origin, txn_id, answer, received_at) "
              + "VALUES (#{origin}, #{txn}, #{answer}, #{now}) ON CONFLICT (origin, txn_id) DO NOTHING")
          .execute(Map.of("origin", origin, "txn", txnId, "answer", stored.encode(), "now", now))
          .map(stored));
    }).onSuccess(ignored -> fresh.forEach(envelope -> vertx.eventBus().publish(Addresses.FEDERATION_INBOUND, envelope)));
  }

  private static Future<Boolean> insert(SqlConnection conn, JsonObject envelope, String now) {
    String origin = envelope.getJsonObject("from").getString("domain").toLowerCase();
    return SqlTemplate.forUpdate(conn, "INSERT INTO inbound_envelopes (origin, envelope_id, type, body, received_at) "
            + "VALUES (#{origin}, #{id}, #{type}, #{body}, #{now}) ON CONFLICT (origin, envelope_id) DO NOTHING")
        .execute(Map.of("origin", origin, "id", envelope.getString("id"), "type", envelope.getString("type"),
            "body", envelope.encode(), "now", now))
        .map(result -> result.rowCount() == 1);
  }

  private static JsonObject problem(Problem problem) {
    return problem.toJson(null);
  }
}
