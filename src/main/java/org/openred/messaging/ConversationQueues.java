package org.openred.messaging;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Envelopes from other nodes, applied in order per conversation: one batch at a time per conversation,
 * so a message right behind the conversation_create that admits its sender sees it; different
 * conversations are applied side by side. Messages that queued up behind one another make one batch
 * (one transaction), so a busy conversation does not pay a commit per message. Used on one event loop.
 */
final class ConversationQueues {
  static final int MAX_MESSAGES = 500;

  private record Pending(JsonObject envelope, Promise<JsonObject> answer) {
  }

  private final Map<String, Deque<Pending>> queues = new HashMap<>();
  private final Function<JsonObject, Future<JsonObject>> applyOne;
  private final Function<List<JsonObject>, Future<List<Future<JsonObject>>>> applyMessages;

  /**
   * {@code applyOne} applies any envelope alone; {@code applyMessages} applies consecutive
   * direct_messages of one conversation together and answers each one's outcome.
   */
  ConversationQueues(Function<JsonObject, Future<JsonObject>> applyOne,
                     Function<List<JsonObject>, Future<List<Future<JsonObject>>>> applyMessages) {
    this.applyOne = applyOne;
    this.applyMessages = applyMessages;
  }

  Future<JsonObject> submit(JsonObject envelope) {
    String conversation = envelope.getValue("payload") instanceof JsonObject payload
        && payload.getValue("conversationId") instanceof String id ? id : "";
    Pending pending = new Pending(envelope, Promise.promise());
    Deque<Pending> queue = queues.get(conversation);
    if (queue != null) {
      queue.add(pending); // a batch of this conversation is being applied: this one waits its turn
    } else {
      queue = new ArrayDeque<>();
      queue.add(pending);
      queues.put(conversation, queue);
      next(conversation, queue);
    }
    return pending.answer().future();
  }

  private void next(String conversation, Deque<Pending> queue) {
    if (queue.isEmpty()) {
      queues.remove(conversation);
      return;
    }
    List<Pending> batch = new ArrayList<>();
    if (isMessage(queue.peek())) {
      while (!queue.isEmpty() && isMessage(queue.peek()) && batch.size() < MAX_MESSAGES) {
        batch.add(queue.poll());
      }
    } else {
      batch.add(queue.poll());
    }
    // The queue stays in the map while the batch runs, so what arrives meanwhile waits behind it.
    Future<List<Future<JsonObject>>> outcomes = batch.size() == 1 && !isMessage(batch.get(0))
        ? ConversationQueues.<JsonObject>safely(() -> applyOne.apply(batch.get(0).envelope()))
            .map(outcome -> List.of(Future.succeededFuture(outcome)))
        : safely(() -> applyMessages.apply(batch.stream().map(Pending::envelope).toList()));
    outcomes.onComplete(done -> {
      for (int i = 0; i < batch.size(); i++) {
        Promise<JsonObject> answer = batch.get(i).answer();
        if (done.failed()) {
          answer.fail(done.cause());
        } else {
          done.result().get(i).onComplete(answer);
        }
      }
      next(conversation, queue);
    });
  }

  private static boolean isMessage(Pending pending) {
    return "direct_message".equals(pending.envelope().getValue("type"));
  }

  /** An applier that throws (a Problem for a bad payload) fails its batch instead of the queue. */
  private static <T> Future<T> safely(java.util.function.Supplier<Future<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
