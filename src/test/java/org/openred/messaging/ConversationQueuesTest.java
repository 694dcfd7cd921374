package org.openred.messaging;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.kernel.Problem;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-conversation order, messages batched behind one another, conversations side by side, failures kept to their own. */
class ConversationQueuesTest {
  private final List<String> calls = new ArrayList<>();
  private final List<Promise<JsonObject>> ones = new ArrayList<>();
  private final List<Promise<List<Future<JsonObject>>>> batches = new ArrayList<>();
  private final List<List<JsonObject>> batchInputs = new ArrayList<>();
  private final ConversationQueues queues = new ConversationQueues(envelope -> {
    calls.add("one " + envelope.getString("id"));
    Promise<JsonObject> promise = Promise.promise();
    ones.add(promise);
    return promise.future();
  }, envelopes -> {
    calls.add("messages " + envelopes.stream().map(e -> e.getString("id")).toList());
    batchInputs.add(envelopes);
    Promise<List<Future<JsonObject>>> promise = Promise.promise();
    batches.add(promise);
    return promise.future();
  });

  private static JsonObject envelope(String id, String type, String conversation) {
    return new JsonObject().put("id", id).put("type", type).put("payload", new JsonObject().put("conversationId", conversation));
  }

  @Test
  @DisplayName("A create, then the messages queued behind it as one batch; another conversation meanwhile; a refusal stays its own")
  void orderAndBatches() {
    Future<JsonObject> create = queues.submit(envelope("create", "conversation_create", "c1"));
    Future<JsonObject> m1 = queues.submit(envelope("m1", "direct_message", "c1"));
    Future<JsonObject> m2 = queues.submit(envelope("m2", "direct_message", "c1"));
    Future<JsonObject> m3 = queues.submit(envelope("m3", "direct_message", "c1"));
    Future<JsonObject> other = queues.submit(envelope("x1", "direct_message", "c2"));
    assertEquals(List.of("one create", "messages [x1]"), calls, "c1's messages wait for the create; c2 does not");

    ones.get(0).complete(new JsonObject().put("status", 201));
    assertEquals(201, create.result().getInteger("status"));
    assertEquals("messages [m1, m2, m3]", calls.get(2), "the three queued messages go as one batch");
    Future<JsonObject> m4 = queues.submit(envelope("m4", "direct_message", "c1"));
    assertEquals(3, calls.size(), "m4 waits for the batch in progress");

    batches.get(1).complete(List.of(Future.succeededFuture(new JsonObject().put("status", 202)),
        Future.failedFuture(new Problem(409, "stale-key-version", "old")), Future.succeededFuture(new JsonObject().put("status", 202))));
    assertEquals(202, m1.result().getInteger("status"));
    assertTrue(m2.failed());
    assertEquals("stale-key-version", ((Problem) m2.cause()).type());
    assertEquals(202, m3.result().getInteger("status"));
    assertEquals("messages [m4]", calls.get(3));
    assertFalse(other.isComplete());

    batches.get(0).fail(new IllegalStateException("storage down"));
    assertTrue(other.failed(), "a failed transaction fails its batch");
    batches.get(2).complete(List.of(Future.succeededFuture(new JsonObject().put("status", 202))));
    assertEquals(202, m4.result().getInteger("status"));
    queues.submit(envelope("m5", "direct_message", "c1"));
    assertEquals("messages [m5]", calls.get(4), "an idle conversation starts at once");
  }
}
