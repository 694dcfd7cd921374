package org.openred.kernel;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A domain operation on an event-bus address: the reply is the operation's result; a failure that
 * {@link Problem#from} knows becomes a failure with its status and type (the HTTP layer turns it
 * back into problem+json); anything else is logged here and answered as a 500 without details.
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
        Problem problem = Problem.from(failure);
        if (problem == null) {
          log.error("Operation {} failed", address, failure);
          problem = new Problem(500, "internal-error", "the operation failed");
        }
        Failures.fail(message, problem);
      });
    };
    return localOnly ? bus.localConsumer(address, handler) : bus.consumer(address, handler);
  }

  /** Serves each operation on its address, local only; completes once every consumer is registered. */
  public static Future<Void> serveAll(Vertx vertx, Logger log, Map<String, Function<JsonObject, Future<JsonObject>>> operations) {
    List<Future<Void>> registered = new ArrayList<>();
    operations.forEach((address, operation) -> registered.add(serve(vertx, address, true, log, operation).completion()));
    return Future.all(registered).mapEmpty();
  }
}
