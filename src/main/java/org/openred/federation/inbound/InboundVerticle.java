package org.openred.federation.inbound;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openred.kernel.Addresses;
import org.openred.kernel.Failures;
import org.openred.kernel.GroupCommit;
import org.openred.federation.Envelope;
import org.openred.federation.EnvelopeTypes;
import org.openred.node.NodeServices;
import org.openred.kernel.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Receives envelopes whose HTTP signature was verified (PROTOCOL.md sections 5.1 and 5.3): checks
 * each, stores the new ones in one transaction per group (so many requests cost one commit), has the
 * module that owns each type apply it, records each outcome, and only then answers: an envelope that
 * will not be applied gets its module's 4xx, so the sender marks it failed rather than delivered.
 * <p>
 * Storing and applying are two transactions, so a crash between them must not lose the envelope:
 * its outcome stays empty until the module answered, every stored envelope without an outcome is
 * applied again (in order of arrival) at start-up and every few seconds, and a repeated envelope is
 * answered with its recorded outcome. Modules apply idempotently, which makes that exactly once.
 */
public final class InboundVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(InboundVerticle.class);
  public static final int MAX_BATCH = 100;
  private static final int MAX_GROUP = 1000;
  private static final long SWEEP_MS = 5_000;
  /** Left alone by the sweep for this long after arrival: its own request is still applying it. */
  private static final long SWEEP_GRACE_MS = 10_000;
  private static final DeliveryOptions APPLY = new DeliveryOptions().setLocalOnly(true).setSendTimeout(20_000);
  /** Fixed width, so the text order of two times is their time order (Instant.toString drops zeros). */
  private static final DateTimeFormatter RECEIVED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final JsonObject UNAVAILABLE = new JsonObject().put("status", 503).put("type", "unavailable")
      .put("detail", "the envelope is stored but could not be applied yet; it will be, and a repeat is answered then");

  private final Set<String> applying = new HashSet<>();
  private final RefusalLog refusals = new RefusalLog(LOG);
  private GroupCommit<Work> commit;
  private boolean sweeping;
  private long sweepTimer;

  private final NodeServices services;
  private final InboundStore store;
  private final EnvelopeTypes types;
  private FederationKeys keys;

  public InboundVerticle(NodeServices services, EnvelopeTypes types) {
    this.services = services;
    this.types = types;
    this.store = new InboundStore(services.database());
  }

  @Override
  public Future<?> start() {
    keys = new FederationKeys(vertx, services);
    commit = new GroupCommit<>(context, MAX_GROUP, work -> work instanceof StoreJob job ? job.envelopes().size() : 0, this::write);
    sweepTimer = vertx.setPeriodic(1_000, SWEEP_MS, id -> sweep());
    return vertx.eventBus().<JsonObject>consumer(Addresses.FEDERATION_RECEIVE, this::receive).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }

  /** {origin (null when routed by the registry), txn_id?, envelopes: [...]} -> {results: {id: {status, type?, detail?}}}. */
  private void receive(Message<JsonObject> message) {
    JsonObject body = message.body();
    String origin = body.getString("origin");
    String txnId = body.getString("txn_id");
    JsonArray envelopes = body.getJsonArray("envelopes");
    Future<JsonObject> answer = txnId == null ? process(origin, null, envelopes)
        : store.previousAnswer(origin, txnId).compose(previous -> previous != null ? Future.succeededFuture(previous)
            : process(origin, txnId, envelopes));
    answer.onSuccess(message::reply).onFailure(failure -> {
      LOG.warn("Storing received envelopes from {} failed: {}", origin, failure.toString());
      Failures.fail(message, 503, "unavailable", "the envelopes could not be stored; retry later");
    });
  }

  private Future<JsonObject> process(String origin, String txnId, JsonArray envelopes) {
    Map<String, JsonObject> results = new LinkedHashMap<>();
    List<JsonObject> wellFormed = new ArrayList<>();
    for (int i = 0; i < envelopes.size(); i++) {
      Object item = envelopes.getValue(i);
      String key = item instanceof JsonObject e && e.getValue("id") instanceof String id ? id : "#" + i;
      if (!(item instanceof JsonObject envelope)) {
        results.put(key, new Problem(400, "invalid-envelope", "an envelope must be an object").toJson(null));
        continue;
      }
      try {
        Envelope.validate(envelope, origin, services.config().domain(), types);
        wellFormed.add(envelope);
      } catch (Problem problem) {
        results.put(key, problem.toJson(null));
      }
    }
    // Every envelope's own signature is checked, so what is stored stays verifiable once it left the
    // request; the sender's keys come from discovery (cached), the checks from the shared batching checker.
    Map<String, Future<List<byte[]>>> senderKeys = new LinkedHashMap<>();
    for (JsonObject envelope : wellFormed) {
      senderKeys.computeIfAbsent(InboundStore.sender(envelope), keys::keys);
    }
    List<Future<byte[]>> signers = new ArrayList<>(wellFormed.size());
    for (JsonObject envelope : wellFormed) {
      signers.add(senderKeys.get(InboundStore.sender(envelope)).compose(candidates -> Envelope.signedBy(services.signatures(), envelope, candidates)));
    }
    return Future.all(signers).compose(all -> {
      List<JsonObject> verified = new ArrayList<>();
      for (int i = 0; i < wellFormed.size(); i++) {
        JsonObject envelope = wellFormed.get(i);
        if (signers.get(i).result() != null) {
          verified.add(envelope);
        } else {
          results.put(envelope.getString("id"), new Problem(400, "envelope-signature-invalid",
              "the envelope signature does not verify with its sender's key").toJson(null));
        }
      }
      return store(origin, txnId, verified, results);
    });
  }

  /** Queues a checked batch for the next group commit and answers once its envelopes were applied. */
  private Future<JsonObject> store(String origin, String txnId, List<JsonObject> envelopes, Map<String, JsonObject> results) {
    Promise<JsonObject> answered = Promise.promise();
    commit.add(new StoreJob(origin, txnId, envelopes, results, answered));
    return answered.future();
  }

  /**
   * Group commit, one transaction for both ends of the pipeline: the envelopes checked since the last
   * group are stored, and the outcomes of the groups applied since then are recorded, so under load a
   * group costs one commit to store and shares the next one to record. Each group is applied while
   * the next one is stored.
   */
  private Future<?> write(List<Work> group) {
    List<StoreJob> jobs = new ArrayList<>();
    List<Record> records = new ArrayList<>();
    group.forEach(work -> {
      if (work instanceof StoreJob job) {
        jobs.add(job);
      } else {
        records.add((Record) work);
      }
    });
    List<JsonObject> all = new ArrayList<>();
    jobs.forEach(job -> all.addAll(job.envelopes()));
    Map<String, JsonObject> outcomes = finalOutcomes(records);
    List<Map<String, Object>> transactions = transactions(records);
    if (jobs.isEmpty() && outcomes.isEmpty() && transactions.isEmpty()) {
      // Nothing to write (a sweep that found nothing, a group that applied nothing): no transaction,
      // and above all no apply of an empty group, which would record nothing again, for ever.
      records.forEach(record -> record.written().complete());
      return Future.succeededFuture();
    }
    String now = RECEIVED_AT.format(Instant.now());
    return services.database().pool().withTransaction(conn -> InboundStore.write(conn, outcomes, transactions)
            .compose(ignored -> all.isEmpty() ? Future.succeededFuture(Map.<String, JsonObject>of()) : InboundStore.insertAll(conn, all, now)))
        .onComplete(stored -> {
          records.forEach(record -> record.written().handle(stored.mapEmpty()));
          if (stored.failed()) {
            jobs.forEach(job -> job.answered().fail(stored.cause()));
          } else if (!jobs.isEmpty()) {
            applyGroup(jobs, stored.result());
          }
        });
  }

  /**
   * Applies what the group holds that has no outcome yet (each distinct envelope once), records the
   * outcomes and the transactions' answers in one transaction, then answers every job.
   */
  private void applyGroup(List<StoreJob> jobs, Map<String, JsonObject> recorded) {
    Map<String, Future<JsonObject>> outcomes = new LinkedHashMap<>();
    Map<String, JsonObject> toApply = new LinkedHashMap<>();
    for (StoreJob job : jobs) {
      for (JsonObject envelope : job.envelopes()) {
        String key = InboundStore.key(InboundStore.sender(envelope), envelope.getString("id"));
        JsonObject outcome = recorded.get(key);
        if (outcome != null) {
          outcomes.putIfAbsent(key, Future.succeededFuture(outcome));
        } else if (!outcomes.containsKey(key)) {
          toApply.put(key, envelope);
          outcomes.put(key, null);
        }
      }
    }
    applyAll(toApply).onComplete(applied -> {
      applied.result().forEach((key, outcome) -> outcomes.put(key, Future.succeededFuture(outcome)));
      List<Map<String, Object>> transactions = new ArrayList<>();
      for (StoreJob job : jobs) {
        boolean txn = job.txnId() != null;
        boolean settled = true;
        for (JsonObject envelope : job.envelopes()) {
          JsonObject outcome = outcomes.get(InboundStore.key(InboundStore.sender(envelope), envelope.getString("id"))).result();
          settled &= outcome != UNAVAILABLE;
          // A transaction answers 202 for each accepted envelope (section 5.2); a single endpoint says what happened.
          job.results().put(envelope.getString("id"), txn && outcome.getInteger("status") < 300 ? new JsonObject().put("status", 202) : outcome);
        }
        // An answer holding an envelope not applied yet is not the final one: a repeat is worked out again.
        if (txn && settled) {
          transactions.add(Map.of("origin", job.origin(), "txn", job.txnId(), "answer", job.answer().encode(), "now", RECEIVED_AT.format(Instant.now())));
        }
      }
      record(applied.result(), transactions).onComplete(written -> jobs.forEach(job -> {
        if (written.succeeded()) {
          job.answered().complete(job.answer());
        } else {
          job.answered().fail(written.cause());
        }
      }));
    });
  }

  /**
   * Sends each envelope, in the given order, to the module that applies its type and collects each
   * outcome: the module's answer, its refusal (a 4xx problem), or {@link #UNAVAILABLE} when it could
   * not answer (not deployed yet, failed, too slow): that one stays without an outcome and is tried again.
   */
  private Future<Map<String, JsonObject>> applyAll(Map<String, JsonObject> envelopes) {
    Map<String, Future<JsonObject>> pending = new LinkedHashMap<>();
    envelopes.forEach((key, envelope) -> {
      applying.add(key);
      pending.put(key, apply(envelope).onComplete(done -> applying.remove(key)));
    });
    return Future.join(new ArrayList<>(pending.values())).transform(ignored -> {
      Map<String, JsonObject> outcomes = new LinkedHashMap<>();
      pending.forEach((key, future) -> outcomes.put(key, future.result()));
      return Future.succeededFuture(outcomes);
    });
  }

  private Future<JsonObject> apply(JsonObject envelope) {
    String type = envelope.getString("type");
    String address;
    try {
      address = types.appliedBy(type);
    } catch (Problem problem) {
      return Future.succeededFuture(problem.toJson(null));
    }
    return vertx.eventBus().<JsonObject>request(address, envelope, APPLY).transform(reply -> {
      if (reply.succeeded()) {
        int status = reply.result().body() != null ? reply.result().body().getInteger("status", 202) : 202;
        return Future.succeededFuture(new JsonObject().put("status", status));
      }
      Problem refusal = reply.cause() instanceof ReplyException failure && failure.failureType() == ReplyFailure.RECIPIENT_FAILURE
          ? Problem.from(failure) : null;
      if (refusal != null && refusal.status() < 500) {
        refusals.refused(InboundStore.sender(envelope), envelope.getString("id"), type, reply.cause().getMessage());
        return Future.succeededFuture(refusal.toJson(null));
      }
      LOG.warn("Envelope {} ({}) from {} stored, not applied yet: {}", envelope.getString("id"), type, InboundStore.sender(envelope),
          reply.cause().getMessage());
      return Future.succeededFuture(UNAVAILABLE);
    });
  }

  /** What a group commit writes: received envelopes to store, or outcomes to record. */
  private sealed interface Work permits StoreJob, Record {
  }

  /** Outcomes and transactions' answers waiting for the next group commit, and who waits for them. */
  private record Record(Map<String, JsonObject> outcomes, List<Map<String, Object>> transactions, Promise<Void> written) implements Work {
  }

  /** Has the outcomes that are final and the transactions' answers written by the next group commit. */
  private Future<Void> record(Map<String, JsonObject> outcomes, List<Map<String, Object>> transactions) {
    Promise<Void> written = Promise.promise();
    commit.add(new Record(outcomes, transactions, written));
    return written.future();
  }

  /** The outcomes to write: all but those of envelopes that could not be applied yet. */
  private static Map<String, JsonObject> finalOutcomes(List<Record> records) {
    Map<String, JsonObject> outcomes = new LinkedHashMap<>();
    records.forEach(record -> record.outcomes().forEach((key, outcome) -> {
      if (outcome != UNAVAILABLE) {
        outcomes.put(key, outcome);
      }
    }));
    return outcomes;
  }

  private static List<Map<String, Object>> transactions(List<Record> records) {
    List<Map<String, Object>> transactions = new ArrayList<>();
    records.forEach(record -> transactions.addAll(record.transactions()));
    return transactions;
  }

  /**
   * Applies, in order of arrival, the stored envelopes that have no outcome: those a crash or an
   * unavailable module left between storing and applying. One instance of a clustered node at a time.
   */
  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    String before = RECEIVED_AT.format(Instant.now().minusMillis(SWEEP_GRACE_MS));
    vertx.sharedData().getLockWithTimeout("openred.inbound.sweep", 10)
        .compose(lock -> store.unapplied(before, MAX_GROUP)
            .compose(stored -> {
              Map<String, JsonObject> envelopes = new LinkedHashMap<>(stored);
              envelopes.keySet().removeAll(applying);
              if (!envelopes.isEmpty()) {
                LOG.info("Applying {} stored envelopes that were not applied yet", envelopes.size());
              }
              return applyAll(envelopes).compose(outcomes -> record(outcomes, List.of()));
            })
            .eventually(() -> {
              lock.release();
              return Future.succeededFuture();
            }))
        .onFailure(failure -> LOG.debug("Inbound sweep skipped: {}", failure.getMessage()))
        .onComplete(done -> sweeping = false);
  }

  /** A checked batch waiting for its group commit. */
  private record StoreJob(String origin, String txnId, List<JsonObject> envelopes, Map<String, JsonObject> results,
                          Promise<JsonObject> answered) implements Work {
    JsonObject answer() {
      return new JsonObject().put("results", new JsonObject(new LinkedHashMap<>(results)));
    }
  }

}
