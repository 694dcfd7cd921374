package org.openred.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.openred.web.Problem;
import org.slf4j.Logger;

import java.util.function.Function;

/**
 * A domain operation on an event-bus address: the reply is the operation's result; a {@link Problem}
 * becomes a failure with its status and type (the HTTP layer turns it back into problem+json), as
 * does a known failure of an operation it called; anything else is logged here and answered as a
 * 500 without details.
 */
public final class Operations {
  private Operations() {
  }

  public static MessageConsumer<JsonObject> serve(Vertx vertx, String address, boolean localOnly, Logger log,
                                                  Function<JsonObject, Future<JsonObject>> operation) {
    var bus = vertx.eventBus();
    io.vertx.core.Handler<Message<JsonObject>> handler = message -> {
      Future<JsonObject> answer;
      try {
        answer = operation.apply(message.body() == null ? new JsonObject() : message.body());
      } catch (Problem problem) {
        answer = Future.failedFuture(problem);
      }
      answer.onSuccess(message::reply).onFailure(failure -> {
        if (failure instanceof Problem problem) {
          Failures.fail(message, problem.status(), problem.type(), problem.getMessage());
        } else if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
            && reply.failureCode() >= 400 && reply.failureCode() < 600) {
          // Another operation's known failure (discovery's unknown-domain, say): passed on as it is.
          message.fail(reply.failureCode(), reply.getMessage());
        } else if (failure instanceof ReplyException reply) {
          Failures.fail(message, 503, "unavailable", "a part of the node did not answer (" + reply.failureType().name().toLowerCase() + ")");
        } else {
          log.error("Operation {} failed", address, failure);
          Failures.fail(message, 500, "internal-error", "the operation failed");
        }
      });
    };
    return localOnly ? bus.localConsumer(address, handler) : bus.consumer(address, handler);
  }
}
