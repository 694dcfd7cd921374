package org.openred.federation.outbox;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.openred.kernel.Addresses;
import org.openred.federation.FederationClient;
import org.openred.net.OutboundHttp;
import org.openred.node.NodeServices;
import org.openred.web.StrictJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers the outbox (PROTOCOL.md section 5.3): per destination, in order (also across retries: the
 * destination backs off as a whole, behind its oldest envelope), one batch on the wire at a time,
 * up to 100 envelopes under one signed {@code PUT /transactions/{txnId}} whose id is derived from
 * the rows, so a batch resent after a crash is recognised by the receiver. 2xx per envelope:
 * delivered; 4xx other than 408/429: final (failed, logged, counted); anything else and network
 * errors: retried with exponential backoff and jitter (1 s doubling to 1 h), given up after the
 * retry window. A circuit breaker per destination stops trying a dead node at every tick.
 */
public final class DeliveryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryVerticle.class);
  static final int BATCH = 100;
  static final Duration GIVE_UP_AFTER = Duration.ofDays(7);
  private static final int MAX_ANSWER = 1024 * 1024;

  private final NodeServices services;
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> again = new HashSet<>();
  private final DestinationHealth health = new DestinationHealth();
  private final AtomicLong queued = new AtomicLong();
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private FederationClient federation;
  private OutboxStore store;
  private long timer;

  public DeliveryVerticle(NodeServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    federation = new FederationClient(vertx, services);
    store = new OutboxStore(services.database().pool());
    timer = vertx.setPeriodic(1000, id -> scan());
    vertx.setTimer(1, id -> scan());
    return Future.all(
        vertx.eventBus().<String>localConsumer(Addresses.FEDERATION_OUTBOX_NUDGE, message -> {
          queued.incrementAndGet();
          schedule(message.body());
        }).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.FEDERATION_METRICS, message -> message.reply(new JsonObject()
            .put("queued", queued.get()).put("sent", sent.get()).put("retried", retried.get()).put("failed", failed.get())))
            .completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void scan() {
    store.dueDestinations()
        .onSuccess(destinations -> destinations.forEach(this::schedule))
        .onFailure(failure -> LOG.warn("Outbox scan failed: {}", failure.getMessage()));
  }

  private void schedule(String destination) {
    if (inFlight.contains(destination)) {
      again.add(destination);
      return;
    }
    if (health.paused(destination)) {
      return;
    }
    inFlight.add(destination);
    // One sender per destination across every instance of a clustered node.
    vertx.sharedData().getLockWithTimeout("openred.delivery." + destination, 50)
        .compose(lock -> pump(destination).eventually(() -> {
          lock.release();
          return Future.succeededFuture();
        }))
        .onComplete(result -> {
          inFlight.remove(destination);
          if (again.remove(destination)) {
            schedule(destination);
          }
        });
  }

  /**
   * Sends the destination's queue batch after batch, in order: batch k+1 leaves only once the
   * receiver committed batch k, but it is read from the outbox while k is on the wire, and k's rows
   * are deleted while k+1 is, so the database never sits in the round trip. Ends when the queue is
   * drained or a batch was not wholly delivered (its rows wait for their retry time); the rows are
   * all settled before the destination's lock is released.
   */
  private Future<Void> pump(String destination) {
    List<Future<Void>> settling = new ArrayList<>();
    Promise<Void> drained = Promise.promise();
    step(destination, select(destination, 0), settling, drained);
    return drained.future().eventually(() -> Future.join(settling));
  }

  /**
   * One batch, then the next from its own callback: a long queue is a loop of callbacks, not a chain
   * of futures nested in each other (thousands of batches would overflow the stack as they complete).
   */
  private void step(String destination, Future<List<Row>> next, List<Future<Void>> settling, Promise<Void> drained) {
    next.compose(batch -> {
      if (batch.isEmpty()) {
        return Future.succeededFuture(false);
      }
      long lastSeq = batch.get(batch.size() - 1).getLong("seq");
      Future<List<Row>> following = batch.size() == BATCH ? select(destination, lastSeq) : null;
      return send(destination, batch).map(sent -> {
        settling.removeIf(Future::isComplete);
        settling.add(sent.settled());
        if (sent.allDelivered() && following != null) {
          step(destination, following, settling, drained);
          return true;
        }
        return false;
      });
    }).onComplete(result -> {
      if (result.failed() || !result.result()) {
        drained.tryComplete();
      }
    });
  }

  private Future<List<Row>> select(String destination, long afterSeq) {
    return store.batch(destination, afterSeq, BATCH);
  }

  /** What became of one batch: whether every envelope was delivered, and the outbox rows being settled. */
  private record Sent(boolean allDelivered, Future<Void> settled) {
  }

  private Future<Sent> send(String destination, List<Row> batch) {
    String txnId = "seq-" + batch.get(0).getLong("seq") + "-" + batch.get(batch.size() - 1).getLong("seq");
    // The rows hold the envelopes as this node encoded them: spliced in as they are, not parsed and encoded again.
    Buffer body = Buffer.buffer(256 + batch.size() * 1024).appendString("{\"origin\":")
        .appendString(Json.encode(services.config().domain())).appendString(",\"envelopes\":[");
    for (int i = 0; i < batch.size(); i++) {
      body.appendString(i == 0 ? "" : ",").appendString(batch.get(i).getString("body"));
    }
    body.appendString("]}");
    return federation.send(destination, HttpMethod.PUT, "/transactions/" + txnId, body, MAX_ANSWER)
        .map(response -> settle(destination, batch, response))
        .recover(failure -> {
          LOG.debug("Delivery to {} failed: {}", destination, failure.getMessage());
          return Future.succeededFuture(new Sent(false, retryAll(destination, batch, failure.getMessage())));
        });
  }

  private Sent settle(String destination, List<Row> batch, OutboundHttp.Response response) {
    int status = response.status();
    Outcome outcome = new Outcome();
    if (status == 200) {
      JsonObject results;
      try {
        results = StrictJson.parseObject(response.body()).getJsonObject("results", new JsonObject());
      } catch (RuntimeException e) {
        return new Sent(false, retryAll(destination, batch, "unreadable answer"));
      }
      health.answered(destination);
      for (Row row : batch) {
        String id = row.getString("envelope_id");
        JsonObject result = results.getValue(id) instanceof JsonObject r ? r : new JsonObject().put("status", 500);
        int envelopeStatus = result.getInteger("status", 500);
        String why = envelopeStatus + " " + result.getString("type", "");
        if (envelopeStatus < 300) {
          outcome.delivered.add(row);
        } else if (isFinal(envelopeStatus)) {
          outcome.failed(row, why);
        } else {
          outcome.retry(row, why);
        }
      }
      return new Sent(outcome.delivered.size() == batch.size(), outcome.apply(destination));
    }
    if (isFinal(status)) {
      health.answered(destination);
      String why = status + " " + response.body().toString().substring(0, Math.min(200, response.body().length()));
      batch.forEach(row -> outcome.failed(row, why));
      return new Sent(false, outcome.apply(destination));
    }
    return new Sent(false, retryAll(destination, batch, "answered " + status));
  }

  private static boolean isFinal(int status) {
    return status >= 400 && status < 500 && status != 408 && status != 429;
  }

  private Future<Void> retryAll(String destination, List<Row> batch, String why) {
    health.failed(destination, why);
    Outcome outcome = new Outcome();
    batch.forEach(row -> outcome.retry(row, why));
    return outcome.apply(destination);
  }

  /** What one answer means for each row of a batch, written in one transaction. */
  private final class Outcome {
    final List<Row> delivered = new ArrayList<>();
    final List<Map<String, Object>> failures = new ArrayList<>();
    final List<Map<String, Object>> retries = new ArrayList<>();

    final List<Row> failedRows = new ArrayList<>();

    void failed(Row row, String why) {
      failures.add(Map.of("why", truncate(why), "seq", row.getLong("seq")));
      failedRows.add(row);
    }

    void retry(Row row, String why) {
      int attempts = row.getInteger("attempts") + 1;
      if (Instant.parse(row.getString("created_at")).plus(GIVE_UP_AFTER).isBefore(Instant.now())) {
        failed(row, "gave up after " + GIVE_UP_AFTER.toDays() + " days: " + why);
      } else {
        retries.add(Map.of("attempts", attempts, "next", System.currentTimeMillis() + DestinationHealth.backoff(attempts), "why", truncate(why),
            "seq", row.getLong("seq")));
      }
    }

    Future<Void> apply(String destination) {
      sent.addAndGet(delivered.size());
      retried.addAndGet(retries.size());
      failed.addAndGet(failures.size());
      failures.forEach(f -> LOG.warn("Envelope {} to {} not delivered: {}", f.get("seq"), destination, f.get("why")));
      return store.settle(delivered.stream().map(row -> row.getLong("seq")).toList(), failures, retries).onSuccess(ignored -> {
        if (!delivered.isEmpty() || !failedRows.isEmpty()) {
          JsonArray accepted = new JsonArray();
          delivered.forEach(row -> accepted.add(row.getString("body")));
          JsonArray refused = new JsonArray();
          failedRows.forEach(row -> refused.add(row.getString("body")));
          vertx.eventBus().publish(Addresses.FEDERATION_DELIVERED, new JsonObject().put("destination", destination)
              .put("delivered", accepted).put("failed", refused), LOCAL);
        }
      });
    }
  }

  private static String truncate(String text) {
    return text == null ? null : text.length() <= 500 ? text : text.substring(0, 500);
  }
}
