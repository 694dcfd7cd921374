package org.openred.federation.inbound;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
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
  private static final int MAX_GROUP = 1000;
  private static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);
  private final List<StoreJob> queued = new ArrayList<>();
  private boolean flushing;

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
    // request; the sender's keys come from discovery (cached), the checks from the shared batching checker.
    Map<String, Future<List<byte[]>>> senderKeys = new LinkedHashMap<>();
    for (JsonObject envelope : wellFormed) {
      senderKeys.computeIfAbsent(sender(envelope), keys::keys);
    }
    List<Future<byte[]>> signers = new ArrayList<>(wellFormed.size());
    for (JsonObject envelope : wellFormed) {
      signers.add(senderKeys.get(sender(envelope)).compose(candidates -> Envelope.signedBy(services.signatures(), envelope, candidates)));
    }
    return Future.all(signers).compose(all -> {
      List<JsonObject> verified = new ArrayList<>();
      for (int i = 0; i < wellFormed.size(); i++) {
        JsonObject envelope = wellFormed.get(i);
        if (signers.get(i).result() != null) {
          verified.add(envelope);
        } else {
          results.put(envelope.getString("id"), problem(new Problem(400, "envelope-signature-invalid",
              "the envelope signature does not verify with its sender's key")));
        }
      }
      return store(origin, txnId, verified, results);
    });
  }

  /** Queues a checked batch for the next group commit and answers once that committed. */
  private Future<JsonObject> store(String origin, String txnId, List<JsonObject> envelopes, Map<String, JsonObject> results) {
    Promise<JsonObject> answered = Promise.promise();
    queued.add(new StoreJob(origin, txnId, envelopes, results, answered));
    if (!flushing) {
      flushing = true;
      vertx.runOnContext(ignored -> flush());
    }
    return answered.future();
  }

  /**
   * Group commit: every batch checked since the last flush is stored in one transaction (one
   * existence query per sender, one batched insert), so many small requests cost one commit.
   */
  private void flush() {
    List<StoreJob> jobs = new ArrayList<>();
    int envelopeCount = 0;
    while (!queued.isEmpty() && envelopeCount < MAX_GROUP) {
      StoreJob job = queued.remove(0);
      jobs.add(job);
      envelopeCount += job.envelopes().size();
    }
    if (jobs.isEmpty()) {
      flushing = false;
      return;
    }
    List<JsonObject> all = new ArrayList<>();
    jobs.forEach(job -> all.addAll(job.envelopes()));
    String now = Instant.now().toString();
    List<JsonObject> fresh = new ArrayList<>();
    services.database().pool().withTransaction(conn ->
            (all.isEmpty() ? Future.succeededFuture(List.<Boolean>of()) : insertAll(conn, all, now)).compose(inserted -> {
              for (int i = 0; i < all.size(); i++) {
                if (inserted.get(i)) {
                  fresh.add(all.get(i));
                }
              }
              List<Map<String, Object>> transactions = new ArrayList<>();
              for (StoreJob job : jobs) {
                job.envelopes().forEach(envelope -> job.results().put(envelope.getString("id"), new JsonObject().put("status", 202)));
                if (job.txnId() != null) {
                  transactions.add(Map.of("origin", job.origin(), "txn", job.txnId(), "answer", job.answer().encode(), "now", now));
                }
              }
              return transactions.isEmpty() ? Future.succeededFuture()
                  : SqlTemplate.forUpdate(conn, "INSERT INTO inbound_transactions (origin, txn_id, answer, received_at) "
                      + "VALUES (#{origin}, #{txn}, #{answer}, #{now}) ON CONFLICT (origin, txn_id) DO NOTHING")
                  .executeBatch(transactions).mapEmpty();
            }))
        .onComplete(result -> {
          if (result.succeeded()) {
            // Local only: the instance that stored an envelope has its domain verticles apply it, once per node.
            fresh.forEach(envelope -> vertx.eventBus().publish(Addresses.FEDERATION_INBOUND, envelope, LOCAL_ONLY));
            jobs.forEach(job -> job.answered().complete(job.answer()));
          } else {
            jobs.forEach(job -> job.answered().fail(result.cause()));
          }
          flush();
        });
  }

  /** A checked batch waiting for its group commit. */
  private record StoreJob(String origin, String txnId, List<JsonObject> envelopes, Map<String, JsonObject> results,
                          Promise<JsonObject> answered) {
    JsonObject answer() {
      return new JsonObject().put("results", new JsonObject(new LinkedHashMap<>(results)));
    }
  }

  /**
   * Stores the envelopes not stored before with one statement, which answers the ones it inserted
   * (ON CONFLICT DO NOTHING RETURNING, SQLite 3.35+ and PostgreSQL): no separate existence query,
   * and a race between instances of a clustered node stays harmless. An envelope repeated within the
   * group counts as new once, at its first place.
   */
  private static Future<List<Boolean>> insertAll(SqlConnection conn, List<JsonObject> envelopes, String now) {
    StringBuilder sql = new StringBuilder("INSERT INTO inbound_envelopes (origin, envelope_id, type, body, received_at) VALUES ");
    Map<String, Object> params = new java.util.HashMap<>();
    params.put("now", now);
    for (int i = 0; i < envelopes.size(); i++) {
      JsonObject envelope = envelopes.get(i);
      sql.append(i == 0 ? "" : ", ").append("(#{o").append(i).append("}, #{i").append(i).append("}, #{t").append(i)
          .append("}, #{b").append(i).append("}, #{now})");
      params.put("o" + i, sender(envelope));
      params.put("i" + i, envelope.getString("id"));
      params.put("t" + i, envelope.getString("type"));
      params.put("b" + i, envelope.encode());
    }
    sql.append(" ON CONFLICT (origin, envelope_id) DO NOTHING RETURNING origin, envelope_id");
    return SqlTemplate.forQuery(conn, sql.toString()).execute(params).map(rows -> {
      java.util.Set<String> inserted = new java.util.HashSet<>();
      rows.forEach(row -> inserted.add(row.getString("origin") + "\n" + row.getString("envelope_id")));
      List<Boolean> fresh = new ArrayList<>(envelopes.size());
      for (JsonObject envelope : envelopes) {
        // remove(): a second copy in the same group is a repetition, not new.
        fresh.add(inserted.remove(sender(envelope) + "\n" + envelope.getString("id")));
      }
      return fresh;
    });
  }

  private static String sender(JsonObject envelope) {
    return envelope.getJsonObject("from").getString("domain").toLowerCase();
  }

  private static JsonObject problem(Problem problem) {
    return problem.toJson(null);
  }
}
